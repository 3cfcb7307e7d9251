import Foundation
import Testing

/// `examples/manifests/workloads.yaml`, one opted-in object of each workload kind, through
/// `mutate` and `check`: every pod template gets what its annotations ask for, and the
/// output fed back in changes nothing.
struct WorkloadExamplesTests {
    static let file = "manifests/workloads.yaml"

    /// What one pod template must have after `mutate`.
    struct Expected {
        /// Pod volume names (the config keys), in order; empty when none is added.
        var volumes: [String]
        var placement: Placement
    }

    enum Placement {
        case required
        case preferred
    }

    /// Per kind, each pod template by its path from the object's root, walked here without
    /// the webhook's own location table.
    static let expected: [(kind: String, templates: [(path: [String], Expected)])] = {
        let both = Expected(volumes: ["training-data", "checkpoints"], placement: .required)
        let defaults = Expected(volumes: ["training-data"], placement: .required)
        return [
            ("CronJob", [(["spec", "jobTemplate", "spec", "template", "spec"], both)]),
            (
                "JobSet",
                [
                    (["spec", "replicatedJobs", "0", "template", "spec", "template", "spec"], both),
                    (["spec", "replicatedJobs", "1", "template", "spec", "template", "spec"], both),
                ]
            ),
            (
                "PyTorchJob",
                [
                    (["spec", "pytorchReplicaSpecs", "Master", "template", "spec"], both),
                    (["spec", "pytorchReplicaSpecs", "Worker", "template", "spec"], both),
                ]
            ),
            (
                "TFJob",
                [
                    (["spec", "tfReplicaSpecs", "PS", "template", "spec"], defaults),
                    (["spec", "tfReplicaSpecs", "Worker", "template", "spec"], defaults),
                ]
            ),
            (
                "MPIJob",
                [
                    // Only mpi-worker is named: the Launcher gets the zone but no volume.
                    (
                        ["spec", "mpiReplicaSpecs", "Launcher", "template", "spec"],
                        Expected(volumes: [], placement: .required)
                    ),
                    (["spec", "mpiReplicaSpecs", "Worker", "template", "spec"], defaults),
                ]
            ),
            (
                "RayJob",
                [
                    (["spec", "rayClusterSpec", "headGroupSpec", "template", "spec"], both),
                    (["spec", "rayClusterSpec", "workerGroupSpecs", "0", "template", "spec"], both),
                ]
            ),
            (
                "RayCluster",
                [
                    (
                        ["spec", "headGroupSpec", "template", "spec"],
                        Expected(volumes: ["training-data"], placement: .preferred)
                    ),
                    (
                        ["spec", "workerGroupSpecs", "0", "template", "spec"],
                        Expected(volumes: ["training-data"], placement: .preferred)
                    ),
                ]
            ),
            ("Pod", [(["spec"], defaults)]),
        ]
    }()

    static func value(_ root: Any, at path: [String]) -> Any? {
        var current: Any? = root
        for token in path {
            if let array = current as? [Any], let index = Int(token) {
                current = array.indices.contains(index) ? array[index] : nil
            } else {
                current = (current as? [String: Any])?[token]
            }
        }
        return current
    }

    static func items(_ json: String) throws -> [[String: Any]] {
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return try #require(list["items"] as? [[String: Any]])
    }

    static func zones(_ podSpec: [String: Any], _ placement: Placement) -> [[String]] {
        let nodeAffinity = value(podSpec, at: ["affinity", "nodeAffinity"])
        let expressions: [[String: Any]]
        switch placement {
        case .required:
            let terms = value(
                nodeAffinity as Any, at: ["requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"])
            expressions = ((terms as? [[String: Any]]) ?? []).flatMap {
                ($0["matchExpressions"] as? [[String: Any]]) ?? []
            }
        case .preferred:
            let terms = value(nodeAffinity as Any, at: ["preferredDuringSchedulingIgnoredDuringExecution"])
            expressions = ((terms as? [[String: Any]]) ?? []).flatMap {
                (value($0, at: ["preference", "matchExpressions"]) as? [[String: Any]]) ?? []
            }
        }
        return expressions.filter { $0["key"] as? String == "topology.kubernetes.io/zone" }.map {
            ($0["values"] as? [String]) ?? []
        }
    }

    @Test func mutatePatchesEveryPodTemplateOfEveryKind() throws {
        let run = try CLIRunner.run([
            "mutate", "--config", CLIRunner.example("config.yaml"), "-o", "json", CLIRunner.example(Self.file),
        ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let items = try Self.items(run.stdout)
        #expect(items.map { $0["kind"] as? String } == Self.expected.map(\.kind))
        for (item, (kind, templates)) in zip(items, Self.expected) {
            for (path, expected) in templates {
                let location = "\(kind) \(path.joined(separator: "."))"
                let podSpec = try #require(Self.value(item, at: path) as? [String: Any], "\(location)")
                let volumes = (podSpec["volumes"] as? [[String: Any]]) ?? []
                #expect(volumes.compactMap { $0["name"] as? String } == expected.volumes, "\(location)")
                if !expected.volumes.isEmpty {
                    let mounts =
                        (Self.value(podSpec, at: ["containers", "0", "volumeMounts"]) as? [[String: Any]]) ?? []
                    #expect(mounts.compactMap { $0["name"] as? String } == expected.volumes, "\(location)")
                }
                #expect(Self.zones(podSpec, expected.placement) == [["us-west-2a"]], "\(location)")
            }
        }
    }

    @Test func mutatingTheOutputAgainChangesNothing() throws {
        let config = CLIRunner.example("config.yaml")
        let first = try CLIRunner.run(["mutate", "--config", config, CLIRunner.example(Self.file)])
        #expect(first.exitCode == 0, "\(first.stderr)")
        let patches = try CLIRunner.run(["mutate", "--config", config, "-o", "patch", "-"], stdin: first.stdout)
        #expect(patches.exitCode == 0)
        let entries = try #require(
            try JSONSerialization.jsonObject(with: Data(patches.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == Self.expected.count)
        #expect(entries.allSatisfy { ($0["patch"] as? [Any])?.isEmpty == true })
        let second = try CLIRunner.run(["mutate", "--config", config, "-"], stdin: first.stdout)
        #expect(second.stdout == first.stdout)
    }

    @Test func checkAllowsEveryKindAndCountsThePatches() throws {
        let run = try CLIRunner.run([
            "check", "--config", CLIRunner.example("config.yaml"), CLIRunner.example(Self.file),
        ])
        #expect(run.exitCode == 0)
        let verdicts = run.stdout.split(separator: "\n").filter { $0.hasPrefix("ALLOWED") }
        #expect(verdicts.count == Self.expected.count)
        #expect(verdicts.allSatisfy { $0.contains("(would be patched:") })
        #expect(run.stdout.contains("8 objects: 8 allowed, 0 with warnings, 0 denied (8 would be patched)"))
    }
}
