import Foundation
import Testing

/// `fsx-webhook test`: suites with expected verdicts, as a CI job runs them.
struct TestCommandTests {
    /// A suite folder with the example StorageClasses and a suite file of `suite`'s text.
    static func suite(_ suite: String, files: [String: String] = [:]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fsx-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try suite.write(to: folder.appendingPathComponent("fsx-webhook-test.yaml"), atomically: true, encoding: .utf8)
        for (name, text) in files {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return folder
    }

    static func header(resources: String) -> String {
        """
        apiVersion: fsx-webhook/v1alpha1
        kind: Test
        name: t
        config: \(CLIRunner.example("config.yaml"))
        resources: [\(resources)]

        """
    }

    @Test func examplesSuitePasses() throws {
        let run = try CLIRunner.run(["test", CLIRunner.example("tests")])
        #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.last == "7 passed, 0 failed")
        #expect(lines.dropLast().allSatisfy { $0.hasPrefix("PASS  ") })
    }

    @Test func failingExpectationsExitOneAndSayWhatDiffered() throws {
        let folder = try Self.suite(
            Self.header(resources: CLIRunner.example("broken/storageclass-mistakes.yaml")) + """
                expect:
                  - {kind: StorageClass, name: fsx-two-subnets, outcome: allowed}
                  - {kind: StorageClass, name: fsx-typo, outcome: allowed-with-warnings, rules: [sg-count]}
                  - {kind: StorageClass, name: fsx-not-there, outcome: denied}
                  - {kind: StorageClass, name: fsx-hdd-persistent2, outcome: denied, rules: [hdd-needs-p1]}
                """)
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLIRunner.run(["test", folder.path])
        #expect(run.exitCode == 1)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(
            lines[0] == "FAIL  t: StorageClass fsx-two-subnets: outcome: expected allowed, got denied (subnet-format)")
        #expect(
            lines[1]
                == "FAIL  t: StorageClass fsx-typo: rules: expected sg-count among its violations, got unknown-parameter"
        )
        #expect(lines[2] == "FAIL  t: StorageClass fsx-not-there: not found in the resources")
        #expect(lines[3] == "PASS  t: StorageClass fsx-hdd-persistent2 denied")
        #expect(lines[4] == "1 passed, 3 failed")
    }

    @Test func patchedObjectIsComparedAsAValue() throws {
        let expected = try String(
            contentsOfFile: CLIRunner.example("tests/expected/training-job.yaml"), encoding: .utf8)
        let folder = try Self.suite(
            Self.header(resources: CLIRunner.example("manifests/training-job.yaml")) + """
                expect:
                  - {kind: Job, namespace: ml-training, name: training-job, outcome: patched, patched: same.yaml}
                  - {kind: Job, namespace: ml-training, name: training-job, outcome: patched, patched: other.yaml}
                """,
            files: [
                // Key order and flow style do not matter; the value does.
                "same.yaml": expected.replacingOccurrences(of: "backoffLimit: 0", with: "backoffLimit: 0.0"),
                "other.yaml": expected.replacingOccurrences(of: "mountPath: /checkpoints", with: "mountPath: /ckpt"),
            ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLIRunner.run(["test", folder.path])
        #expect(run.exitCode == 1)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0] == "PASS  t: Job ml-training/training-job patched")
        #expect(
            lines[1].hasPrefix("FAIL  t: Job ml-training/training-job: patched: differs from ")
                && lines[1].hasSuffix(
                    "other.yaml at spec.template.spec.containers[0].volumeMounts[1].mountPath: expected \"/ckpt\", got \"/checkpoints\""
                ), "\(lines[1])")
    }

    @Test(arguments: [
        ("apiVersion: v1\nkind: Test\nresources: [a.yaml]\nexpect: []\n", "apiVersion: must be fsx-webhook/v1alpha1"),
        (
            "kind: Test\napiVersion: fsx-webhook/v1alpha1\nresource: [a.yaml]\n",
            "resource: is not a key of a test suite; did you mean resources?"
        ),
        (
            "apiVersion: fsx-webhook/v1alpha1\nkind: Test\nresources: [a.yaml]\nexpect: [{kind: StorageClass, name: a, outcome: denyed}]\n",
            "expect[0].outcome: \"denyed\" is not an outcome; did you mean denied?"
        ),
        (
            "apiVersion: fsx-webhook/v1alpha1\nkind: Test\nresources: [a.yaml]\nexpect: [{kind: StorageClass, name: a, outcome: denied, rules: [subnet-requried]}]\n",
            "expect[0].rules[0]: \"subnet-requried\" is not a rule id; did you mean subnet-required?"
        ),
        (
            "apiVersion: fsx-webhook/v1alpha1\nkind: Test\nresources: [a.yaml]\nexpect: [{name: a, outcome: denied}]\n",
            "expect[0].kind: is missing"
        ),
        (
            "apiVersion: fsx-webhook/v1alpha1\nkind: Test\nresources: [missing.yaml]\nexpect: [{kind: StorageClass, name: a, outcome: denied}]\n",
            "resources: "
        ),
        ("[1, 2", "invalid YAML"),
    ])
    func malformedSuiteExitsTwoWithOneLine(suite: String, message: String) throws {
        let folder = try Self.suite(suite)
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLIRunner.run(["test", folder.path])
        #expect(run.exitCode == 2)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(run.stderr)")
        let file = folder.appendingPathComponent("fsx-webhook-test.yaml").path
        #expect(run.stderr.hasPrefix("fsx-webhook: \(file): "), "\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(run.stdout == "0 passed, 0 failed\n")
    }

    @Test func everyMalformedSuiteGetsItsLineAndTheGoodOnesStillRun() throws {
        let bad = try Self.suite("apiVersion: fsx-webhook/v1alpha1\nkind: Tset\n")
        defer { try? FileManager.default.removeItem(at: bad) }
        let run = try CLIRunner.run(["test", CLIRunner.example("tests"), bad.path, "/nonexistent-suite-folder"])
        #expect(run.exitCode == 2)
        #expect(run.stderr.split(separator: "\n").count == 2)
        #expect(run.stdout.hasSuffix("7 passed, 0 failed\n"))
    }

    @Test func junitOutputHasACasePerExpectation() throws {
        let run = try CLIRunner.run(["test", "-o", "junit", CLIRunner.example("tests")])
        #expect(run.exitCode == 0)
        #expect(run.stdout.contains("<testsuite name=\"examples\" tests=\"7\" failures=\"0\""))
        #expect(run.stdout.contains("<testcase name=\"Job ml-training/training-job\""))
    }
}
