import Foundation
import Testing

/// `fsx-webhook check`: verdicts, formats and exit codes.
struct CheckCommandTests {
    static let configMaps = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
          namespace: ml
        ---
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: ConfigMap
            metadata: {name: b}
          - apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: ebs}
            provisioner: ebs.csi.aws.com
        """

    @Test func printsOneLinePerObjectAndASummary() throws {
        let input = try CLIRunner.temporaryFile("objects.yaml", Self.configMaps)
        defer { try? FileManager.default.removeItem(at: input.folder) }
        let run = try CLIRunner.run(["check", input.path])
        #expect(run.exitCode == 0)
        #expect(
            run.stdout == """
                ALLOWED  ConfigMap "ml/a"  \(input.path)#1
                ALLOWED  ConfigMap "b"  \(input.path)#2[0]
                ALLOWED  StorageClass "ebs"  \(input.path)#2[1]

                3 objects: 3 allowed, 0 with warnings, 0 denied

                """)
        #expect(run.stderr.isEmpty)
    }

    @Test func readsStandardInput() throws {
        let run = try CLIRunner.run(["check", "-"], stdin: Self.configMaps)
        #expect(run.exitCode == 0)
        #expect(run.stdout.hasPrefix("ALLOWED  ConfigMap \"ml/a\"  <stdin>#1\n"))
    }

    @Test func readsFoldersInSortedOrder() throws {
        let first = try CLIRunner.temporaryFile("b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-b}\n")
        defer { try? FileManager.default.removeItem(at: first.folder) }
        try #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "from-a"}}"#.write(
            to: first.folder.appendingPathComponent("a.json"), atomically: true, encoding: .utf8)
        try "not a manifest".write(
            to: first.folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let run = try CLIRunner.run(["check", first.folder.path])
        #expect(run.exitCode == 0)
        let names = run.stdout.split(separator: "\n").filter { $0.hasPrefix("ALLOWED") }.map {
            $0.split(separator: " ")[2]
        }
        #expect(names == ["\"from-a\"", "\"from-b\""])
    }

    @Test func writesOneStableJSONDocument() throws {
        let input = try CLIRunner.temporaryFile("objects.yaml", Self.configMaps)
        defer { try? FileManager.default.removeItem(at: input.folder) }
        let run = try CLIRunner.run(["check", "-o", "json", input.path])
        #expect(run.exitCode == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let results = try #require(document["results"] as? [[String: Any]])
        #expect(results.count == 3)
        let keys: Set<String> = [
            "source", "document", "item", "line", "apiVersion", "kind", "namespace", "name", "outcome", "denials",
            "warnings", "patch",
        ]
        #expect(results.allSatisfy { Set($0.keys) == keys })
        #expect(results.map { $0["outcome"] as? String } == ["allowed", "allowed", "allowed"])
        #expect(results.map { $0["document"] as? Int } == [1, 2, 2])
        #expect(results[2]["item"] as? Int == 1)
        #expect(results[2]["kind"] as? String == "StorageClass")
        let summary = try #require(document["summary"] as? [String: Int])
        #expect(summary == ["objects": 3, "allowed": 3, "withWarnings": 0, "denied": 0, "patched": 0])
    }

    struct BadInput: CustomTestStringConvertible, Sendable {
        var name: String
        var contents: [UInt8]
        var mentions: String
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        .init(
            name: "invalid YAML", contents: Array("apiVersion: v1\n  kind: [\n".utf8), mentions: "invalid YAML at line"),
        .init(
            name: "missing kind", contents: Array("apiVersion: v1\nmetadata: {name: a}\n".utf8),
            mentions: "has no \"kind\""),
        .init(name: "missing apiVersion", contents: Array("kind: ConfigMap\n".utf8), mentions: "has no \"apiVersion\""),
        .init(
            name: "document that is not an object", contents: Array("- a\n".utf8), mentions: "not a Kubernetes object"),
        .init(name: "invalid UTF-8", contents: Array("kind: ".utf8) + [0xC3, 0x28], mentions: "not UTF-8"),
    ]

    @Test(arguments: badInputs)
    func unreadableInputExitsTwoWithOneLine(_ testCase: BadInput) throws {
        let input = try CLIRunner.temporaryFile("bad.yaml", "")
        defer { try? FileManager.default.removeItem(at: input.folder) }
        try Data(testCase.contents).write(to: URL(fileURLWithPath: input.path))
        for command in ["check", "mutate"] {
            let run = try CLIRunner.run([command, input.path])
            #expect(run.exitCode == 2)
            #expect(run.stderr.hasPrefix("fsx-webhook: \(input.path): "))
            #expect(run.stderr.contains(testCase.mentions))
            #expect(run.stderr.split(separator: "\n").count == 1)
            #expect(run.stdout.isEmpty)
        }
    }

    @Test func missingFileExitsTwo() throws {
        let run = try CLIRunner.run(["check", "/nonexistent/sc.yaml"])
        #expect(run.exitCode == 2)
        #expect(run.stderr == "fsx-webhook: /nonexistent/sc.yaml: cannot open: No such file or directory\n")
    }

    @Test func deniedObjectExitsOneWithItsReasonsIndented() throws {
        let seed = CLIRunner.example("broken/storageclass-seed-persistent2-s3.yaml")
        let run = try CLIRunner.run(["check", seed])
        #expect(run.exitCode == 1)
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "DENIED   StorageClass \"fsx-lustre-persistent\"  \(seed)#1")
        let reasons = lines.filter { $0.hasPrefix("    denied: parameters.") }
        #expect(reasons.count == 3)
        #expect(reasons.contains { $0.contains("s3ImportPath") })
        #expect(run.stdout.hasSuffix("1 object: 0 allowed, 0 with warnings, 1 denied\n"))
    }

    @Test func jsonOutputCarriesDenialsWithRuleAndField() throws {
        let run = try CLIRunner.run([
            "check", "-o", "json", CLIRunner.example("broken/storageclass-seed-persistent2-s3.yaml"),
        ])
        #expect(run.exitCode == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let result = try #require((document["results"] as? [[String: Any]])?.first)
        #expect(result["outcome"] as? String == "denied")
        let denials = try #require(result["denials"] as? [[String: String]])
        #expect(
            denials.map { $0["field"] } == [
                "parameters.s3ImportPath", "parameters.s3ExportPath", "parameters.autoImportPolicy",
            ])
        #expect(denials.allSatisfy { !($0["rule"] ?? "").isEmpty && !($0["message"] ?? "").isEmpty })
        #expect((document["summary"] as? [String: Int])?["denied"] == 1)
    }

    @Test func warningsExitZeroUnlessStrict() throws {
        let scratch = CLIRunner.example("manifests/storageclass-scratch2-s3.yaml")
        let relaxed = try CLIRunner.run(["check", scratch])
        #expect(relaxed.exitCode == 0)
        #expect(relaxed.stdout.contains("\n    warning: parameters.fileSystemTypeVersion"))
        #expect(relaxed.stdout.hasSuffix("2 objects: 1 allowed, 1 with warnings, 0 denied\n"))
        let strict = try CLIRunner.run(["check", "--strict", scratch])
        #expect(strict.exitCode == 1)
        #expect(strict.stdout == relaxed.stdout)
    }
}
