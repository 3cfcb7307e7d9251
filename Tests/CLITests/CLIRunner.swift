import Foundation
import Testing

/// Runs the built `fsx-webhook` binary as a subprocess, as CI and users do.
struct CLIRunner {
    struct Run {
        var exitCode: Int32
        var stdout: String
        var stderr: String
    }

    /// The executable built next to the test bundle; `FSX_WEBHOOK_BINARY` overrides it.
    static let binary: URL? = {
        if let path = ProcessInfo.processInfo.environment["FSX_WEBHOOK_BINARY"] { return URL(fileURLWithPath: path) }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates = [
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.executableURL?.deletingLastPathComponent(),
            packageRoot.appendingPathComponent(".build/debug"),
        ].compactMap { $0 }.map { $0.appendingPathComponent("fsx-webhook") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// The repository's `examples/` folder.
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")

    static func example(_ name: String) -> String { examples.appendingPathComponent(name).path }

    /// Runs the binary with `arguments`, feeding `stdin`; output goes through files so a
    /// large output cannot fill a pipe and stall the child.
    static func run(_ arguments: [String], stdin: String = "") throws -> Run {
        let binary = try #require(binary, "fsx-webhook was not found next to the test bundle; run swift build first")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("fsx-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("stdin")
        let output = scratch.appendingPathComponent("stdout")
        let errors = scratch.appendingPathComponent("stderr")
        try Data(stdin.utf8).write(to: input)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        return Run(
            exitCode: process.terminationStatus,
            stdout: try String(contentsOf: output, encoding: .utf8),
            stderr: try String(contentsOf: errors, encoding: .utf8))
    }

    /// A file with `contents` in a fresh temporary folder; the folder is returned for cleanup.
    static func temporaryFile(_ name: String, _ contents: String) throws -> (path: String, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fsx-cli-in-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return (url.path, folder)
    }
}
