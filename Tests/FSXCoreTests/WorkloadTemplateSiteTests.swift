import FSXCore
import Testing

/// Kinds with several pod templates are table entries: these cases define such kinds in the
/// test and check the mutation treats every template, names each in messages, and escapes
/// map keys in patch paths.
@Suite("Workload pod template locations")
struct WorkloadTemplateSiteTests {
    static let replicaSpecs = PodTemplateLocation(
        steps: [.key("spec"), .key("pytorchReplicaSpecs"), .eachMember, .key("template"), .key("spec")],
        label: .wildcard(noun: "replica", nameKey: nil))
    static let pyTorchJob = WorkloadKind(
        group: "kubeflow.org", versions: ["v1"], kind: "PyTorchJob", locations: [replicaSpecs])

    static let replicatedJobs = PodTemplateLocation(
        steps: [
            .key("spec"), .key("replicatedJobs"), .eachElement, .key("template"), .key("spec"), .key("template"),
            .key("spec"),
        ],
        isRequired: false, label: .wildcard(noun: "replicated job", nameKey: "name"))
    static let jobSet = WorkloadKind(
        group: "jobset.x-k8s.io", versions: ["v1alpha2"], kind: "JobSet", locations: [replicatedJobs])

    static func replica(_ podSpec: JSONValue) -> JSONValue {
        Jobs.object([("replicas", 1), ("template", Jobs.object([("spec", podSpec)]))])
    }

    static func pyTorch(_ replicas: [(String, JSONValue)], annotations: [(String, String)] = []) -> JSONValue {
        var job = Jobs.job(annotations: annotations)
        Jobs.set(&job, ["apiVersion"], "kubeflow.org/v1")
        Jobs.set(&job, ["kind"], "PyTorchJob")
        Jobs.set(
            &job, ["spec"], Jobs.object([("pytorchReplicaSpecs", Jobs.object(replicas.map { ($0.0, replica($0.1)) }))]))
        return job
    }

    static func jobSet(_ jobs: [(String, JSONValue)]) -> JSONValue {
        var object = Jobs.job()
        Jobs.set(&object, ["apiVersion"], "jobset.x-k8s.io/v1alpha2")
        Jobs.set(&object, ["kind"], "JobSet")
        let replicated = jobs.map { name, podSpec in
            Jobs.object([
                ("name", .string(name)),
                ("template", Jobs.object([("spec", Jobs.object([("template", Jobs.object([("spec", podSpec)]))]))])),
            ])
        }
        Jobs.set(&object, ["spec"], Jobs.object([("replicatedJobs", .array(replicated))]))
        return object
    }

    @Test func mutatesEveryPodTemplateOfTheKind() throws {
        let job = Self.pyTorch([("Master", Jobs.podSpec()), ("Worker", Jobs.podSpec())])
        let result = try mutateChecked(job, requiredZone: WebhookConfiguration.zoneA, kind: Self.pyTorchJob)
        #expect(result.violations == [])
        let prefixes = Set(result.patch.map { Array($0.path.tokens.prefix(3)) })
        #expect(prefixes == [["spec", "pytorchReplicaSpecs", "Master"], ["spec", "pytorchReplicaSpecs", "Worker"]])
        #expect(result.patch.count == 6)
    }

    @Test func namesTheReplicaInMessages() throws {
        let clash = Jobs.podSpec([("volumes", [Jobs.object([("name", "training-data"), ("emptyDir", [:])])])])
        let job = Self.pyTorch([("Master", Jobs.podSpec()), ("Worker", clash)])
        let result = try mutateChecked(job, kind: Self.pyTorchJob)
        #expect(result.denialRules == [.volumeNameConflict])
        #expect(result.denials.first?.field == "spec.pytorchReplicaSpecs.Worker.template.spec.volumes[0]")
        #expect(result.denials.first?.message.contains("Job \"ml/train\" (replica \"Worker\") already has") == true)
    }

    @Test func namesElementsByTheirNameKey() throws {
        let busy = Jobs.podSpec(
            containers: [Jobs.container("trainer", mounts: [("scratch", "/data")])],
            [("volumes", [Jobs.object([("name", "scratch"), ("emptyDir", [:])])])])
        let result = try mutateChecked(Self.jobSet([("driver", Jobs.podSpec()), ("workers", busy)]), kind: Self.jobSet)
        #expect(result.denialRules == [.mountPathConflict])
        #expect(
            result.denials.first?.field
                == "spec.replicatedJobs[1].template.spec.template.spec.containers[0].volumeMounts[0]")
        #expect(result.denials.first?.message.contains("container \"trainer\" of replicated job \"workers\"") == true)
    }

    @Test func escapesMapKeysInPatchPaths() throws {
        let job = Self.pyTorch([("team/a~b", Jobs.podSpec())])
        let result = try mutateChecked(job, requiredZone: WebhookConfiguration.zoneA, kind: Self.pyTorchJob)
        #expect(result.patch.first?.path.description == "/spec/pytorchReplicaSpecs/team~1a~0b/template/spec/volumes")
        #expect(
            result.patched.value(
                at: JSONPointer(["spec", "pytorchReplicaSpecs", "team/a~b", "template", "spec", "volumes"])) != nil)
    }

    @Test func acceptsContainerNamedInAnyTemplate() throws {
        let master = Jobs.podSpec(containers: [Jobs.container("launcher")])
        let worker = Jobs.podSpec(containers: [Jobs.container("trainer")])
        let job = Self.pyTorch(
            [("Master", master), ("Worker", worker)], annotations: [("fsx-webhook/containers", "trainer")])
        let result = try mutateChecked(job, requiredZone: WebhookConfiguration.zoneA, kind: Self.pyTorchJob)
        #expect(result.violations == [])
        let mounted = result.patch.filter { $0.path.tokens.contains("volumeMounts") }.map { $0.path.tokens[2] }
        #expect(mounted == ["Worker"])
    }

    struct Missing: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var kind: WorkloadKind
        var object: JSONValue
        var denials: [RuleID]
    }

    @Test(arguments: [
        Missing(
            testDescription: "an optional location may be absent", kind: jobSet,
            object: jobSet([]), denials: []),
        Missing(
            testDescription: "a required location must be there", kind: pyTorchJob,
            object: {
                var job = pyTorch([])
                Jobs.set(&job, ["spec"], [:])
                return job
            }(), denials: [.invalidField]),
    ])
    func reportsMissingTemplatesOnlyWhenRequired(_ testCase: Missing) throws {
        let result = try mutateChecked(testCase.object, kind: testCase.kind)
        #expect(result.denialRules == testCase.denials)
        #expect(result.patch == [])
    }

    @Test func builtInPyTorchJobAgreesWithTheTestKind() {
        // The test-defined PyTorchJob has the built-in's shape, so the two must agree.
        #expect(
            WorkloadKind.builtIn(for: ObjectType(group: "kubeflow.org", version: "v1", kind: "PyTorchJob"))
                == .pyTorchJob)
        #expect(WorkloadKind.pyTorchJob.locations == Self.pyTorchJob.locations)
        let pyTorch = Self.pyTorch([("Worker", Jobs.podSpec())])
        let builtIn = WorkloadMutator.mutate(pyTorch, type: ObjectType(of: pyTorch), configuration: .testing)
        #expect(builtIn?.patch == WorkloadMutator.mutate(pyTorch, kind: Self.pyTorchJob, configuration: .testing).patch)
    }
}
