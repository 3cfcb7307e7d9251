import Foundation
import Testing

/// The files in `examples/` do what examples/README.md says they do.
struct ExamplesTests {
    struct Example: CustomTestStringConvertible, Sendable {
        var file: String
        /// The first word of each object's verdict line, in order.
        var verdicts: [String]
        var testDescription: String { file }
    }

    static let examples: [Example] = [
        .init(file: "broken/storageclass-seed-persistent2-s3.yaml", verdicts: ["DENIED"]),
        .init(file: "manifests/storageclass-scratch2-s3.yaml", verdicts: ["WARNING", "ALLOWED"]),
        .init(file: "manifests/storageclass-persistent2.yaml", verdicts: ["ALLOWED"]),
        .init(file: "manifests/storageclass-persistent1-hdd.yaml", verdicts: ["ALLOWED"]),
        .init(
            file: "broken/storageclass-mistakes.yaml", verdicts: ["DENIED", "DENIED", "WARNING", "DENIED", "DENIED"]),
        .init(file: "manifests/pv-static.yaml", verdicts: ["ALLOWED", "ALLOWED"]),
        .init(file: "manifests/workloads.yaml", verdicts: Array(repeating: "ALLOWED", count: 8)),
    ]

    @Test(arguments: examples)
    func exampleGetsItsDocumentedVerdicts(_ example: Example) throws {
        let run = try CLIRunner.run([
            "check", "--config", CLIRunner.example("config.yaml"), CLIRunner.example(example.file),
        ])
        let verdicts = run.stdout.split(separator: "\n").compactMap { line -> String? in
            guard let word = line.split(separator: " ").first, !line.hasPrefix(" ") else { return nil }
            return ["ALLOWED", "WARNING", "DENIED"].contains(String(word)) ? String(word) : nil
        }
        #expect(verdicts == example.verdicts)
        #expect(run.exitCode == (example.verdicts.contains("DENIED") ? 1 : 0))
    }

    @Test func exampleConfigurationLoads() throws {
        let run = try CLIRunner.run(["check", "--config", CLIRunner.example("config.yaml"), "-"], stdin: "")
        #expect(run.exitCode == 0)
        #expect(run.stderr.isEmpty)
    }

    @Test(arguments: ["manifests/training-job.yaml", "manifests/training-job-affinity.yaml"])
    func trainingJobsAreOptedInWithoutVolumes(_ file: String) throws {
        // Without the configuration the volumes these Jobs name are unknown, and mutate refuses them.
        let run = try CLIRunner.run([
            "mutate", "--config", CLIRunner.example("config.yaml"), "-o", "json", CLIRunner.example(file),
        ])
        #expect(run.exitCode == 0)
        let job = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let metadata = try #require(job["metadata"] as? [String: Any])
        #expect((metadata["labels"] as? [String: String])?["fsx-webhook/inject"] == "true")
        #expect((metadata["annotations"] as? [String: String])?["fsx-webhook/volumes"] == "training-data,checkpoints")
    }

    @Test func reviewExampleOfTheSeedClassIsDenied() throws {
        let run = try CLIRunner.run(["review", CLIRunner.example("reviews/review-storageclass.json")])
        #expect(run.exitCode == 1)
        let review = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let response = try #require(review["response"] as? [String: Any])
        #expect(response["uid"] as? String == "705ab4f5-6393-11e8-b7cc-42010a800002")
        #expect(response["allowed"] as? Bool == false)
        #expect((response["status"] as? [String: Any])?["code"] as? Int == 403)
        // StorageClasses go to the validating webhook, which never answers with a patch.
        #expect(response["patch"] == nil && response["patchType"] == nil)
    }
}
