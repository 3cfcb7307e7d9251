import FSXCore
import Foundation
import Testing

/// `check -o sarif` and `-o junit` as a CI job reads them; tests/formats validates both with
/// the SARIF schema and an independent JUnit reader.
struct CheckFormatsTests {
    static func json(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    @Test func sarifPointsAtTheOffendingKeys() throws {
        let file = CLIRunner.example("broken/storageclass-seed-persistent2-s3.yaml")
        let run = try CLIRunner.run(["check", "-o", "sarif", file])
        #expect(run.exitCode == 1)
        let sarif = try Self.json(run.stdout)
        let runs = try #require(sarif["runs"]?.arrayValue)
        #expect(sarif["version"] == "2.1.0")
        let rules = try #require(runs[0]["tool"]?["driver"]?["rules"]?.arrayValue)
        #expect(rules.compactMap { $0["id"]?.stringValue } == RuleCatalog.rules.map(\.id.rawValue))
        let results = try #require(runs[0]["results"]?.arrayValue)
        let found = results.map { result in
            (
                result["ruleId"]?.stringValue ?? "", result["level"]?.stringValue ?? "",
                result["locations"]?[0]?["physicalLocation"]?["region"]?["startLine"]?.intValue ?? 0,
                result["locations"]?[0]?["physicalLocation"]?["artifactLocation"]?["uri"]?.stringValue ?? ""
            )
        }
        #expect(found.map(\.2).sorted() == [17, 18, 19])
        #expect(found.allSatisfy { $0.0 == "s3-on-p2" && $0.1 == "error" && $0.3 == file })
    }

    @Test func sarifRefusesARelativeRulesURI() throws {
        let run = try CLIRunner.run(["check", "-o", "sarif", "--rules-uri", "docs/rules.md", "-"], stdin: "")
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("--rules-uri must be an absolute URI"))
    }

    @Test func junitFailsWarningsOnlyWhenStrict() throws {
        let file = CLIRunner.example("manifests/storageclass-scratch2-s3.yaml")
        let lenient = try CLIRunner.run(["check", "-o", "junit", file])
        #expect(lenient.exitCode == 0)
        #expect(lenient.stdout.contains("failures=\"0\""))
        #expect(lenient.stdout.contains("<testcase name=\"StorageClass fsx-lustre-s3\""))
        #expect(lenient.stdout.contains("<testcase name=\"PersistentVolumeClaim training-data\""))
        let strict = try CLIRunner.run(["check", "-o", "junit", "--strict", file])
        #expect(strict.exitCode == 1)
        #expect(strict.stdout.contains("<failure type=\"warning\""))
    }
}
