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
    func trainingJobsGetVolumesMountsAndZoneAndAMutatedJobStaysAsItIs(_ file: String) throws {
        let config = CLIRunner.example("config.yaml")
        let run = try CLIRunner.run(["mutate", "--config", config, "-o", "json", CLIRunner.example(file)])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let job = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let pod = try #require(
            ((job["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        let volumes = (pod["volumes"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(volumes.contains("training-data") && volumes.contains("checkpoints"))
        for container in pod["containers"] as? [[String: Any]] ?? [] {
            let paths = (container["volumeMounts"] as? [[String: Any]] ?? []).compactMap { $0["mountPath"] as? String }
            #expect(paths.contains("/data") && paths.contains("/checkpoints"), "\(container["name"] ?? "")")
        }
        let terms = try #require(
            (((pod["affinity"] as? [String: Any])?["nodeAffinity"] as? [String: Any])?[
                "requiredDuringSchedulingIgnoredDuringExecution"] as? [String: Any])?["nodeSelectorTerms"]
                as? [[String: Any]])
        for term in terms {
            let zones = (term["matchExpressions"] as? [[String: Any]] ?? []).filter {
                $0["key"] as? String == "topology.kubernetes.io/zone"
            }
            #expect(zones.count == 1 && zones.first?["values"] as? [String] == ["us-west-2a"])
        }

        // The output, fed back in, is already complete: the same bytes come out (YAML too).
        let again = try CLIRunner.run(["mutate", "--config", config, "-o", "json", "-"], stdin: run.stdout)
        #expect(again.exitCode == 0)
        #expect(again.stdout == run.stdout)
        let yaml = try CLIRunner.run(["mutate", "--config", config, CLIRunner.example(file)])
        let yamlAgain = try CLIRunner.run(["mutate", "--config", config, "-"], stdin: yaml.stdout)
        #expect(yaml.exitCode == 0 && yamlAgain.exitCode == 0)
        #expect(yamlAgain.stdout == yaml.stdout)
        let patch = try CLIRunner.run(["mutate", "--config", config, "-o", "patch", "-"], stdin: yaml.stdout)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(patch.stdout.utf8)) as? [[String: Any]])
        #expect(entries.allSatisfy { ($0["patch"] as? [Any])?.isEmpty == true }, "\(patch.stdout)")
    }

    @Test func checkSaysATrainingJobWouldBePatched() throws {
        let run = try CLIRunner.run([
            "check", "--config", CLIRunner.example("config.yaml"), CLIRunner.example("manifests/training-job.yaml"),
        ])
        #expect(run.exitCode == 0)
        #expect(run.stdout.contains("would be patched"), "\(run.stdout)")
    }

    @Test func checkDeniesATrainingJobAskingForVolumesNobodyConfigured() throws {
        // Without --config there are no volumes, so the Job's fsx-webhook/volumes names unknown ones.
        let run = try CLIRunner.run(["check", CLIRunner.example("manifests/training-job.yaml")])
        #expect(run.exitCode == 1)
        #expect(run.stdout.contains("training-data"))
    }

    @Test func manifestsFolderPassesAndBrokenFolderIsDenied() throws {
        let good = try CLIRunner.run([
            "check", "--config", CLIRunner.example("config.yaml"), CLIRunner.example("manifests"),
        ])
        #expect(good.exitCode == 0, "\(good.stdout)\(good.stderr)")
        let bad = try CLIRunner.run(["check", CLIRunner.example("broken")])
        #expect(bad.exitCode == 1)
        #expect(!bad.stdout.contains("ALLOWED"), "every object in broken/ is there to be denied")
    }

    @Test func reviewExampleOfTheJobIsPatchedOnTheMutatingEndpoint() throws {
        let run = try CLIRunner.run([
            "review", "--config", CLIRunner.example("config.yaml"), CLIRunner.example("reviews/review-job.json"),
        ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let review = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let response = try #require(review["response"] as? [String: Any])
        #expect(response["allowed"] as? Bool == true)
        #expect(response["patchType"] as? String == "JSONPatch")
        let encoded = try #require(response["patch"] as? String)
        let patch = try #require(Data(base64Encoded: encoded))
        let operations = try #require(try JSONSerialization.jsonObject(with: patch) as? [[String: Any]])
        #expect(operations.contains { $0["path"] as? String == "/spec/template/spec/volumes" })
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
