/// A workload kind the webhook mutates, and where its pod specs are.
///
/// Supporting another kind means adding one entry with its locations to `builtIn`: the
/// mutation itself works on pod specs wherever they are.
package struct WorkloadKind: Sendable, Hashable {
    /// The API group (`batch`); empty for the core group.
    var group: String
    /// The API versions whose pod templates are at `locations`.
    var versions: [String]
    /// The kind (`Job`), also the noun messages use for the object.
    package var kind: String
    /// Where the kind's pod specs are; every one found is mutated.
    package var locations: [PodTemplateLocation]
    /// Whether an object with a controller (an `ownerReferences` entry with
    /// `controller: true`) is left unchanged, because its controller's template is what
    /// gets mutated.
    var skipsControlledObjects: Bool

    /// A kind whose pod specs are at `locations`.
    package init(
        group: String, versions: [String], kind: String, locations: [PodTemplateLocation],
        skipsControlledObjects: Bool = false
    ) {
        self.group = group
        self.versions = versions
        self.kind = kind
        self.locations = locations
        self.skipsControlledObjects = skipsControlledObjects
    }

    /// Whether an object of `type` is of this kind.
    func matches(_ type: ObjectType) -> Bool {
        type.group == group && type.kind == kind && versions.contains(type.version)
    }

    /// `batch/v1` Job: one pod template at `/spec/template/spec`.
    package static let job = WorkloadKind(group: "batch", versions: ["v1"], kind: "Job", locations: [.job])

    /// `batch/v1` CronJob: the pod template of its `jobTemplate`.
    ///
    /// The Jobs it creates copy `jobTemplate.metadata` and the already patched spec, so
    /// when `jobTemplate.metadata.labels` opts them in too, each is reviewed again and, the
    /// mutation being idempotent, gets no second patch.
    package static let cronJob = WorkloadKind(
        group: "batch", versions: ["v1"], kind: "CronJob", locations: [.cronJob])

    /// `jobset.x-k8s.io/v1alpha2` JobSet: the pod template of every replicated job.
    package static let jobSet = WorkloadKind(
        group: "jobset.x-k8s.io", versions: ["v1alpha2"], kind: "JobSet", locations: [.jobSetReplicatedJobs])

    /// `kubeflow.org/v1` PyTorchJob: every replica spec (`Master`, `Worker`).
    package static let pyTorchJob = WorkloadKind(
        group: "kubeflow.org", versions: ["v1"], kind: "PyTorchJob",
        locations: [.kubeflowReplicaSpecs("pytorchReplicaSpecs")])

    /// `kubeflow.org/v1` TFJob: every replica spec (`Chief`, `PS`, `Worker`, `Evaluator`).
    package static let tfJob = WorkloadKind(
        group: "kubeflow.org", versions: ["v1"], kind: "TFJob", locations: [.kubeflowReplicaSpecs("tfReplicaSpecs")])

    /// `kubeflow.org/v2beta1` MPIJob (mpi-operator) and `kubeflow.org/v1` MPIJob (the
    /// training operator v1): every replica spec (`Launcher`, `Worker`). Both APIs keep
    /// their pod templates at `spec.mpiReplicaSpecs.<type>.template`; a cluster serves one
    /// or the other, as both define `mpijobs.kubeflow.org`.
    package static let mpiJob = WorkloadKind(
        group: "kubeflow.org", versions: ["v2beta1", "v1"], kind: "MPIJob",
        locations: [.kubeflowReplicaSpecs("mpiReplicaSpecs")])

    /// `ray.io/v1` RayJob: the head and every worker group of the cluster it creates. A
    /// RayJob that submits to an existing cluster (`clusterSelector`) has no
    /// `rayClusterSpec`, and so nothing to mutate.
    package static let rayJob = WorkloadKind(
        group: "ray.io", versions: ["v1"], kind: "RayJob",
        locations: [
            .rayHeadGroup(under: ["spec", "rayClusterSpec"], isRequired: false),
            .rayWorkerGroups(under: ["spec", "rayClusterSpec"]),
        ])

    /// `ray.io/v1` RayCluster: the head group and every worker group.
    package static let rayCluster = WorkloadKind(
        group: "ray.io", versions: ["v1"], kind: "RayCluster",
        locations: [.rayHeadGroup(under: ["spec"], isRequired: true), .rayWorkerGroups(under: ["spec"])])

    /// `v1` Pod, for pods created outside any of the kinds above: its own `/spec`.
    ///
    /// A Pod with a controller is left unchanged: its owner (a Job, a JobSet's Job, a
    /// ReplicaSet...) carries the pod template, which is where the volumes belong. Pods a
    /// mutated workload creates already have them; patching the pods of other controllers
    /// would make them differ from their template behind the controller's back.
    package static let pod = WorkloadKind(
        group: "", versions: ["v1"], kind: "Pod", locations: [.pod], skipsControlledObjects: true)

    /// The kinds this version mutates.
    static let builtIn: [WorkloadKind] = [
        .job, .cronJob, .jobSet, .pyTorchJob, .tfJob, .mpiJob, .rayJob, .rayCluster, .pod,
    ]

    /// The built-in kind for `type`, if it is one.
    package static func builtIn(for type: ObjectType) -> WorkloadKind? {
        builtIn.first { $0.matches(type) }
    }
}
