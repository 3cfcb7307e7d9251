import FSXCore
import Testing

/// The patch `expected` (JSON text, any layout) in the compact form the webhook writes.
func compact(_ expected: String) -> String { JSONWriter.string(Jobs.parse(expected)) }

let zoneAffinityA = """
    {"op":"add","path":"/spec/template/spec/affinity","value":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":
    {"nodeSelectorTerms":[{"matchExpressions":[{"key":"topology.kubernetes.io/zone","operator":"In","values":["us-west-2a"]}]}]}}}}
    """

@Suite("Workload opt-in and annotations")
struct WorkloadMutatorTests {
    struct IgnoredKind: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var apiVersion: String
        var kind: String
    }

    @Test(arguments: [
        IgnoredKind(testDescription: "Deployment", apiVersion: "apps/v1", kind: "Deployment"),
        IgnoredKind(testDescription: "StatefulSet", apiVersion: "apps/v1", kind: "StatefulSet"),
        IgnoredKind(testDescription: "CronJob of a retired version", apiVersion: "batch/v1beta1", kind: "CronJob"),
        IgnoredKind(
            testDescription: "MPIJob of the retired v1alpha1 API", apiVersion: "kubeflow.org/v1alpha1", kind: "MPIJob"),
        IgnoredKind(testDescription: "Pod of another group", apiVersion: "example.com/v1", kind: "Pod"),
        IgnoredKind(testDescription: "Job of another version", apiVersion: "batch/v2", kind: "Job"),
        IgnoredKind(testDescription: "Job of another group", apiVersion: "example.com/v1", kind: "Job"),
    ])
    func leavesKindsItDoesNotHandleToOthers(_ ignored: IgnoredKind) {
        var object = Jobs.job()
        Jobs.set(&object, ["apiVersion"], .string(ignored.apiVersion))
        Jobs.set(&object, ["kind"], .string(ignored.kind))
        #expect(WorkloadMutator.mutate(object, type: ObjectType(of: object), configuration: .testing) == nil)
    }

    @Test func handlesBatchV1Jobs() throws {
        let job = Jobs.job()
        let result = try #require(WorkloadMutator.mutate(job, type: ObjectType(of: job), configuration: .testing))
        #expect(!result.patch.isEmpty)
    }

    struct NotOptedIn: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var labels: [(String, JSONValue)]
        var annotations: [(String, String)] = [("fsx-webhook/volumes", "no-such-volume")]
    }

    @Test(arguments: [
        NotOptedIn(testDescription: "no labels", labels: []),
        NotOptedIn(testDescription: "other labels only", labels: [("app", "trainer")]),
        NotOptedIn(testDescription: "inject false", labels: [("fsx-webhook/inject", "false")]),
        NotOptedIn(
            testDescription: "inject True (labels are case-sensitive)", labels: [("fsx-webhook/inject", "True")]),
        NotOptedIn(testDescription: "inject empty", labels: [("fsx-webhook/inject", "")]),
    ])
    func ignoresJobsThatDoNotOptIn(_ testCase: NotOptedIn) {
        // Even a broken annotation is not this webhook's business without the label.
        let job = Jobs.job(labels: testCase.labels, annotations: testCase.annotations)
        let result = WorkloadMutator.mutate(job, kind: .job, configuration: .testing)
        #expect(result.violations == [])
        #expect(result.patch == [])
    }

    @Test func addsDefaultVolumeMountsAndZoneAffinity() throws {
        let job = Jobs.job(
            podSpec: Jobs.podSpec(containers: [Jobs.container("trainer"), Jobs.container("sidecar")]))
        let result = try mutateChecked(job, requiredZone: "us-west-2a")
        #expect(result.violations == [])
        #expect(
            result.patchText
                == compact(
                    """
                    [{"op":"add","path":"/spec/template/spec/volumes","value":[{"name":"training-data","persistentVolumeClaim":{"claimName":"training-data"}}]},
                     {"op":"add","path":"/spec/template/spec/containers/0/volumeMounts","value":[{"name":"training-data","mountPath":"/data","readOnly":true}]},
                     {"op":"add","path":"/spec/template/spec/containers/1/volumeMounts","value":[{"name":"training-data","mountPath":"/data","readOnly":true}]},
                     \(zoneAffinityA)]
                    """))
    }

    struct VolumeList: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var annotation: String
        var expected: [String]
    }

    @Test(arguments: [
        VolumeList(testDescription: "one name", annotation: "checkpoints", expected: ["checkpoints"]),
        VolumeList(
            testDescription: "order as written", annotation: "checkpoints,training-data",
            expected: ["checkpoints", "training-data"]),
        VolumeList(
            testDescription: "spaces trimmed, empty items ignored", annotation: " training-data , ,checkpoints ,",
            expected: ["training-data", "checkpoints"]),
        VolumeList(
            testDescription: "duplicates dropped", annotation: "checkpoints,training-data,checkpoints",
            expected: ["checkpoints", "training-data"]),
    ])
    func readsVolumeListFromAnnotation(_ testCase: VolumeList) throws {
        let job = Jobs.job(annotations: [("fsx-webhook/volumes", testCase.annotation)])
        let result = try mutateChecked(job, requiredZone: "us-west-2a")
        #expect(result.violations == [])
        let volumes = result.podSpec?["volumes"]?.arrayValue ?? []
        #expect(volumes.compactMap { $0["name"]?.stringValue } == testCase.expected)
        let mounts = result.podSpec?["containers"]?[0]?["volumeMounts"]?.arrayValue ?? []
        #expect(mounts.compactMap { $0["name"]?.stringValue } == testCase.expected)
    }

    struct NoVolumes: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var annotations: [(String, String)]
        var defaultVolumes: [String]
        var field: String
    }

    @Test(arguments: [
        NoVolumes(
            testDescription: "no annotation and no defaults", annotations: [], defaultVolumes: [],
            field: "metadata.labels.fsx-webhook/inject"),
        NoVolumes(
            testDescription: "empty annotation despite defaults", annotations: [("fsx-webhook/volumes", " , ")],
            defaultVolumes: ["training-data"], field: "metadata.annotations.fsx-webhook/volumes"),
    ])
    func warnsWhenOptedInWithoutVolumes(_ testCase: NoVolumes) throws {
        let job = Jobs.job(annotations: testCase.annotations)
        let result = try mutateChecked(
            job, configuration: .testing(placement: .required, defaultVolumes: testCase.defaultVolumes))
        #expect(result.denials == [])
        #expect(result.warningRules == [.noVolumes])
        #expect(result.warnings.first?.field == testCase.field)
        #expect(result.patch == [])
    }

    @Test func deniesUnknownVolumeWithSuggestion() throws {
        let job = Jobs.job(annotations: [("fsx-webhook/volumes", "trainig-data")])
        let result = try mutateChecked(job)
        #expect(result.denialRules == [.volumeUnknown])
        let message = try #require(result.denials.first?.message)
        #expect(message.hasPrefix("metadata.annotations.fsx-webhook/volumes: "))
        #expect(message.contains("Job \"ml/train\""))
        #expect(message.contains("\"trainig-data\""))
        #expect(message.contains("configured: archive, checkpoints, training-data"))
        #expect(message.contains("did you mean \"training-data\"?"))
    }

    @Test func deniesUnknownDefaultVolume() throws {
        let configuration = WebhookConfiguration.testing(placement: .required, defaultVolumes: ["gone"])
        let result = try mutateChecked(Jobs.job(), configuration: configuration)
        #expect(result.denialRules == [.volumeUnknown])
        #expect(result.denials.first?.message.contains("default volume \"gone\"") == true)
    }

    @Test func deniesVolumeWhenNoneAreConfigured() throws {
        let job = Jobs.job(annotations: [("fsx-webhook/volumes", "training-data")])
        let result = try mutateChecked(job, configuration: .default)
        #expect(result.denialRules == [.volumeUnknown])
        #expect(result.denials.first?.message.contains("no volumes are configured") == true)
    }

    @Test func namesGeneratedJobsByPrefix() throws {
        let job = Jobs.job(name: nil, generateName: "train-", annotations: [("fsx-webhook/volumes", "nope")])
        let result = try mutateChecked(job)
        #expect(result.denials.first?.message.contains("Job \"ml/train-*\"") == true)
    }

    @Test func collectsEveryDenialAtOnce() throws {
        let job = Jobs.job(annotations: [
            ("fsx-webhook/volumes", "nope,training-data,missing"),
            ("fsx-webhook/containers", "trainr"),
            ("fsx-webhook/placement", "always"),
        ])
        let result = try mutateChecked(job)
        #expect(result.denialRules == [.volumeUnknown, .volumeUnknown, .placementInvalid, .containerUnknown])
    }

    struct ContainerChoice: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var annotation: String?
        /// Pointers (below the pod spec) that get a mount.
        var mounted: [String]
    }

    @Test(arguments: [
        ContainerChoice(
            testDescription: "default: every container, no init container", annotation: nil,
            mounted: ["containers/0", "containers/1"]),
        ContainerChoice(testDescription: "one named container", annotation: "sidecar", mounted: ["containers/1"]),
        ContainerChoice(
            testDescription: "a named init container, in pod order", annotation: "sidecar, fetch",
            mounted: ["initContainers/0", "containers/1"]),
    ])
    func mountsIntoChosenContainers(_ testCase: ContainerChoice) throws {
        let podSpec = Jobs.podSpec(
            containers: [Jobs.container("trainer"), Jobs.container("sidecar")],
            [("initContainers", [Jobs.container("fetch")])])
        let annotations = testCase.annotation.map { [("fsx-webhook/containers", $0)] } ?? []
        let result = try mutateChecked(Jobs.job(annotations: annotations, podSpec: podSpec), requiredZone: "us-west-2a")
        #expect(result.violations == [])
        let mountPaths = result.patch.map(\.path.description).filter { $0.hasSuffix("/volumeMounts") }
        #expect(mountPaths == testCase.mounted.map { "/spec/template/spec/\($0)/volumeMounts" })
    }

    @Test func deniesUnknownContainerWithSuggestion() throws {
        let podSpec = Jobs.podSpec(
            containers: [Jobs.container("trainer")], [("initContainers", [Jobs.container("fetch")])])
        let job = Jobs.job(annotations: [("fsx-webhook/containers", "trainer,trainr")], podSpec: podSpec)
        let result = try mutateChecked(job)
        #expect(result.denialRules == [.containerUnknown])
        let message = try #require(result.denials.first?.message)
        #expect(message.contains(#"containers: "trainer"; init containers: "fetch""#))
        #expect(message.contains("did you mean \"trainer\"?"))
    }

    @Test func deniesEmptyContainerList() throws {
        let result = try mutateChecked(Jobs.job(annotations: [("fsx-webhook/containers", " ,")]))
        #expect(result.denialRules == [.containerUnknown])
    }

    struct PlacementChoice: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var annotation: String
        var denials: [RuleID]
        var affinityKey: String?
    }

    @Test(arguments: [
        PlacementChoice(
            testDescription: "preferred", annotation: "preferred", denials: [],
            affinityKey: "preferredDuringSchedulingIgnoredDuringExecution"),
        PlacementChoice(testDescription: "none, with spaces", annotation: " none ", denials: [], affinityKey: nil),
        PlacementChoice(
            testDescription: "required", annotation: "required", denials: [],
            affinityKey: "requiredDuringSchedulingIgnoredDuringExecution"),
        PlacementChoice(
            testDescription: "unknown word", annotation: "sometimes", denials: [.placementInvalid], affinityKey: nil),
        PlacementChoice(
            testDescription: "wrong case", annotation: "Required", denials: [.placementInvalid], affinityKey: nil),
    ])
    func placementAnnotationOverridesConfiguration(_ testCase: PlacementChoice) throws {
        let job = Jobs.job(annotations: [("fsx-webhook/placement", testCase.annotation)])
        let result = try mutateChecked(job, configuration: .testing(placement: .none))
        #expect(result.denialRules == testCase.denials, "\(result.violations.map(\.message))")
        let nodeAffinity = result.podSpec?["affinity"]?["nodeAffinity"]?.objectValue
        #expect(nodeAffinity?.keys == testCase.affinityKey.map { [$0] })
        if testCase.annotation == "Required" {
            #expect(result.denials.first?.message.contains("did you mean required?") == true)
        }
    }

    @Test func warnsAboutMisspeltAnnotation() throws {
        let job = Jobs.job(annotations: [("fsx-webhook/volume", "checkpoints")])
        let result = try mutateChecked(job, requiredZone: "us-west-2a")
        #expect(result.warningRules == [.annotationUnknown])
        #expect(result.warnings.first?.message.contains("did you mean fsx-webhook/volumes?") == true)
        // The misspelt key is ignored, so the default volume is used.
        #expect(result.podSpec?["volumes"]?[0]?["name"] == "training-data")
    }

    @Test func engineMutatesOnCreateOnly() throws {
        let engine = AdmissionEngine(configuration: .testing)
        let job = Jobs.job()
        let create = engine.decide(AdmissionRequest(creating: job))
        #expect(create.outcome == .patched)
        #expect(create.subject == "Job \"ml/train\"")
        let update = engine.decide(
            AdmissionRequest(
                uid: "u", operation: .update, group: "batch", version: "v1", kind: "Job", namespace: "ml",
                name: "train",
                object: job, oldObject: job))
        #expect(update.outcome == .allowed)
    }

    @Test func engineRefusesDeniedJobWithoutPatch() {
        let engine = AdmissionEngine(configuration: .testing)
        let decision = engine.decide(
            AdmissionRequest(creating: Jobs.job(annotations: [("fsx-webhook/volumes", "nope")])))
        #expect(decision.outcome == .denied)
        #expect(decision.patch == [])
        #expect(
            decision.denialMessage.hasPrefix(
                "Job \"ml/train\" has 1 problem: metadata.annotations.fsx-webhook/volumes: "))
    }
}
