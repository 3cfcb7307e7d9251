import FSXCore
import Testing

/// The built-in workload kinds, each with the shape its controller or CRD gives it: every
/// pod template gets the volumes, mounts and zone, denials name the template, and a second
/// run adds nothing.
@Suite("Built-in workload kinds")
struct WorkloadKindsTests {
    /// A built-in kind and how to build an opted-in object of it from its pod specs.
    struct KindCase: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var kind: WorkloadKind
        /// Where each pod spec is, in document order.
        var podSpecPaths: [String]
        /// How messages name each pod spec (`nil` for a kind with one).
        var labels: [String?]
        /// The object with these pod specs, in the order of `podSpecPaths`.
        var build: @Sendable ([JSONValue]) -> JSONValue
    }

    static func metadata(
        name: String = "train", annotations: [(String, String)] = [], extra: [(String, JSONValue)] = []
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("name", .string(name)), ("namespace", "ml"), ("labels", Jobs.object([("fsx-webhook/inject", "true")])),
        ]
        if !annotations.isEmpty {
            members.append(("annotations", Jobs.object(annotations.map { ($0.0, .string($0.1)) })))
        }
        return Jobs.object(members + extra)
    }

    static func object(
        _ apiVersion: String, _ kind: String, spec: JSONValue, metadata: JSONValue = metadata()
    )
        -> JSONValue
    {
        Jobs.object([
            ("apiVersion", .string(apiVersion)), ("kind", .string(kind)), ("metadata", metadata), ("spec", spec),
        ])
    }

    static func template(_ podSpec: JSONValue) -> JSONValue { Jobs.object([("spec", podSpec)]) }

    static func replicas(_ names: [String], _ specs: [JSONValue]) -> JSONValue {
        Jobs.object(
            zip(names, specs).map { name, spec in
                (name, Jobs.object([("replicas", 1), ("restartPolicy", "OnFailure"), ("template", template(spec))]))
            })
    }

    static func rayCluster(_ specs: [JSONValue]) -> JSONValue {
        Jobs.object([
            ("headGroupSpec", Jobs.object([("rayStartParams", [:]), ("template", template(specs[0]))])),
            (
                "workerGroupSpecs",
                [
                    Jobs.object([
                        ("groupName", "gpu"), ("replicas", 2), ("rayStartParams", [:]),
                        ("template", template(specs[1])),
                    ])
                ]
            ),
        ])
    }

    static let cronJob = KindCase(
        testDescription: "CronJob", kind: .cronJob, podSpecPaths: ["/spec/jobTemplate/spec/template/spec"],
        labels: [nil]
    ) { specs in
        object(
            "batch/v1", "CronJob",
            spec: Jobs.object([
                ("schedule", "0 3 * * *"),
                ("jobTemplate", Jobs.object([("spec", Jobs.object([("template", template(specs[0]))]))])),
            ]))
    }

    static let jobSet = KindCase(
        testDescription: "JobSet", kind: .jobSet,
        podSpecPaths: [
            "/spec/replicatedJobs/0/template/spec/template/spec", "/spec/replicatedJobs/1/template/spec/template/spec",
        ],
        labels: ["replicatedJob \"driver\"", "replicatedJob \"workers\""]
    ) { specs in
        let jobs = zip(["driver", "workers"], specs).map { name, spec in
            Jobs.object([
                ("name", .string(name)), ("replicas", 1),
                ("template", Jobs.object([("spec", Jobs.object([("parallelism", 2), ("template", template(spec))]))])),
            ])
        }
        return object("jobset.x-k8s.io/v1alpha2", "JobSet", spec: Jobs.object([("replicatedJobs", .array(jobs))]))
    }

    static let pyTorchJob = KindCase(
        testDescription: "PyTorchJob", kind: .pyTorchJob,
        podSpecPaths: [
            "/spec/pytorchReplicaSpecs/Master/template/spec", "/spec/pytorchReplicaSpecs/Worker/template/spec",
        ],
        labels: ["replica \"Master\"", "replica \"Worker\""]
    ) { specs in
        object(
            "kubeflow.org/v1", "PyTorchJob",
            spec: Jobs.object([("pytorchReplicaSpecs", replicas(["Master", "Worker"], specs))]))
    }

    static let tfJob = KindCase(
        testDescription: "TFJob", kind: .tfJob,
        podSpecPaths: ["/spec/tfReplicaSpecs/PS/template/spec", "/spec/tfReplicaSpecs/Worker/template/spec"],
        labels: ["replica \"PS\"", "replica \"Worker\""]
    ) { specs in
        object("kubeflow.org/v1", "TFJob", spec: Jobs.object([("tfReplicaSpecs", replicas(["PS", "Worker"], specs))]))
    }

    static let mpiJob = KindCase(
        testDescription: "MPIJob", kind: .mpiJob,
        podSpecPaths: ["/spec/mpiReplicaSpecs/Launcher/template/spec", "/spec/mpiReplicaSpecs/Worker/template/spec"],
        labels: ["replica \"Launcher\"", "replica \"Worker\""]
    ) { specs in
        object(
            "kubeflow.org/v2beta1", "MPIJob",
            spec: Jobs.object([("slotsPerWorker", 8), ("mpiReplicaSpecs", replicas(["Launcher", "Worker"], specs))]))
    }

    static let rayJob = KindCase(
        testDescription: "RayJob", kind: .rayJob,
        podSpecPaths: [
            "/spec/rayClusterSpec/headGroupSpec/template/spec",
            "/spec/rayClusterSpec/workerGroupSpecs/0/template/spec",
        ],
        labels: ["head group", "worker group \"gpu\""]
    ) { specs in
        object(
            "ray.io/v1", "RayJob",
            spec: Jobs.object([("entrypoint", "python train.py"), ("rayClusterSpec", rayCluster(specs))]))
    }

    static let rayClusterCase = KindCase(
        testDescription: "RayCluster", kind: .rayCluster,
        podSpecPaths: ["/spec/headGroupSpec/template/spec", "/spec/workerGroupSpecs/0/template/spec"],
        labels: ["head group", "worker group \"gpu\""]
    ) { specs in
        object("ray.io/v1", "RayCluster", spec: rayCluster(specs))
    }

    static let pod = KindCase(testDescription: "Pod", kind: .pod, podSpecPaths: ["/spec"], labels: [nil]) { specs in
        object("v1", "Pod", spec: specs[0])
    }

    static let all = [cronJob, jobSet, pyTorchJob, tfJob, mpiJob, rayJob, rayClusterCase, pod]
    static let multiTemplate = all.filter { $0.podSpecPaths.count > 1 }

    @Test(arguments: all)
    func mutatesEveryPodTemplateOfTheKind(_ testCase: KindCase) throws {
        let object = testCase.build(testCase.podSpecPaths.map { _ in Jobs.podSpec() })
        #expect(WorkloadKind.builtIn(for: ObjectType(of: object)) == testCase.kind)
        let result = try mutateChecked(object, requiredZone: WebhookConfiguration.zoneA, kind: testCase.kind)
        #expect(result.violations == [])
        // Per pod spec: its volumes, one mount and the zone affinity, nothing elsewhere.
        #expect(result.patch.count == 3 * testCase.podSpecPaths.count)
        for op in result.patch {
            #expect(testCase.podSpecPaths.contains { op.path.description.hasPrefix($0 + "/") }, "\(op.path)")
        }
        for path in testCase.podSpecPaths {
            let spec = try #require(result.patched.value(at: JSONPointer(path.split(separator: "/").map(String.init))))
            #expect(spec["volumes"]?[0]?["persistentVolumeClaim"]?["claimName"] == "training-data")
            #expect(spec["containers"]?[0]?["volumeMounts"]?[0]?["mountPath"] == "/data")
        }
        // The built-in dispatch decides the same as the kind given directly.
        let dispatched = try #require(
            WorkloadMutator.mutate(object, type: ObjectType(of: object), configuration: .testing))
        #expect(dispatched.patch == result.patch)
    }

    @Test(arguments: multiTemplate)
    func namesTheTemplateInZoneDenials(_ testCase: KindCase) throws {
        var specs = testCase.podSpecPaths.map { _ in Jobs.podSpec() }
        specs[specs.count - 1] = Jobs.podSpec([
            ("nodeSelector", Jobs.object([("topology.kubernetes.io/zone", .string(WebhookConfiguration.zoneB))]))
        ])
        let result = try mutateChecked(testCase.build(specs), kind: testCase.kind)
        #expect(result.denialRules == [.nodeSelectorConflict])
        let denial = try #require(result.denials.first)
        let last = try #require(testCase.podSpecPaths.last)
        #expect(
            denial.field
                == JSONPointer(
                    last.split(separator: "/").map(String.init) + ["nodeSelector", "topology.kubernetes.io/zone"]
                )
                .dotted)
        let label = try #require(testCase.labels.last ?? nil)
        #expect(denial.message.contains("\(testCase.kind.kind) \"ml/train\" (\(label)) selects nodes in zone"))
    }

    @Test(arguments: multiTemplate)
    func namesTheTemplateInVolumeDenials(_ testCase: KindCase) throws {
        var specs = testCase.podSpecPaths.map { _ in Jobs.podSpec() }
        specs[0] = Jobs.podSpec([("volumes", [Jobs.object([("name", "training-data"), ("emptyDir", [:])])])])
        let result = try mutateChecked(testCase.build(specs), kind: testCase.kind)
        #expect(result.denialRules == [.volumeNameConflict])
        let label = try #require(testCase.labels.first ?? nil)
        #expect(
            result.denials.first?.message.contains("(\(label)) already has a volume named \"training-data\"") == true)
    }

    @Test func jobCreatedFromAPatchedCronJobGetsNoSecondPatch() throws {
        let labels = Jobs.object([("fsx-webhook/inject", "true"), ("app", "nightly")])
        let annotations = Jobs.object([("fsx-webhook/volumes", "training-data,checkpoints")])
        var cronJob = Self.cronJob.build([Jobs.podSpec()])
        Jobs.set(&cronJob, ["metadata", "annotations"], annotations)
        Jobs.set(
            &cronJob, ["spec", "jobTemplate", "metadata"],
            Jobs.object([("labels", labels), ("annotations", annotations)]))
        let patchedCronJob = try mutateChecked(cronJob, requiredZone: WebhookConfiguration.zoneA, kind: .cronJob)
        #expect(patchedCronJob.violations == [])
        #expect(!patchedCronJob.patch.isEmpty)

        // What the CronJob controller creates: jobTemplate's metadata and spec, owned by it.
        func job(from cronJob: JSONValue) -> JSONValue {
            let jobTemplate = cronJob["spec"]?["jobTemplate"]
            return Jobs.object([
                ("apiVersion", "batch/v1"), ("kind", "Job"),
                (
                    "metadata",
                    Jobs.object([
                        ("name", "train-29001234"), ("namespace", "ml"), ("labels", labels),
                        ("annotations", annotations),
                        (
                            "ownerReferences",
                            [
                                Jobs.object([
                                    ("apiVersion", "batch/v1"), ("kind", "CronJob"), ("name", "train"),
                                    ("uid", "7f0c1a52-2a47-4d55-9d0e-3c1b9f1e6a10"), ("controller", true),
                                ])
                            ]
                        ),
                    ])
                ),
                ("spec", jobTemplate?["spec"] ?? .null),
            ])
        }
        let fromPatched = WorkloadMutator.mutate(job(from: patchedCronJob.patched), kind: .job, configuration: .testing)
        #expect(fromPatched.violations == [])
        #expect(fromPatched.patch == [])
        // Had the CronJob not been patched, its Jobs would be: the check above means something.
        let fromOriginal = WorkloadMutator.mutate(job(from: cronJob), kind: .job, configuration: .testing)
        #expect(!fromOriginal.patch.isEmpty)
    }

    struct Owner: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var ownerReferences: JSONValue?
        var patched: Bool
    }

    static func ownerReference(controller: JSONValue?) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("apiVersion", "batch/v1"), ("kind", "Job"), ("name", "train"),
            ("uid", "0b6d2c8e-5a8b-4b1f-9f62-2d3c9a7e5b11"),
        ]
        if let controller { members.append(("controller", controller)) }
        return Jobs.object(members)
    }

    @Test(arguments: [
        Owner(testDescription: "no owner", ownerReferences: nil, patched: true),
        Owner(testDescription: "explicit null", ownerReferences: .null, patched: true),
        Owner(
            testDescription: "owner that is not a controller", ownerReferences: [ownerReference(controller: false)],
            patched: true),
        Owner(
            testDescription: "owner without the controller flag", ownerReferences: [ownerReference(controller: nil)],
            patched: true),
        Owner(testDescription: "controller", ownerReferences: [ownerReference(controller: true)], patched: false),
        Owner(
            testDescription: "controller after another owner",
            ownerReferences: [ownerReference(controller: nil), ownerReference(controller: true)], patched: false),
    ])
    func skipsPodsThatHaveAController(_ testCase: Owner) throws {
        var extra: [(String, JSONValue)] = []
        if let references = testCase.ownerReferences { extra.append(("ownerReferences", references)) }
        let pod = Self.object("v1", "Pod", spec: Jobs.podSpec(), metadata: Self.metadata(extra: extra))
        let result = try mutateChecked(
            pod, requiredZone: testCase.patched ? WebhookConfiguration.zoneA : nil, kind: .pod)
        #expect(result.violations == [])
        #expect(result.patch.isEmpty == !testCase.patched)
    }

    @Test func controlledPodIsNotJudgedEvenWithBadAnnotations() throws {
        // Its owner's template (with these annotations) was judged when the owner was created.
        let pod = Self.object(
            "v1", "Pod", spec: Jobs.podSpec(),
            metadata: Self.metadata(
                annotations: [("fsx-webhook/volumes", "no-such-volume")],
                extra: [("ownerReferences", [Self.ownerReference(controller: true)])]))
        let result = try mutateChecked(pod, kind: .pod)
        #expect(result.violations == [])
        #expect(result.patch == [])
    }

    @Test(arguments: [
        ("a string", JSONValue.string("train")),
        ("a non-object entry", JSONValue.array([1])),
        ("a string controller flag", JSONValue.array([ownerReference(controller: "true")])),
    ])
    func deniesOptedInPodWithUnreadableOwnerReferences(_ name: String, _ references: JSONValue) throws {
        let pod = Self.object(
            "v1", "Pod", spec: Jobs.podSpec(), metadata: Self.metadata(extra: [("ownerReferences", references)]))
        let result = try mutateChecked(pod, kind: .pod)
        #expect(result.denialRules == [.invalidField], "\(name)")
        #expect(result.denials.first?.field.hasPrefix("metadata.ownerReferences") == true)
        // Without the opt-in label, the same Pod is none of this webhook's business.
        var plain = pod
        Jobs.set(&plain, ["metadata", "labels"], [:])
        #expect(WorkloadMutator.mutate(plain, kind: .pod, configuration: .testing).violations == [])
    }

    @Test func mountsIntoNamedContainersOfWhicheverTemplateHasThem() throws {
        let launcher = Jobs.podSpec(containers: [Jobs.container("launcher")])
        let worker = Jobs.podSpec(containers: [Jobs.container("worker"), Jobs.container("metrics")])
        var job = Self.mpiJob.build([launcher, worker])
        Jobs.set(&job, ["metadata", "annotations"], Jobs.object([("fsx-webhook/containers", "worker")]))
        let result = try mutateChecked(job, requiredZone: WebhookConfiguration.zoneA, kind: .mpiJob)
        #expect(result.violations == [])
        let launcherSpec = result.patched["spec"]?["mpiReplicaSpecs"]?["Launcher"]?["template"]?["spec"]
        let workerSpec = result.patched["spec"]?["mpiReplicaSpecs"]?["Worker"]?["template"]?["spec"]
        // The launcher runs nothing that reads the data: no volume, but the same zone as
        // its workers, which it talks to throughout the run.
        #expect(launcherSpec?["volumes"] == nil)
        #expect(launcherSpec?["affinity"] != nil)
        #expect(workerSpec?["volumes"]?.arrayValue?.count == 1)
        #expect(workerSpec?["containers"]?[0]?["volumeMounts"] != nil)
        #expect(workerSpec?["containers"]?[1]?["volumeMounts"] == nil)
    }

    @Test func deniesContainerThatNoTemplateHas() throws {
        var job = Self.pyTorchJob.build([Jobs.podSpec(), Jobs.podSpec()])
        Jobs.set(&job, ["metadata", "annotations"], Jobs.object([("fsx-webhook/containers", "trainr")]))
        let result = try mutateChecked(job, kind: .pyTorchJob)
        #expect(result.denialRules == [.containerUnknown])
        #expect(
            result.denials.first?.message.contains(
                "names container \"trainr\", which none of its pod templates has (containers: \"trainer\"); did you mean \"trainer\"?"
            )
                == true)
    }

    @Test func warnsWhenRayJobUsesAnExistingCluster() throws {
        let rayJob = Self.object(
            "ray.io/v1", "RayJob",
            spec: Jobs.object([
                ("entrypoint", "python train.py"), ("clusterSelector", Jobs.object([("ray.io/cluster", "shared")])),
            ]))
        let result = try mutateChecked(rayJob, kind: .rayJob)
        #expect(result.denials == [])
        #expect(result.warningRules == [.noPodTemplate])
        #expect(result.patch == [])
    }

    @Test(arguments: [
        ("JobSet without replicatedJobs", WorkloadKind.jobSet, object("jobset.x-k8s.io/v1alpha2", "JobSet", spec: [:])),
        ("RayCluster without head group", WorkloadKind.rayCluster, object("ray.io/v1", "RayCluster", spec: [:])),
        ("MPIJob without replica specs", WorkloadKind.mpiJob, object("kubeflow.org/v2beta1", "MPIJob", spec: [:])),
    ])
    func deniesMissingRequiredTemplates(_ name: String, _ kind: WorkloadKind, _ object: JSONValue) throws {
        let result = try mutateChecked(object, kind: kind)
        #expect(result.denialRules == [.invalidField], "\(name)")
        #expect(result.patch == [])
    }

    @Test func rayClusterWithoutWorkerGroupsMutatesItsHead() throws {
        var cluster = Self.rayClusterCase.build([Jobs.podSpec(), Jobs.podSpec()])
        Jobs.set(&cluster, ["spec", "workerGroupSpecs"], [])
        let result = try mutateChecked(cluster, requiredZone: WebhookConfiguration.zoneA, kind: .rayCluster)
        #expect(result.violations == [])
        #expect(result.patch.count == 3)
    }

    struct WrongType: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var kindCase: KindCase
        /// Path from the object's root.
        var path: [String]
        var value: JSONValue
        var field: String
    }

    @Test(arguments: [
        WrongType(
            testDescription: "replica specs an array", kindCase: pyTorchJob, path: ["spec", "pytorchReplicaSpecs"],
            value: [], field: "spec.pytorchReplicaSpecs"),
        WrongType(
            testDescription: "replica a string", kindCase: tfJob, path: ["spec", "tfReplicaSpecs", "PS"], value: "x",
            field: "spec.tfReplicaSpecs.PS"),
        WrongType(
            testDescription: "replica template missing", kindCase: mpiJob,
            path: ["spec", "mpiReplicaSpecs", "Worker", "template"], value: .null,
            field: "spec.mpiReplicaSpecs.Worker.template"),
        WrongType(
            testDescription: "replicatedJobs an object", kindCase: jobSet, path: ["spec", "replicatedJobs"], value: [:],
            field: "spec.replicatedJobs"),
        WrongType(
            testDescription: "replicated job a number", kindCase: jobSet, path: ["spec", "replicatedJobs", "1"],
            value: 3, field: "spec.replicatedJobs[1]"),
        WrongType(
            testDescription: "worker groups a string", kindCase: rayJob,
            path: ["spec", "rayClusterSpec", "workerGroupSpecs"], value: "gpu",
            field: "spec.rayClusterSpec.workerGroupSpecs"),
        WrongType(
            testDescription: "head pod spec an array", kindCase: rayClusterCase,
            path: ["spec", "headGroupSpec", "template", "spec"], value: [], field: "spec.headGroupSpec.template.spec"),
        WrongType(
            testDescription: "jobTemplate a string", kindCase: cronJob, path: ["spec", "jobTemplate"], value: "x",
            field: "spec.jobTemplate"),
    ])
    func deniesWrongTypesOnTheWayToPodTemplates(_ testCase: WrongType) throws {
        var object = testCase.kindCase.build(testCase.kindCase.podSpecPaths.map { _ in Jobs.podSpec() })
        Jobs.set(&object, testCase.path, testCase.value)
        let result = try mutateChecked(object, kind: testCase.kindCase.kind)
        #expect(result.denialRules.contains(.invalidField))
        #expect(result.denials.map(\.field).contains(testCase.field), "\(result.denials.map(\.message))")
        #expect(result.patch == [])
    }
}
