import AsyncHTTPClient
import FSXCore
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import FSXServer

/// Both protocols a client can pick by ALPN: the apiserver's HTTP/1.1 and h2.
enum Transport: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case http1
    case h2

    var clientVersion: HTTPClient.Configuration.HTTPVersion { self == .http1 ? .http1Only : .automatic }
    var wireVersion: HTTPVersion { self == .http1 ? .http1_1 : .http2 }
    var testDescription: String { rawValue }
}

/// The real server over real TLS sockets, as the apiserver and other clients call it.
@Suite(.serialized)
struct WebhookServerTests {
    @Test(arguments: Transport.allCases)
    func deniesSeedPersistent2StorageClassWithDataRepositoryMessage(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let client = try server.makeClient(transport.clientVersion)
            defer { _ = client.shutdown() }
            let reply = try await server.send(client, body: Array(Reviews.persistent2WithS3(uid: "sc-1").utf8))
            #expect(reply.status == .ok)
            #expect(reply.version == transport.wireVersion)
            let response = try reply.json["response"]
            #expect(response?["uid"]?.stringValue == "sc-1")
            #expect(response?["allowed"] == .bool(false))
            let message = response?["status"]?["message"]?.stringValue ?? ""
            #expect(message.contains("data repository association"), "message: \(message)")
            #expect(response?["patch"] == nil)
            #expect(server.metrics.requestCount(path: .validate, outcome: .denied) == 1)
        }
    }

    @Test(arguments: Transport.allCases)
    func patchesOptedInJobWithPatchThatApplies(_ transport: Transport) async throws {
        let engine = AdmissionEngine(configuration: try WebhookConfiguration(json: Reviews.jobConfiguration))
        try await TestServer.with(engine: engine) { server in
            let client = try server.makeClient(transport.clientVersion)
            defer { _ = client.shutdown() }
            let reply = try await server.send(
                client, path: "/mutate?timeout=10s", body: Array(Reviews.jobCreate(uid: "job-1").utf8))
            #expect(reply.status == .ok)
            let response = try #require(try reply.json["response"])
            #expect(response["uid"]?.stringValue == "job-1")
            #expect(response["allowed"] == .bool(true))
            #expect(response["patchType"]?.stringValue == "JSONPatch")
            let encoded = try #require(response["patch"]?.stringValue)
            let patch = try JSONParser.parse(try #require(Data(base64Encoded: encoded)).map { $0 })
            let job = try JSONParser.parse(Reviews.optedInJob)
            let patched = try IndependentJSONPatch.apply(patch, to: job)
            let volumes = patched["spec"]?["template"]?["spec"]?["volumes"]?.arrayValue ?? []
            #expect(volumes.contains { $0["persistentVolumeClaim"]?["claimName"]?.stringValue == "training-data" })
            let mounts = patched["spec"]?["template"]?["spec"]?["containers"]?[0]?["volumeMounts"]?.arrayValue ?? []
            #expect(mounts.contains { $0["mountPath"]?.stringValue == "/data" })
            #expect(server.metrics.requestCount(path: .mutate, outcome: .patched) == 1)
        }
    }

    @Test(arguments: Transport.allCases)
    func passesJobUpdateThroughWithoutPatch(_ transport: Transport) async throws {
        let engine = AdmissionEngine(configuration: try WebhookConfiguration(json: Reviews.jobConfiguration))
        try await TestServer.with(engine: engine) { server in
            let client = try server.makeClient(transport.clientVersion)
            defer { _ = client.shutdown() }
            let reply = try await server.send(
                client, path: "/mutate?timeout=10s", body: Array(Reviews.jobUpdate(uid: "job-2").utf8))
            #expect(reply.status == .ok)
            let response = try reply.json["response"]
            #expect(response?["uid"]?.stringValue == "job-2")
            #expect(response?["allowed"] == .bool(true))
            #expect(response?["patch"] == nil)
            #expect(response?["patchType"] == nil)
        }
    }

    @Test(arguments: Transport.allCases)
    func answersV1beta1ReviewInV1beta1(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let client = try server.makeClient(transport.clientVersion)
            defer { _ = client.shutdown() }
            let body = Reviews.configMapCreate(uid: "old-1", version: "admission.k8s.io/v1beta1")
            let reply = try await server.send(client, body: Array(body.utf8))
            #expect(reply.status == .ok)
            #expect(reply.headers.first(name: "content-type") == "application/json")
            let json = try reply.json
            #expect(json["apiVersion"]?.stringValue == "admission.k8s.io/v1beta1")
            #expect(json["kind"]?.stringValue == "AdmissionReview")
            #expect(json["response"]?["uid"]?.stringValue == "old-1")
        }
    }

    @Test(arguments: Transport.allCases)
    func refusesBadRequestsWithTheirStatusAndKeepsServing(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let client = try server.makeClient(transport.clientVersion)
            defer { _ = client.shutdown() }
            let valid = Array(Reviews.configMapCreate(uid: "ok").utf8)

            let notFound = try await server.send(client, path: "/admit", body: valid)
            #expect(notFound.status == .notFound)

            let wrongMethod = try await server.send(
                client, method: .GET, path: "/validate", contentType: nil, body: nil)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers.first(name: "allow") == "POST")

            let notJSON = try await server.send(client, contentType: "text/plain", body: valid)
            #expect(notJSON.status == .unsupportedMediaType)

            let garbage = try await server.send(client, body: Array("{not json".utf8))
            #expect(garbage.status == .badRequest)
            #expect(try garbage.json["kind"]?.stringValue == "Status")

            let noRequest = try await server.send(
                client, body: Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#.utf8))
            #expect(noRequest.status == .badRequest)
            #expect(try noRequest.json["message"]?.stringValue == "AdmissionReview has no request")

            // None of the refusals broke the connection or the server.
            let after = try await server.send(client, body: valid)
            #expect(after.status == .ok)
            #expect(server.metrics.requestCount(path: .validate, outcome: .error) == 4)
            #expect(server.metrics.requestCount(path: .other, outcome: .error) == 1)
        }
    }

    @Test(arguments: Transport.allCases)
    func acceptsSevenMiBUpdateReview(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let client = try server.makeClient(transport.clientVersion)
            defer { _ = client.shutdown() }
            // Two objects of 3.4 MiB each, just under the 7 MiB limit with the envelope.
            var body = Reviews.largeConfigMapUpdate(uid: "big-1", objectBytes: 3_500_000)
            #expect(body.count <= WebhookRouter.defaultMaximumBodySize)
            #expect(body.count > 7_000_000)
            let reply = try await server.send(client, body: body)
            #expect(reply.status == .ok)
            #expect(try reply.json["response"]?["uid"]?.stringValue == "big-1")
            #expect(try reply.json["response"]?["allowed"] == .bool(true))
            body = []
        }
    }

    @Test(arguments: Transport.allCases)
    func refusesBodyDeclaredOverSevenMiBWith413(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let client = try server.makeClient(transport.clientVersion)
            defer { _ = client.shutdown() }
            let body = Reviews.largeConfigMapUpdate(uid: "huge-1", objectBytes: 3_700_000)
            #expect(body.count > WebhookRouter.defaultMaximumBodySize)
            let reply = try await server.send(client, body: body)
            #expect(reply.status == .payloadTooLarge)
            #expect(try reply.json["reason"]?.stringValue == "RequestEntityTooLarge")
            // A new request still works (on a new connection for HTTP/1.1).
            let after = try await server.send(client, body: Array(Reviews.configMapCreate(uid: "ok").utf8))
            #expect(after.status == .ok)
        }
    }

    @Test(arguments: Transport.allCases)
    func refusesStreamedBodyOnceItPassesSevenMiB(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let client = try server.makeClient(transport.clientVersion)
            defer { _ = client.shutdown() }
            let body = Reviews.largeConfigMapUpdate(uid: "huge-2", objectBytes: 3_700_000)
            let reply = try await server.send(client, body: body, chunked: true)
            #expect(reply.status == .payloadTooLarge)
        }
    }

    @Test func servesHealthReadinessAndMetrics() async throws {
        try await TestServer.with { server in
            let client = try server.makeClient(.http1Only)
            defer { _ = client.shutdown() }
            _ = try await server.send(client, body: Array(Reviews.configMapCreate(uid: "m-1").utf8))
            _ = try await server.send(client, path: "/mutate", body: Array(Reviews.configMapCreate(uid: "m-2").utf8))

            let health = try await server.operations(client, "/healthz")
            #expect(health.status == .ok)
            let ready = try await server.operations(client, "/readyz")
            #expect(ready.status == .ok)
            let missing = try await server.operations(client, "/nothing")
            #expect(missing.status == .notFound)

            let metrics = try await server.operations(client, "/metrics")
            #expect(metrics.status == .ok)
            let text = metrics.body
            #expect(text.contains("fsx_webhook_requests_total{path=\"/validate\",outcome=\"allowed\"} 1\n"))
            #expect(text.contains("fsx_webhook_requests_total{path=\"/mutate\",outcome=\"allowed\"} 1\n"))
            #expect(text.contains("fsx_webhook_request_duration_seconds_bucket{path=\"/validate\",le=\"0.0001\"}"))
            #expect(text.contains("fsx_webhook_request_duration_seconds_count{path=\"/validate\"} 1\n"))
            #expect(text.contains("fsx_webhook_requests_in_flight 0\n"))
            #expect(text.contains("fsx_webhook_certificate_reloads_total 0\n"))
            #expect(text.contains("fsx_webhook_certificate_reload_failures_total 0\n"))
            let expiry = text.split(separator: "\n").first {
                $0.hasPrefix("fsx_webhook_certificate_expiry_timestamp_seconds ")
            }
            let seconds = expiry.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
            #expect(seconds > Int(Date().timeIntervalSince1970))
        }
    }

    @Test func readinessFailsOnceShutdownBegins() throws {
        let authority = try CertificateAuthority()
        let serving = try authority.issueServingCertificate(hosts: ["localhost"])
        let store = CertificateStore()
        let state = ServerState(certificates: store)
        #expect(!state.isReady)
        store.replace(
            with: try ServingIdentity(
                certificatePEM: Array(serving.certificatePEM.utf8), privateKeyPEM: Array(serving.privateKeyPEM.utf8)))
        state.markListening()
        #expect(
            OperationsHandler.answer(method: .GET, target: "/readyz", metrics: ServerMetrics(), state: state).0 == .ok)
        #expect(state.beginShutdown())
        let (status, _, body) = OperationsHandler.answer(
            method: .GET, target: "/readyz", metrics: ServerMetrics(), state: state)
        #expect(status == .serviceUnavailable)
        #expect(body.contains("shutting down"))
    }
}
