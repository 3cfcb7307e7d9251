import FSXCore
import Testing

/// The configuration most workload tests run against: two volumes in us-west-2a (one
/// read-only, one reached through its subnet) and one in us-west-2b.
extension WebhookConfiguration {
    static let zoneA = "us-west-2a"
    static let zoneB = "us-west-2b"

    static let testing = WebhookConfiguration(
        volumes: [
            Volume(
                name: "training-data", claimName: "training-data", mountPath: "/data", readOnly: true,
                subnetId: "subnet-0123456789abcdef0", zone: zoneA),
            Volume(name: "checkpoints", claimName: "checkpoint-storage", mountPath: "/checkpoints", zone: zoneA),
            Volume(name: "archive", claimName: "archive", mountPath: "/archive", readOnly: true, zone: zoneB),
        ],
        defaultVolumes: ["training-data"],
        zones: ["subnet-0123456789abcdef0": zoneA],
        placement: .required)

    /// `testing` with another placement.
    static func testing(placement: Placement, defaultVolumes: [String] = ["training-data"]) -> WebhookConfiguration {
        var configuration = WebhookConfiguration.testing
        configuration.placement = placement
        configuration.defaultVolumes = defaultVolumes
        return configuration
    }
}

/// Builders for Job manifests: only what a case is about differs from a plain opted-in Job.
enum Jobs {
    static let podSpecPointer = JSONPointer(["spec", "template", "spec"])

    static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject(members.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }

    static func container(_ name: String, mounts: [(volume: String, path: String)]? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(name)), ("image", "trainer:1.0")]
        if let mounts {
            members.append(
                (
                    "volumeMounts",
                    .array(mounts.map { object([("name", .string($0.volume)), ("mountPath", .string($0.path))]) })
                ))
        }
        return object(members)
    }

    static func claimVolume(_ name: String, claim: String) -> JSONValue {
        object([("name", .string(name)), ("persistentVolumeClaim", object([("claimName", .string(claim))]))])
    }

    /// A pod spec with the given containers and extra members (volumes, affinity, ...).
    static func podSpec(
        containers: [JSONValue] = [container("trainer")], _ extra: [(String, JSONValue)] = []
    )
        -> JSONValue
    {
        object([("containers", .array(containers)), ("restartPolicy", "Never")] + extra)
    }

    /// An opted-in `batch/v1` Job `ml/train` with `annotations` and `podSpec`.
    static func job(
        name: String? = "train", generateName: String? = nil,
        labels: [(String, JSONValue)] = [("fsx-webhook/inject", "true")],
        annotations: [(String, String)] = [], podSpec: JSONValue = podSpec()
    ) -> JSONValue {
        var metadata: [(String, JSONValue)] = []
        if let name { metadata.append(("name", .string(name))) }
        if let generateName { metadata.append(("generateName", .string(generateName))) }
        metadata.append(("namespace", "ml"))
        if !labels.isEmpty { metadata.append(("labels", object(labels))) }
        if !annotations.isEmpty { metadata.append(("annotations", object(annotations.map { ($0.0, .string($0.1)) }))) }
        return object([
            ("apiVersion", "batch/v1"),
            ("kind", "Job"),
            ("metadata", object(metadata)),
            ("spec", object([("backoffLimit", 2), ("template", object([("spec", podSpec)]))])),
        ])
    }

    /// A Job whose pod spec member at `path` (below the pod spec) is `value`.
    static func job(setting value: JSONValue, at path: [String], annotations: [(String, String)] = []) -> JSONValue {
        var job = job(annotations: annotations)
        set(&job, Jobs.podSpecPointer.tokens + path, value)
        return job
    }

    /// Sets the member at `path`, creating objects on the way (test setup only).
    static func set(_ document: inout JSONValue, _ path: [String], _ value: JSONValue) {
        guard let key = path.first else {
            document = value
            return
        }
        if case .array(var array) = document, let index = Int(key), array.indices.contains(index) {
            set(&array[index], Array(path.dropFirst()), value)
            document = .array(array)
            return
        }
        var object = document.objectValue ?? JSONObject()
        var child = object[key] ?? .object(JSONObject())
        set(&child, Array(path.dropFirst()), value)
        object[key] = child
        document = .object(object)
    }

    static func parse(_ text: String) -> JSONValue {
        do {
            return try JSONParser.parse(text)
        } catch {
            Issue.record("test JSON does not parse: \(error)")
            return .null
        }
    }
}

/// One mutation, checked the way the apiserver would use it.
struct MutationResult {
    var violations: [Violation]
    var patch: [PatchOperation]
    /// The object after the patch (the original when there is none).
    var patched: JSONValue

    var denials: [Violation] { violations.filter { $0.severity == .deny } }
    var warnings: [Violation] { violations.filter { $0.severity == .warn } }
    var denialRules: [RuleID] { denials.map(\.rule) }
    var warningRules: [RuleID] { warnings.map(\.rule) }
    /// The patch as compact JSON text, for comparing with an expected patch.
    var patchText: String { JSONWriter.string(patch.json) }
    var podSpec: JSONValue? { patched.value(at: Jobs.podSpecPointer) }
}

/// Mutates `job` and, when allowed, applies the patch with the independent applier, checks
/// the workload invariants, and runs the mutator again on the result, which must yield no
/// patch and no denial (reinvocation).
func mutateChecked(
    _ job: JSONValue, configuration: WebhookConfiguration = .testing, requiredZone: String? = nil,
    kind: WorkloadKind = .job, sourceLocation: SourceLocation = #_sourceLocation
) throws -> MutationResult {
    let first = WorkloadMutator.mutate(job, kind: kind, configuration: configuration)
    for warning in first.violations where warning.severity == .warn {
        // kubectl shows each warning as one line; the apiserver guidance is under 120.
        #expect(warning.message.count < 120, "\(warning.message)", sourceLocation: sourceLocation)
    }
    let denied = first.violations.contains { $0.severity == .deny }
    if denied {
        #expect(first.patch.isEmpty, "a denied workload gets no patch", sourceLocation: sourceLocation)
        return MutationResult(violations: first.violations, patch: first.patch, patched: job)
    }
    #expect(first.patch.allSatisfy { $0.op == .add }, "the webhook only adds", sourceLocation: sourceLocation)
    let patched = try JSONPatchApplier.apply(first.patch, to: job)
    for location in kind.locations {
        for podSpec in podSpecs(in: patched, along: location.steps[...]) {
            #expect(
                WorkloadInvariants.problems(
                    inPodSpec: podSpec, zoneLabel: configuration.zoneLabel, requiredZone: requiredZone) == [],
                sourceLocation: sourceLocation)
        }
    }
    let second = WorkloadMutator.mutate(patched, kind: kind, configuration: configuration)
    #expect(second.patch == [], "a second run adds nothing", sourceLocation: sourceLocation)
    #expect(second.violations.filter { $0.severity == .deny } == [], sourceLocation: sourceLocation)
    return MutationResult(violations: first.violations, patch: first.patch, patched: patched)
}

/// The pod specs along `steps`, walked here independently of the mutator's own expansion.
private func podSpecs(in value: JSONValue, along steps: ArraySlice<PodTemplateLocation.Step>) -> [JSONValue] {
    guard let step = steps.first else { return [value] }
    switch step {
    case .key(let key):
        return value[key].map { podSpecs(in: $0, along: steps.dropFirst()) } ?? []
    case .eachElement:
        return (value.arrayValue ?? []).flatMap { podSpecs(in: $0, along: steps.dropFirst()) }
    case .eachMember:
        return (value.objectValue?.members ?? []).flatMap { podSpecs(in: $0.value, along: steps.dropFirst()) }
    }
}
