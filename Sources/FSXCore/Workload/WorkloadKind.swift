/// A workload kind the webhook mutates, and where its pod specs are.
///
/// Supporting another kind (CronJob, JobSet, a Kubeflow job, a RayJob) means adding one entry
/// with its locations to `builtIn`: the mutation itself works on pod specs wherever they are.
public struct WorkloadKind: Sendable, Hashable {
    /// The API group (`batch`); empty for the core group.
    public var group: String
    /// The API versions whose pod templates are at `locations`.
    public var versions: [String]
    /// The kind (`Job`), also the noun messages use for the object.
    public var kind: String
    /// Where the kind's pod specs are; every one found is mutated.
    public var locations: [PodTemplateLocation]

    /// A kind whose pod specs are at `locations`.
    public init(group: String, versions: [String], kind: String, locations: [PodTemplateLocation]) {
        self.group = group
        self.versions = versions
        self.kind = kind
        self.locations = locations
    }

    /// Whether an object of `type` is of this kind.
    public func matches(_ type: ObjectType) -> Bool {
        type.group == group && type.kind == kind && versions.contains(type.version)
    }

    /// `batch/v1` Job: one pod template at `/spec/template/spec`.
    public static let job = WorkloadKind(group: "batch", versions: ["v1"], kind: "Job", locations: [.job])

    /// The kinds this version mutates.
    public static let builtIn: [WorkloadKind] = [.job]

    /// The built-in kind for `type`, if it is one.
    public static func builtIn(for type: ObjectType) -> WorkloadKind? {
        builtIn.first { $0.matches(type) }
    }
}
