import Foundation
import Testing

/// `validation.enforcement` and `validation.rules` as `fsx-webhook check` users meet them.
@Suite struct EnforcementCommandTests {
    static let seedClass = CLIRunner.example("broken/storageclass-seed-persistent2-s3.yaml")

    static func check(config: String) throws -> CLIRunner.Run {
        let file = try CLIRunner.temporaryFile("fsx-webhook.yaml", config)
        defer { try? FileManager.default.removeItem(at: file.folder) }
        return try CLIRunner.run(["check", "--config", file.path, seedClass])
    }

    @Test func warnEnforcementReportsWouldDenyAndExitsZero() throws {
        let run = try Self.check(config: "validation:\n  enforcement: warn\n")
        #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.components(separatedBy: "would deny: parameters.").count - 1 == 3, "\(run.stdout)")
        #expect(!run.stdout.contains("DENIED"))
    }

    @Test func ruleOffRemovesItsViolations() throws {
        // `off` unquoted is the YAML 1.1 boolean false, as Helm's toYaml writes it.
        let run = try Self.check(config: "validation:\n  enforcement: warn\n  rules:\n    s3-on-p2: off\n")
        #expect(run.exitCode == 0)
        #expect(!run.stdout.contains("would deny"), "\(run.stdout)")
        #expect(!run.stdout.contains("s3ImportPath"), "\(run.stdout)")
    }

    @Test func misspeltRuleIdStopsWithTheNearestId() throws {
        let run = try Self.check(config: "validation:\n  rules:\n    s3-on-p3: off\n")
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("fsx-webhook.yaml: validation.rules.s3-on-p3:"), "\(run.stderr)")
        #expect(run.stderr.contains("did you mean s3-on-p2?"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }
}
