import Foundation
import Testing

/// `fsx-webhook serve` with a configuration or certificate it cannot use: one line on
/// standard error saying what and where, exit code 2, nothing listening. Kubernetes shows
/// that line in the pod's last state, so it must name the file and the problem.
@Suite
struct ServeStartupErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: @Sendable (_ folder: String) throws -> [String]
        /// Words the error line must contain.
        var mentions: @Sendable (_ folder: String) -> [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "missing configuration file",
            arguments: { _ in ["--config", "/nonexistent/fsx-webhook.yaml"] },
            mentions: { _ in ["/nonexistent/fsx-webhook.yaml"] }),
        Case(
            // A folder stands for a file that cannot be read: permissions do not stop root,
            // which CI containers often are.
            name: "configuration path that is a folder",
            arguments: { folder in ["--config", folder] },
            mentions: { folder in [folder] }),
        Case(
            name: "configuration with an unknown key",
            arguments: { folder in
                let path = folder + "/bad-key.yaml"
                try "volumez:\n  data:\n    claimName: data\n".write(toFile: path, atomically: true, encoding: .utf8)
                return ["--config", path]
            },
            mentions: { folder in [folder + "/bad-key.yaml", "volumez"] }),
        Case(
            name: "configuration that is not YAML",
            arguments: { folder in
                let path = folder + "/broken.yaml"
                try "volumes: [unclosed\n  : : :\n".write(toFile: path, atomically: true, encoding: .utf8)
                return ["--config", path]
            },
            mentions: { folder in [folder + "/broken.yaml"] }),
        Case(
            name: "certificate file missing",
            arguments: { folder in
                ["--tls-cert-file", folder + "/missing.crt", "--tls-private-key-file", folder + "/missing.key"]
            },
            mentions: { folder in [folder + "/missing.crt"] }),
        Case(
            name: "certificate file that is not PEM",
            arguments: { folder in
                try "not a certificate\n".write(toFile: folder + "/tls.crt", atomically: true, encoding: .utf8)
                try "not a key\n".write(toFile: folder + "/tls.key", atomically: true, encoding: .utf8)
                return ["--tls-cert-file", folder + "/tls.crt", "--tls-private-key-file", folder + "/tls.key"]
            },
            mentions: { folder in [folder + "/tls.crt"] }),
    ]

    @Test(arguments: cases)
    func exitsTwoWithOneLineNamingTheProblem(_ example: Case) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fsx-serve-err-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments =
            ["serve", "--host", "127.0.0.1", "--port", "0", "--metrics-port", "0"]
            + (try example.arguments(folder.path))

        let started = ContinuousClock.now
        let run = try CLIRunner.run(arguments)
        #expect(run.exitCode == 2, "exit \(run.exitCode); stderr: \(run.stderr)")
        // It stops before listening, not after a timeout.
        #expect(ContinuousClock.now - started < .seconds(10))
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "expected one error line, got:\n\(run.stderr)")
        let line = String(lines.first ?? "")
        #expect(line.hasPrefix("fsx-webhook serve: "), "\(line)")
        for word in example.mentions(folder.path) {
            #expect(line.contains(word), "\(line) does not mention \(word)")
        }
        #expect(!run.stderr.contains("Fatal error"), "\(run.stderr)")
    }
}
