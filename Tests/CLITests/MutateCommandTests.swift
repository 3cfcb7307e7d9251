import Foundation
import Testing

/// `fsx-webhook mutate`: stored objects in YAML or JSON, or the patches.
struct MutateCommandTests {
    static let tricky = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: tricky
          labels: &labels
            fsx-webhook/inject: "true"
        data:
          version: "2.15"
          size: "1200"
          flag: "yes"
          empty: ""
          spaced: "  x "
          colon: "a: b"
          script: |
            #!/bin/sh
            echo "hello" # greet
          unknownField: {nested: [1, 2.50, true, null]}
        other:
          <<: *labels
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: second}
        """

    @Test func yamlOutputReadsBackIdentically() throws {
        let input = try CLIRunner.temporaryFile("in.yaml", Self.tricky)
        defer { try? FileManager.default.removeItem(at: input.folder) }
        let first = try CLIRunner.run(["mutate", input.path])
        #expect(first.exitCode == 0)
        #expect(first.stdout.components(separatedBy: "\n---\n").count == 2)
        let second = try CLIRunner.run(["mutate", "-"], stdin: first.stdout)
        #expect(second.exitCode == 0)
        #expect(second.stdout == first.stdout)
        // The same objects, value for value, as read from the original.
        let original = try CLIRunner.run(["mutate", "-o", "json", input.path])
        let roundTripped = try CLIRunner.run(["mutate", "-o", "json", "-"], stdin: first.stdout)
        #expect(original.stdout == roundTripped.stdout)
        #expect(first.stdout.contains("version: \"2.15\"\n"))
        #expect(first.stdout.contains("flag: \"yes\"\n"))
    }

    @Test func jsonOutputIsTheObjectOrAList() throws {
        let single = try CLIRunner.run(
            ["mutate", "-o", "json", "-"], stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
        #expect(single.exitCode == 0)
        #expect(
            single.stdout
                == "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\n    \"name\": \"a\"\n  }\n}\n"
        )
        let several = try CLIRunner.run(["mutate", "-o", "json", "-"], stdin: Self.tricky)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(several.stdout.utf8)) as? [String: Any])
        #expect(list["kind"] as? String == "List")
        #expect((list["items"] as? [Any])?.count == 2)
    }

    @Test func patchOutputHasOneEntryPerObjectWithItsSource() throws {
        let run = try CLIRunner.run(["mutate", "-o", "patch", "-"], stdin: Self.tricky)
        #expect(run.exitCode == 0)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(entries.map { $0["source"] as? String } == ["<stdin>", "<stdin>"])
        #expect(entries.map { $0["document"] as? Int } == [1, 2])
        #expect(entries.map { $0["name"] as? String } == ["tricky", "second"])
        #expect(entries.allSatisfy { ($0["patch"] as? [Any])?.isEmpty == true })
    }

    @Test func deniedObjectIsLeftOutWithItsReasonsOnStderr() throws {
        let seed = try String(
            contentsOfFile: CLIRunner.example("broken/storageclass-seed-persistent2-s3.yaml"), encoding: .utf8)
        let run = try CLIRunner.run(
            ["mutate", "-"], stdin: seed + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept}\n")
        #expect(run.exitCode == 1)
        #expect(run.stdout == "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n")
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(
            lines.allSatisfy { $0.hasPrefix("fsx-webhook: <stdin>#1: StorageClass \"fsx-lustre-persistent\" denied: ") }
        )
    }
}
