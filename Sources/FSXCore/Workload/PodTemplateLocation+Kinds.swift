/// Where the built-in workload kinds keep their pod specs.
extension PodTemplateLocation {
    /// The pod spec of a `batch/v1` Job.
    static let job = PodTemplateLocation(steps: [.key("spec"), .key("template"), .key("spec")])

    /// The pod spec of a `batch/v1` CronJob's `jobTemplate`.
    static let cronJob = PodTemplateLocation(
        steps: [.key("spec"), .key("jobTemplate"), .key("spec"), .key("template"), .key("spec")])

    /// The pod spec of each JobSet replicated job, whose `template` is a whole
    /// JobTemplateSpec; named by the replicated job's `name`.
    static let jobSetReplicatedJobs = PodTemplateLocation(
        steps: [
            .key("spec"), .key("replicatedJobs"), .eachElement, .key("template"), .key("spec"), .key("template"),
            .key("spec"),
        ],
        label: .wildcard(noun: "replicatedJob", nameKey: "name"))

    /// The pod spec of each replica of a Kubeflow training job, whose replica specs are a
    /// map from replica type (`Master`, `Worker`, `Launcher`...) to a spec with a `template`.
    static func kubeflowReplicaSpecs(_ key: String) -> PodTemplateLocation {
        PodTemplateLocation(
            steps: [.key("spec"), .key(key), .eachMember, .key("template"), .key("spec")],
            label: .wildcard(noun: "replica", nameKey: nil))
    }

    /// The pod spec of a Ray cluster's head group, below `base` (`spec` for a RayCluster,
    /// `spec.rayClusterSpec` for a RayJob).
    static func rayHeadGroup(under base: [String], isRequired: Bool) -> PodTemplateLocation {
        PodTemplateLocation(
            steps: base.map(Step.key) + [.key("headGroupSpec"), .key("template"), .key("spec")],
            isRequired: isRequired, label: .fixed("head group"))
    }

    /// The pod spec of each Ray worker group below `base`, named by its `groupName`. A
    /// cluster may have no worker groups (the head runs the work), so they are optional.
    static func rayWorkerGroups(under base: [String]) -> PodTemplateLocation {
        PodTemplateLocation(
            steps: base.map(Step.key) + [.key("workerGroupSpecs"), .eachElement, .key("template"), .key("spec")],
            isRequired: false, label: .wildcard(noun: "worker group", nameKey: "groupName"))
    }

    /// A Pod's own spec.
    static let pod = PodTemplateLocation(steps: [.key("spec")])
}
