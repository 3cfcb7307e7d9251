import Foundation
import Testing

/// `fsx-webhook probe` against the built `fsx-webhook serve`, over real TLS, as `helm test` runs it.
@Suite(.serialized)
struct ProbeCommandTests {
    static func probe(port: Int, caPath: String) throws -> CLIRunner.Run {
        try CLIRunner.run([
            "probe", "--url", "https://127.0.0.1:\(port)/validate", "--ca-file", caPath, "--server-name", "localhost",
            "--timeout", "5",
        ])
    }

    static func withServer(config: String? = nil, _ body: (Int, String) async throws -> Void) async throws {
        var arguments: [String] = []
        var folder: URL?
        if let config {
            let file = try CLIRunner.temporaryFile("fsx-webhook.yaml", config)
            folder = file.folder
            arguments = ["--config", file.path]
        }
        defer { if let folder { try? FileManager.default.removeItem(at: folder) } }
        let server = try ServeProcess.start(arguments)
        defer { server.forceStop() }
        let (port, _) = try await server.waitForPorts()
        try await body(port, server.caPath)
        server.terminate()
        _ = try await server.waitForExit(timeout: .seconds(10))
    }

    @Test func exitsZeroAgainstARunningServer() async throws {
        try await Self.withServer { port, caPath in
            let run = try Self.probe(port: port, caPath: caPath)
            #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)")
            #expect(
                run.stdout.contains(
                    "PASS  known-bad StorageClass: denied: StorageClass \"fsx-webhook-probe-known-bad\""))
            #expect(run.stdout.contains("PASS  known-good StorageClass: allowed without warnings"))
        }
    }

    @Test func verifiesAnIPAddressURLAgainstTheCertificatesAddresses() async throws {
        // No --server-name: an IP address cannot be sent as SNI, so the certificate's IP
        // entries are checked against the address connected to (the development certificate
        // names 127.0.0.1).
        try await Self.withServer { port, caPath in
            let run = try CLIRunner.run([
                "probe", "--url", "https://127.0.0.1:\(port)/validate", "--ca-file", caPath, "--timeout", "5",
            ])
            #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)")
            #expect(run.stdout.contains("PASS  known-good StorageClass"))
        }
    }

    @Test func acceptsWouldDenyUnderWarnEnforcement() async throws {
        try await Self.withServer(config: "validation:\n  enforcement: warn\n") { port, caPath in
            let run = try Self.probe(port: port, caPath: caPath)
            #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)")
            #expect(run.stdout.contains("allowed under enforcement warn: would deny: "))
        }
    }

    @Test func exitsOneWhenTheKnownBadClassIsAllowed() async throws {
        try await Self.withServer(config: "validation:\n  rules:\n    s3-on-p2: off\n") { port, caPath in
            let run = try Self.probe(port: port, caPath: caPath)
            #expect(run.exitCode == 1, "\(run.stdout)\(run.stderr)")
            #expect(run.stdout.contains("FAIL  known-bad StorageClass: allowed (no warning)"))
            #expect(run.stdout.contains("PASS  known-good StorageClass"))
        }
    }

    @Test func exitsTwoWhenNothingListens() async throws {
        // The port and CA of a server that has stopped: nothing listens there any more.
        var stopped: (port: Int, caPath: String)?
        try await Self.withServer { port, caPath in stopped = (port, caPath) }
        let (port, caPath) = try #require(stopped)
        let run = try Self.probe(port: port, caPath: caPath)
        #expect(run.exitCode == 2, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("fsx-webhook: probe: cannot connect to 127.0.0.1:\(port)"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test func exitsTwoWhenTheCertificateIsNotFromTheCA() async throws {
        var otherCA: String?
        try await Self.withServer { _, caPath in otherCA = try String(contentsOfFile: caPath, encoding: .utf8) }
        let ca = try CLIRunner.temporaryFile("ca.pem", try #require(otherCA))
        defer { try? FileManager.default.removeItem(at: ca.folder) }
        try await Self.withServer { port, _ in
            let run = try Self.probe(port: port, caPath: ca.path)
            #expect(run.exitCode == 2, "\(run.stdout)\(run.stderr)")
            #expect(run.stderr.contains("fsx-webhook: probe: "), "\(run.stderr)")
        }
    }

    @Test func refusesAPlainHTTPURL() throws {
        let ca = try CLIRunner.temporaryFile("ca.pem", "not used")
        defer { try? FileManager.default.removeItem(at: ca.folder) }
        let run = try CLIRunner.run(["probe", "--url", "http://localhost:8443/validate", "--ca-file", ca.path])
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("--url must start with https://"), "\(run.stderr)")
    }
}
