import FSXCore
import Testing

@Suite("Workload volumes and mounts")
struct WorkloadVolumeTests {
    /// One pod spec in, with the expected patch (or denials) out. Placement is `none` so the
    /// cases are about volumes and mounts only.
    struct Case: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var volumes = "training-data"
        var podSpec: JSONValue
        var denials: [RuleID] = []
        var denialField: String? = nil
        /// The expected patch as JSON text; `nil` when denied.
        var patch: String?
    }

    static let dataMount = #"{"name":"training-data","mountPath":"/data","readOnly":true}"#
    static let dataVolume = #"{"name":"training-data","persistentVolumeClaim":{"claimName":"training-data"}}"#

    static let cases: [Case] = [
        Case(
            testDescription: "appends to existing volumes and mounts",
            podSpec: Jobs.podSpec(
                containers: [Jobs.container("trainer", mounts: [("cache", "/cache")])],
                [("volumes", [Jobs.object([("name", "cache"), ("emptyDir", [:])])])]),
            patch: """
                [{"op":"add","path":"/spec/template/spec/volumes/-","value":\(dataVolume)},
                 {"op":"add","path":"/spec/template/spec/containers/0/volumeMounts/-","value":\(dataMount)}]
                """),
        Case(
            testDescription: "replaces null volumes and volumeMounts whole",
            podSpec: Jobs.podSpec(
                containers: [Jobs.object([("name", "trainer"), ("volumeMounts", nil)])], [("volumes", nil)]),
            patch: """
                [{"op":"add","path":"/spec/template/spec/volumes","value":[\(dataVolume)]},
                 {"op":"add","path":"/spec/template/spec/containers/0/volumeMounts","value":[\(dataMount)]}]
                """),
        Case(
            testDescription: "reuses a pod volume that already mounts the claim, under its name",
            podSpec: Jobs.podSpec([("volumes", [Jobs.claimVolume("data", claim: "training-data")])]),
            patch: """
                [{"op":"add","path":"/spec/template/spec/containers/0/volumeMounts","value":
                  [{"name":"data","mountPath":"/data","readOnly":true}]}]
                """),
        Case(
            testDescription: "adds nothing when volume and mount are there",
            podSpec: Jobs.podSpec(
                containers: [Jobs.container("trainer", mounts: [("training-data", "/data")])],
                [("volumes", [Jobs.claimVolume("training-data", claim: "training-data")])]),
            patch: "[]"),
        Case(
            testDescription: "takes a mount path with a trailing slash as the same mount",
            podSpec: Jobs.podSpec(
                containers: [Jobs.container("trainer", mounts: [("training-data", "/data/")])],
                [("volumes", [Jobs.claimVolume("training-data", claim: "training-data")])]),
            patch: "[]"),
        Case(
            testDescription: "mounts a volume again at the configured path when mounted elsewhere",
            podSpec: Jobs.podSpec(
                containers: [Jobs.container("trainer", mounts: [("training-data", "/mnt/td")])],
                [("volumes", [Jobs.claimVolume("training-data", claim: "training-data")])]),
            patch: """
                [{"op":"add","path":"/spec/template/spec/containers/0/volumeMounts/-","value":\(dataMount)}]
                """),
        Case(
            testDescription: "writes readOnly only when configured",
            volumes: "checkpoints",
            podSpec: Jobs.podSpec(),
            patch: """
                [{"op":"add","path":"/spec/template/spec/volumes","value":[{"name":"checkpoints","persistentVolumeClaim":{"claimName":"checkpoint-storage"}}]},
                 {"op":"add","path":"/spec/template/spec/containers/0/volumeMounts","value":[{"name":"checkpoints","mountPath":"/checkpoints"}]}]
                """),
        Case(
            testDescription: "adds several volumes in one operation, then all mounts per container",
            volumes: "checkpoints,training-data",
            podSpec: Jobs.podSpec(containers: [Jobs.container("a"), Jobs.container("b", mounts: [])]),
            patch: """
                [{"op":"add","path":"/spec/template/spec/volumes","value":[
                   {"name":"checkpoints","persistentVolumeClaim":{"claimName":"checkpoint-storage"}},\(dataVolume)]},
                 {"op":"add","path":"/spec/template/spec/containers/0/volumeMounts","value":[
                   {"name":"checkpoints","mountPath":"/checkpoints"},\(dataMount)]},
                 {"op":"add","path":"/spec/template/spec/containers/1/volumeMounts/-","value":{"name":"checkpoints","mountPath":"/checkpoints"}},
                 {"op":"add","path":"/spec/template/spec/containers/1/volumeMounts/-","value":\(dataMount)}]
                """),
        Case(
            testDescription: "denies a pod volume of the same name with another source",
            podSpec: Jobs.podSpec([("volumes", [Jobs.object([("name", "training-data"), ("emptyDir", [:])])])]),
            denials: [.volumeNameConflict], denialField: "spec.template.spec.volumes[0]"),
        Case(
            testDescription: "denies a pod volume of the same name on another claim",
            podSpec: Jobs.podSpec([
                (
                    "volumes",
                    [
                        Jobs.object([("name", "cache"), ("emptyDir", [:])]),
                        Jobs.claimVolume("training-data", claim: "other"),
                    ]
                )
            ]),
            denials: [.volumeNameConflict], denialField: "spec.template.spec.volumes[1]"),
        Case(
            testDescription: "denies another volume at the mount path",
            podSpec: Jobs.podSpec(
                containers: [Jobs.container("trainer", mounts: [("scratch", "/data")])],
                [("volumes", [Jobs.object([("name", "scratch"), ("emptyDir", [:])])])]),
            denials: [.mountPathConflict], denialField: "spec.template.spec.containers[0].volumeMounts[0]"),
        Case(
            testDescription: "denies another volume at the mount path written with a trailing slash",
            podSpec: Jobs.podSpec(
                containers: [Jobs.container("trainer"), Jobs.container("sidecar", mounts: [("scratch", "/data/")])],
                [("volumes", [Jobs.object([("name", "scratch"), ("emptyDir", [:])])])]),
            denials: [.mountPathConflict], denialField: "spec.template.spec.containers[1].volumeMounts[0]"),
        Case(
            testDescription: "denies every conflict at once",
            volumes: "training-data,checkpoints",
            podSpec: Jobs.podSpec(
                containers: [
                    Jobs.container("a", mounts: [("scratch", "/data")]),
                    Jobs.container("b", mounts: [("scratch", "/checkpoints")]),
                ],
                [("volumes", [Jobs.object([("name", "scratch"), ("emptyDir", [:])])])]),
            denials: [.mountPathConflict, .mountPathConflict]),
    ]

    @Test(arguments: cases)
    func mutatesVolumesAndMounts(_ testCase: Case) throws {
        let job = Jobs.job(
            annotations: [("fsx-webhook/volumes", testCase.volumes), ("fsx-webhook/placement", "none")],
            podSpec: testCase.podSpec)
        let result = try mutateChecked(job)
        #expect(result.denialRules == testCase.denials, "\(result.violations.map(\.message))")
        if let field = testCase.denialField { #expect(result.denials.first?.field == field) }
        if let patch = testCase.patch { #expect(result.patchText == compact(patch)) }
        #expect(result.warnings == [])
    }

    @Test func conflictMessagesNameJobContainerAndBothVolumes() throws {
        let job = Jobs.job(
            podSpec: Jobs.podSpec(
                containers: [Jobs.container("trainer", mounts: [("scratch", "/data")])],
                [("volumes", [Jobs.object([("name", "scratch"), ("emptyDir", [:])])])]))
        let message = try #require(try mutateChecked(job).denials.first?.message)
        #expect(message.contains("Job \"ml/train\""))
        #expect(message.contains("container \"trainer\""))
        #expect(message.contains("\"scratch\""))
        #expect(message.contains("\"training-data\""))
    }

    @Test func volumeConflictMessageSaysWhatToChange() throws {
        let job = Jobs.job(
            podSpec: Jobs.podSpec([("volumes", [Jobs.object([("name", "training-data"), ("emptyDir", [:])])])]))
        let message = try #require(try mutateChecked(job).denials.first?.message)
        #expect(message.contains("(emptyDir)"))
        #expect(message.contains("rename that volume, or point it at claim \"training-data\""))
    }

    @Test func volumesOnOneClaimShareOnePodVolume() throws {
        var configuration = WebhookConfiguration.testing(placement: .none)
        configuration.volumes.append(
            .init(
                name: "training-data-2", claimName: "training-data", mountPath: "/data2",
                zone: WebhookConfiguration.zoneA))
        let job = Jobs.job(annotations: [("fsx-webhook/volumes", "training-data,training-data-2")])
        let result = try mutateChecked(job, configuration: configuration)
        #expect(result.violations == [])
        #expect(result.podSpec?["volumes"]?.arrayValue?.count == 1)
        let mounts = result.podSpec?["containers"]?[0]?["volumeMounts"]?.arrayValue ?? []
        #expect(mounts.map { $0["name"] } == ["training-data", "training-data"])
        #expect(mounts.map { $0["mountPath"] } == ["/data", "/data2"])
    }
}
