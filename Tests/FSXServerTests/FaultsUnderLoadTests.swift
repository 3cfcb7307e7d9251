import AsyncHTTPClient
import Atomics
import FSXCore
import NIOConcurrencyHelpers
import NIOCore
import Testing
import X509

@testable import FSXServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Faults that happen to a serving webhook while the apiserver keeps calling it.
@Suite(.serialized)
struct FaultsUnderLoadTests {
    /// Counts what a load generator saw.
    final class Tally: Sendable {
        let succeeded = ManagedAtomic(0)
        let failures = NIOLockedValueBox([String]())

        func fail(_ why: String) { failures.withLockedValue { $0.append(why) } }
    }

    /// Kept-alive HTTP/1.1 (two clients), HTTP/2, and a new connection per request (which
    /// meets every certificate the server installs), until `stop` is set.
    static func runLoad(_ server: TestServer, tally: Tally, stop: ManagedAtomic<Bool>) async throws {
        let body = Array(Reviews.configMapCreate(uid: "load").utf8)
        try await withThrowingTaskGroup(of: Void.self) { load in
            for version in [HTTPClient.Configuration.HTTPVersion.http1Only, .http1Only, .automatic] {
                load.addTask {
                    let client = try server.makeClient(version)
                    while !stop.load(ordering: .relaxed) {
                        do {
                            let reply = try await server.send(client, body: body)
                            if reply.status == .ok {
                                tally.succeeded.wrappingIncrement(ordering: .relaxed)
                            } else {
                                tally.fail("\(version): status \(reply.status.code)")
                            }
                        } catch {
                            tally.fail("\(version): \(error)")
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
                            tally.succeeded.wrappingIncrement(ordering: .relaxed)
                        } else {
                            tally.fail("new connection: \(reply.prefix(60))")
                        }
                    } catch {
                        tally.fail("new connection: \(error)")
                    }
                }
            }
            try await load.waitForAll()
        }
    }

    /// The serial of the certificate a new connection is served.
    static func servedSerial(_ server: TestServer) async throws -> Certificate.SerialNumber {
        let probe = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
        let serial = probe.peerCertificate.serialNumber
        try await probe.closeAfterSending("")
        return serial
    }

    /// Waits up to five seconds for new connections to be served `serial`.
    static func waitForServed(_ serial: Certificate.SerialNumber, _ server: TestServer) async throws -> Bool {
        for _ in 0..<100 {
            if try await servedSerial(server) == serial { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test func keepsAnsweringWhileCertificateFilesGoGoodBrokenGood() async throws {
        try await TestServer.with { server in
            let first = try await Self.servedSerial(server)
            let tally = Tally()
            let stop = ManagedAtomic(false)
            let started = ContinuousClock.now
            async let load: Void = Self.runLoad(server, tally: tally, stop: stop)

            try await Task.sleep(for: .milliseconds(700))
            // Good: a renewed pair.
            let second = try server.authority.issueServingCertificate(hosts: ["localhost", "127.0.0.1"])
            try TestServer.replaceFile(server.files.privateKeyPath, second.privateKeyPEM)
            try TestServer.replaceFile(server.files.certificatePath, second.certificatePEM)
            #expect(try await Self.waitForServed(second.certificate.serialNumber, server))
            #expect(second.certificate.serialNumber != first)
            // The key is replaced before the certificate, so a poll between the two may have
            // seen a mismatched pair and refused it: count from here.
            let failuresBefore = server.metrics.certificateReloadFailureCount

            // Broken, one way after another; each is refused and the renewed pair stays.
            let mismatched = try server.authority.issueServingCertificate(hosts: ["localhost"])
            let broken: [(String, () throws -> Void)] = [
                (
                    "certificate of another key",
                    { try TestServer.replaceFile(server.files.certificatePath, mismatched.certificatePEM) }
                ),
                (
                    "certificate that is not PEM",
                    { try TestServer.replaceFile(server.files.certificatePath, "not a certificate\n") }
                ),
                ("empty key", { try TestServer.replaceFile(server.files.privateKeyPath, "") }),
                ("key file deleted", { _ = unlink(server.files.privateKeyPath) }),
            ]
            for (index, (name, breakFiles)) in broken.enumerated() {
                try breakFiles()
                try await waitFor { server.metrics.certificateReloadFailureCount == failuresBefore + index + 1 }
                #expect(try await Self.servedSerial(server) == second.certificate.serialNumber, "\(name)")
                #expect(server.application.state.isReady, "\(name)")
                try await Task.sleep(for: .milliseconds(300))
            }

            // Good again: a third pair, certificate first this time (while the key file is
            // still missing, which is the failure already reported, so not a new one).
            let third = try server.authority.issueServingCertificate(hosts: ["localhost", "127.0.0.1"])
            try TestServer.replaceFile(server.files.certificatePath, third.certificatePEM)
            try TestServer.replaceFile(server.files.privateKeyPath, third.privateKeyPEM)
            #expect(try await Self.waitForServed(third.certificate.serialNumber, server))

            // Keep the load on for a while with the third pair, then stop: 5-8 s in all.
            let remaining = .seconds(6) - (ContinuousClock.now - started)
            if remaining > .zero { try await Task.sleep(for: remaining) }
            stop.store(true, ordering: .relaxed)
            try await load
            let failures = tally.failures.withLockedValue { $0 }
            #expect(failures.isEmpty, "\(failures.count) failed: \(failures.prefix(5))")
            #expect(tally.succeeded.load(ordering: .relaxed) > 50)
            #expect(server.metrics.certificateReloadCount == 2)
            #expect(server.metrics.certificateReloadFailureCount == failuresBefore + broken.count)
            print(
                "rotation good → broken ×\(broken.count) → good: \(tally.succeeded.load(ordering: .relaxed)) requests answered, \(failures.count) failed, in \(ContinuousClock.now - started)"
            )
        }
    }

    @Test func refusesConnectionsAboveTheLimitAndAcceptsAgainBelowIt() async throws {
        try await TestServer.with(adjust: { $0.maximumConnections = 20 }) { server in
            var open: [RawTLSConnection] = []
            for _ in 0..<20 {
                open.append(try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM))
            }
            #expect(server.metrics.openConnectionCount == 20)

            // The 21st is closed on accept, before any TLS: the client sees no certificate.
            await #expect(throws: (any Error).self) {
                _ = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
            }
            #expect(server.metrics.refusedConnectionCount >= 1)
            #expect(server.metrics.openConnectionCount == 20)

            // The connections already open keep working.
            let reply = try await open.removeLast().exchange(
                [(CertificateReloadTests.rawRequest(Array(Reviews.configMapCreate(uid: "kept").utf8)), .zero)],
                until: isCompleteResponse)
            #expect(reply.hasPrefix("HTTP/1.1 200"))

            // One closed (by the `Connection: close` above): a new one is accepted again.
            try await waitFor { server.metrics.openConnectionCount == 19 }
            try await HostileInputTests.expectServesNormally(server)
            let client = try server.makeClient(.http1Only)
            let metrics = try await server.operations(client, "/metrics")
            try await client.shutdown()
            #expect(
                metrics.body.contains("fsx_webhook_connections_refused_total \(server.metrics.refusedConnectionCount)"))
            for connection in open { try await connection.closeAfterSending("") }
            try await waitFor { server.metrics.openConnectionCount == 0 }
        }
    }
}
