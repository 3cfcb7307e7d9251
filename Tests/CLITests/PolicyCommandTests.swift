import Foundation
import Testing

/// `fsx-webhook policy` as users run it: the documents on stdout, the configuration honoured,
/// exit 2 for a bad configuration. The documents' validity and their CEL are checked in
/// `tests/policy` with kubernetes-validate and cel-python.
@Suite("fsx-webhook policy")
struct PolicyCommandTests {
    static func documents(_ json: String) throws -> [[String: Any]] {
        let list = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(list["apiVersion"] as? String == "v1")
        #expect(list["kind"] as? String == "List")
        return try #require(list["items"] as? [[String: Any]])
    }

    @Test func printsBothPoliciesAndBindingsAsAList() throws {
        let run = try CLIRunner.run(["policy", "-o", "json"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let items = try Self.documents(run.stdout)
        let names = items.map {
            "\($0["kind"] as? String ?? "") \(($0["metadata"] as? [String: Any])?["name"] as? String ?? "")"
        }
        #expect(
            names == [
                "ValidatingAdmissionPolicy fsx-webhook-storageclasses",
                "ValidatingAdmissionPolicyBinding fsx-webhook-storageclasses",
                "ValidatingAdmissionPolicy fsx-webhook-storageclass-warnings",
                "ValidatingAdmissionPolicyBinding fsx-webhook-storageclass-warnings",
            ])
    }

    @Test func yamlIsAMultiDocumentStream() throws {
        let run = try CLIRunner.run(["policy"])
        #expect(run.exitCode == 0)
        #expect(run.stdout.hasPrefix("apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\n"))
        #expect(run.stdout.components(separatedBy: "\n---\n").count == 4)
        #expect(
            run.stdout.contains("validationActions:\n  - Deny") || run.stdout.contains("validationActions:\n    - Deny")
        )
    }

    @Test func enforcementWarnBindsTheDenyPolicyWithWarn() throws {
        let config = try CLIRunner.temporaryFile("config.yaml", "validation:\n  enforcement: warn\n")
        defer { try? FileManager.default.removeItem(at: config.folder) }
        let run = try CLIRunner.run(["policy", "--config", config.path, "-o", "json"])
        #expect(run.exitCode == 0)
        let bindings = try Self.documents(run.stdout).filter {
            $0["kind"] as? String == "ValidatingAdmissionPolicyBinding"
        }
        let actions = bindings.compactMap { ($0["spec"] as? [String: Any])?["validationActions"] as? [String] }
        #expect(actions == [["Warn"], ["Warn"]])
    }

    @Test func badConfigurationExitsTwoNamingTheKey() throws {
        let config = try CLIRunner.temporaryFile("config.yaml", "validation:\n  rules:\n    sg-formta: off\n")
        defer { try? FileManager.default.removeItem(at: config.folder) }
        let run = try CLIRunner.run(["policy", "--config", config.path])
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("validation.rules.sg-formta"))
        #expect(run.stdout.isEmpty)
    }

    @Test func unknownFormatIsAUsageError() throws {
        let run = try CLIRunner.run(["policy", "-o", "sarif"])
        #expect(run.exitCode == 2)
    }
}
