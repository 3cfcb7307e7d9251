import Foundation
import Testing

/// Exit codes of the command line itself: help, version, usage errors.
struct UsageTests {
    @Test func versionPrintsTheVersionAndExitsZero() throws {
        let run = try CLIRunner.run(["version"])
        #expect(run.exitCode == 0)
        #expect(run.stdout.hasPrefix("fsx-webhook "))
        #expect(run.stdout.split(separator: " ").last?.split(separator: ".").count == 3)
        #expect(try CLIRunner.run(["--version"]).stdout == run.stdout)
    }

    @Test(arguments: [["--help"], ["check", "--help"], ["mutate", "-h"], ["review", "--help"]])
    func helpExitsZero(_ arguments: [String]) throws {
        let run = try CLIRunner.run(arguments)
        #expect(run.exitCode == 0)
        #expect(run.stdout.contains("USAGE"))
    }

    @Test(arguments: [
        ["check"], ["mutate"], ["bogus"], ["check", "-o", "xml", "x.yaml"], ["mutate", "--bogus", "x.yaml"],
        ["review", "--endpoint", "delete", "x.json"], ["check", "-", "-"],
    ])
    func usageErrorsExitTwo(_ arguments: [String]) throws {
        let run = try CLIRunner.run(arguments)
        #expect(run.exitCode == 2)
        #expect(!run.stderr.isEmpty)
        #expect(!run.stderr.contains("Fatal error"))
    }

    struct ConfigCase: CustomTestStringConvertible, Sendable {
        var command: [String]
        var testDescription: String { command.joined(separator: " ") }
    }

    @Test(arguments: [["check", "-"], ["mutate", "-"], ["review", "-"]])
    func badConfigurationExitsTwoNamingFileAndKey(_ command: [String]) throws {
        let config = try CLIRunner.temporaryFile(
            "config.yaml", "volumes:\n  data:\n    claimName: c\n    mountPath: data\n")
        defer { try? FileManager.default.removeItem(at: config.folder) }
        let run = try CLIRunner.run([command[0], "--config", config.path] + command.dropFirst(), stdin: "")
        #expect(run.exitCode == 2)
        #expect(run.stderr.hasPrefix("fsx-webhook: \(config.path): volumes.data.mountPath"))
        #expect(run.stderr.contains("absolute path"))
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stdout.isEmpty)
    }

    @Test func missingConfigurationFileExitsTwo() throws {
        let run = try CLIRunner.run(["check", "--config", "/nonexistent/config.yaml", "-"], stdin: "")
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("/nonexistent/config.yaml: cannot open"))
    }
}
