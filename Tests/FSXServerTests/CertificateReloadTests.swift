import AsyncHTTPClient
import Atomics
import NIOCore
import Testing
import X509

@testable import FSXServer

/// Certificate rotation as cert-manager and Secret volumes do it, while requests flow.
@Suite(.serialized)
struct CertificateReloadTests {
    @Test func reloadsCertificateWithoutDroppingRequests() async throws {
        try await TestServer.with { server in
            let before = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
            let oldSerial = before.peerCertificate.serialNumber
            _ = try await before.closeAfterSending("")

            let succeeded = ManagedAtomic(0)
            let failures = ManagedAtomic(0)
            let stop = ManagedAtomic(false)
            let body = Array(Reviews.configMapCreate(uid: "rotate").utf8)
            try await withThrowingTaskGroup(of: Void.self) { load in
                // Kept-alive HTTP/1.1, HTTP/2, and a new connection per request (which must
                // pick up the new certificate): all must keep working through the swap.
                for version in [HTTPClient.Configuration.HTTPVersion.http1Only, .automatic] {
                    load.addTask {
                        let client = try server.makeClient(version)
                        while !stop.load(ordering: .relaxed) {
                            do {
                                let reply = try await server.send(client, body: body)
                                if reply.status == .ok {
                                    succeeded.wrappingIncrement(ordering: .relaxed)
                                } else {
                                    failures.wrappingIncrement(ordering: .relaxed)
                                }
                            } catch {
                                failures.wrappingIncrement(ordering: .relaxed)
                            }
                        }
                        try await client.shutdown()
                    }
                }
                load.addTask {
                    while !stop.load(ordering: .relaxed) {
                        do {
                            let reply = try await RawTLSConnection.reviewOnNewConnection(
                                port: server.port, caPEM: server.caPEM, body: body)
                            if reply.hasPrefix("HTTP/1.1 200") {
                                succeeded.wrappingIncrement(ordering: .relaxed)
                            } else {
                                failures.wrappingIncrement(ordering: .relaxed)
                            }
                        } catch {
                            failures.wrappingIncrement(ordering: .relaxed)
                        }
                    }
                }

                try await Task.sleep(for: .milliseconds(300))
                let renewed = try server.authority.issueServingCertificate(hosts: ["localhost", "127.0.0.1"])
                // Key first, then certificate, each replaced atomically: between the two the
                // pair is mismatched, which must be survived (kept, and retried at the next poll).
                try TestServer.replaceFile(server.files.privateKeyPath, renewed.privateKeyPEM)
                try TestServer.replaceFile(server.files.certificatePath, renewed.certificatePEM)

                var served = oldSerial
                for _ in 0..<100 where served == oldSerial {
                    try await Task.sleep(for: .milliseconds(50))
                    let probe = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
                    served = probe.peerCertificate.serialNumber
                    _ = try await probe.closeAfterSending("")
                }
                #expect(served == renewed.certificate.serialNumber)
                try await Task.sleep(for: .milliseconds(300))
                stop.store(true, ordering: .relaxed)
                try await load.waitForAll()
            }
            #expect(failures.load(ordering: .relaxed) == 0)
            #expect(succeeded.load(ordering: .relaxed) > 10)
            #expect(server.metrics.certificateReloadCount >= 1)
        }
    }

    @Test func keepsPreviousCertificateWhenNewPairIsBroken() async throws {
        try await TestServer.with { server in
            let first = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
            let serial = first.peerCertificate.serialNumber
            _ = try await first.closeAfterSending("")

            // A certificate whose key is not the one beside it.
            let other = try server.authority.issueServingCertificate(hosts: ["localhost"])
            try TestServer.replaceFile(server.files.certificatePath, other.certificatePEM)
            try await waitFor { server.metrics.certificateReloadFailureCount == 1 }

            // Then a certificate file that is not PEM at all.
            try TestServer.replaceFile(server.files.certificatePath, "-----BEGIN CERTIFICATE-----\nnot base64\n")
            try await waitFor { server.metrics.certificateReloadFailureCount == 2 }

            let after = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
            #expect(after.peerCertificate.serialNumber == serial)
            let reply = try await after.exchange(
                [(Self.rawRequest(Array(Reviews.configMapCreate(uid: "still").utf8)), .zero)], until: isCompleteResponse
            )
            #expect(reply.hasPrefix("HTTP/1.1 200"))
            #expect(server.metrics.certificateReloadCount == 0)
            #expect(server.application.state.isReady)

            // One broken change is reported once, not at every poll.
            try await Task.sleep(for: .milliseconds(400))
            #expect(server.metrics.certificateReloadFailureCount == 2)
        }
    }

    static func rawRequest(_ body: [UInt8]) -> String {
        "POST /validate?timeout=10s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n" + String(decoding: body, as: UTF8.self)
    }
}

/// Polls `condition` for up to five seconds.
func waitFor(_ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    for _ in 0..<100 {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("condition not met within 5 s", sourceLocation: sourceLocation)
}
