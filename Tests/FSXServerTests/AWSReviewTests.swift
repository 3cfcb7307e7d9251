import AsyncHTTPClient
import FSXAWS
import FSXCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import FSXServer

/// The server's AWS-aware review without sockets: a review whose facts are cached is decided
/// at once; one whose facts are missing is decided after gathering, and counted by how.
struct AWSReviewTests {
    /// Facts written inline: `cached` answers from them when they cover the request; `facts(for:)`
    /// returns them as they are, with the reason of an AWS that did not answer.
    final class FixedFacts: AWSFactsSource, Sendable {
        let known: AWSFacts
        let gathered = NIOLockedValueBox(0)
        init(_ known: AWSFacts) { self.known = known }
        func cachedFacts(covering lookups: AWSLookups) -> AWSFacts? { known.covers(lookups) ? known : nil }
        func facts(for lookups: AWSLookups) async -> AWSFacts {
            gathered.withLockedValue { $0 += 1 }
            var facts = known
            if !facts.covers(lookups) { facts.reason = "ec2 unreachable (connection refused)" }
            return facts
        }
    }

    static let fileSystem = "fs-0123456789abcdef0"
    static let subnet = "subnet-0123456789abcdef0"

    static func engine() throws -> AdmissionEngine {
        AdmissionEngine(
            configuration: try WebhookConfiguration(json: [
                "aws": ["region": "us-west-2"],
                "volumes": ["data": ["claimName": "data", "mountPath": "/data", "fileSystemId": .string(fileSystem)]],
                "defaultVolumes": ["data"],
            ]))
    }

    static var warm: AWSFacts {
        var facts = AWSFacts(region: "us-west-2")
        facts.fileSystems[fileSystem] = .init(id: fileSystem, subnetIds: [subnet])
        facts.subnets[subnet] = .init(id: subnet, vpcId: "vpc-01234567", availabilityZone: "us-west-2b", cidrBlock: nil)
        facts.vpcs["vpc-01234567"] = .init(id: "vpc-01234567", cidrBlocks: [])
        return facts
    }

    static let job = Array(
        """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1",
        "kind":{"group":"batch","version":"v1","kind":"Job"},"operation":"CREATE","name":"train","namespace":"ml",
        "object":{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"train","namespace":"ml",
        "labels":{"fsx-webhook/inject":"true"}},"spec":{"template":{"spec":{"restartPolicy":"Never",
        "containers":[{"name":"t","image":"t:1"}]}}}}}}
        """.utf8)

    @Test func aCachedJobIsDecidedAtOnceWithItsZone() throws {
        let source = FixedFacts(Self.warm)
        let metrics = AWSMetrics()
        let router = WebhookRouter(engine: try Self.engine(), aws: AWSFactsGathering(source: source, metrics: metrics))
        guard case .answered(let response) = router.reviewStep(.mutate, body: Self.job) else {
            Issue.record("a covered request must not wait")
            return
        }
        #expect(response.outcome == .patched)
        #expect(String(decoding: response.body.bytes, as: UTF8.self).contains("patch"))
        #expect(metrics.lookupCount(.cached) == 1)
        #expect(source.gathered.withLockedValue { $0 } == 0)
    }

    @Test func aColdJobIsGatheredThenDeniedWhenAWSDoesNotAnswer() async throws {
        let source = FixedFacts(AWSFacts(region: "us-west-2"))
        let metrics = AWSMetrics()
        let router = WebhookRouter(engine: try Self.engine(), aws: AWSFactsGathering(source: source, metrics: metrics))
        guard case .gathering(let pending) = router.reviewStep(.mutate, body: Self.job) else {
            Issue.record("an uncovered request must gather")
            return
        }
        let response = await pending.answer()
        #expect(response.outcome == .denied)
        #expect(response.reply?.decision.denials.map(\.rule) == [.awsZoneUnknown])
        #expect(String(decoding: response.body.bytes, as: UTF8.self).contains("connection refused"))
        #expect(metrics.lookupCount(.unverified) == 1 && metrics.lookupCount(.cached) == 0)
    }

    @Test func withoutAWSTheRouterAnswersAsBefore() throws {
        let router = WebhookRouter(engine: AdmissionEngine())
        guard case .answered(let response) = router.reviewStep(.mutate, body: Self.job) else {
            Issue.record("no aws: section, nothing to gather")
            return
        }
        #expect(response.outcome == .allowed)
    }

    @Test func theMetricsNameEveryServiceAndOutcome() {
        let metrics = AWSMetrics()
        metrics.awsRequestFinished(service: .ec2, outcome: .throttled, nanoseconds: 30_000_000)
        metrics.awsCacheEntriesChanged(7)
        let text = metrics.exposition()
        #expect(text.contains(#"fsx_webhook_aws_requests_total{service="ec2",outcome="throttled"} 1"#))
        #expect(text.contains(#"fsx_webhook_aws_requests_total{service="sts",outcome="ok"} 0"#))
        #expect(text.contains(#"fsx_webhook_aws_request_duration_seconds_bucket{service="ec2",le="0.05"} 1"#))
        #expect(text.contains("fsx_webhook_aws_cache_entries 7"))
        #expect(text.contains(#"fsx_webhook_aws_lookups_total{result="unverified"} 0"#))
    }
}

/// The same over real TLS sockets, HTTP/1.1 and h2: a review that waits for AWS is answered
/// within the lookup budget from off the event loop, and one whose client leaves meanwhile
/// is not counted as in flight forever.
@Suite(.serialized)
struct AWSServerTests {
    /// AWS as the server sees it when nothing answers: every call refused, retried until the
    /// budget is spent.
    static func unreachableCache(budget: Duration) -> AWSFactsCache {
        let environment = ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"]
        let logger = Logger(label: "test")
        let credentials = CredentialsProvider(
            environment: environment, region: "us-west-2", endpointURL: "http://127.0.0.1:9", http: .shared,
            observer: nil)
        let client = AWSClient(
            region: "us-west-2", endpointURL: "http://127.0.0.1:9", http: .shared, credentials: credentials,
            observer: nil, logger: logger)
        return AWSFactsCache(client: client, cacheTTL: .seconds(600), lookupBudget: budget, logger: logger)
    }

    @Test(arguments: Transport.allCases)
    func aJobWaitsForAWSAtMostTheBudget(_ transport: Transport) async throws {
        let engine = try AWSReviewTests.engine()
        try await TestServer.with(engine: engine, aws: Self.unreachableCache(budget: .milliseconds(300))) { server in
            let client = try server.makeClient(transport.clientVersion)
            defer { _ = client.shutdown() }
            let started = ContinuousClock.now
            let reply = try await server.send(client, path: "/mutate?timeout=10s", body: AWSReviewTests.job)
            let took = ContinuousClock.now - started
            #expect(reply.status == .ok && reply.version == transport.wireVersion)
            let response = try #require(try reply.json["response"])
            #expect(response["allowed"] == .bool(false))
            #expect(response["status"]?["message"]?.stringValue?.contains("unreachable") == true)
            // At least the budget (AWS was asked, retried); well below the apiserver's timeout. The
            // upper bound is loose: the suite runs beside others on a shared machine.
            #expect(took >= .milliseconds(250) && took < .seconds(5), "took \(took)")
            #expect(server.metrics.aws.lookupCount(.unverified) == 1)
            #expect(server.metrics.requestCount(path: .mutate, outcome: .denied) == 1)
            #expect(server.metrics.requestsInFlight == 0)
        }
    }

    @Test(arguments: Transport.allCases)
    func aClientThatLeavesWhileAWSIsAskedIsNotInFlight(_ transport: Transport) async throws {
        let engine = try AWSReviewTests.engine()
        try await TestServer.with(engine: engine, aws: Self.unreachableCache(budget: .milliseconds(500))) { server in
            let client = try server.makeClient(transport.clientVersion)
            defer { _ = client.shutdown() }
            var request = HTTPClientRequest(url: "https://localhost:\(server.port)/mutate?timeout=10s")
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: AWSReviewTests.job))
            await #expect(throws: (any Error).self) {
                _ = try await client.execute(request, timeout: .milliseconds(100))
            }
            // The gathering ends with the budget; the answer then finds the client gone.
            try await Task.sleep(for: .milliseconds(800))
            #expect(server.metrics.requestsInFlight == 0)
            // The connection pool and the server are still fine.
            let reply = try await server.send(client, body: Array(Reviews.persistent2WithS3(uid: "after").utf8))
            #expect(reply.status == .ok)
        }
    }
}
