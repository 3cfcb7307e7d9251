import FSXJSON

/// Injects the configured FSx volumes, their mounts and availability-zone placement into
/// opted-in workloads, as a JSON Patch that only adds.
///
/// Pure and idempotent: the result depends only on the object and the configuration, so
/// the apiserver may reinvoke the webhook on its own output and get no further patch.
package enum WorkloadMutator {
    /// The label that opts a workload in, with the value `"true"`.
    static let injectLabel = WorkloadOptions.injectLabel
    /// Comma-separated configured volume names; default `defaultVolumes`.
    static let volumesAnnotation = WorkloadOptions.volumesAnnotation
    /// Comma-separated container (or init container) names; default every container.
    static let containersAnnotation = WorkloadOptions.containersAnnotation
    /// `required`, `preferred` or `none`; default the configuration's `placement`.
    static let placementAnnotation = WorkloadOptions.placementAnnotation

    /// Mutates `object` when `type` is a workload kind this webhook handles; `nil` otherwise.
    ///
    /// A workload that does not opt in gets no violations and no patch. When anything is
    /// denied, the patch is empty.
    package static func mutate(
        _ object: JSONValue, type: ObjectType, configuration: WebhookConfiguration
    ) -> (violations: [Violation], patch: [PatchOperation])? {
        guard let kind = WorkloadKind.builtIn(for: type) else { return nil }
        return mutate(object, kind: kind, configuration: configuration)
    }

    /// Mutates `object` as a workload of `kind`, whose pod specs are at `kind.locations`.
    /// - Parameter facts: with an `aws:` section, what AWS said of the `fileSystemId`
    ///   volumes (their zones); `nil` when nothing could be asked.
    package static func mutate(
        _ object: JSONValue, kind: WorkloadKind, configuration: WebhookConfiguration, facts: AWSFacts? = nil
    ) -> (violations: [Violation], patch: [PatchOperation]) {
        object.withView { mutate($0, kind: kind, configuration: configuration, facts: facts) }
            ?? (
                [
                    .deny(
                        .invalidField, "",
                        "the object nests deeper than \(JSONParser.maximumDepth) levels; fix the manifest")
                ], []
            )
    }

    /// `mutate`, reading the object in place: what the server and the CLI's decisions call.
    static func mutate(
        _ object: JSONView, kind: WorkloadKind, configuration: WebhookConfiguration, facts: AWSFacts?
    ) -> (violations: [Violation], patch: [PatchOperation]) {
        var findings = WorkloadFindings(object: object, kind: kind.kind)
        // Decided before the options are read: a controlled object is its owner's business,
        // so even annotations it copied from its owner's template are not judged again.
        var ownerFindings = WorkloadFindings(about: findings)
        if kind.skipsControlledObjects, hasController(object, findings: &ownerFindings) {
            return ([], [])
        }
        guard var options = WorkloadOptions.read(object, configuration: configuration, findings: &findings) else {
            return (findings.violations, [])
        }
        if configuration.aws != nil { options.resolveZones(facts) }
        findings.merge(ownerFindings)

        var pods: [PodSpecMutation] = []
        for location in kind.locations {
            for site in location.sites(in: object, findings: &findings) {
                pods.append(PodSpecMutation(site: site, findings: &findings))
            }
        }
        if pods.isEmpty, !findings.hasDenials {
            // A RayJob that submits to an existing cluster, or an empty replicatedJobs list:
            // opting in cannot add anything, and saying so beats a silent no-op.
            findings.warn(
                .noPodTemplate, WorkloadOptions.injectPointer,
                "\(injectLabel) is set, but this \(kind.kind) has no pod template; nothing is added")
            return (findings.violations, [])
        }
        checkContainerNames(options.containerNames, in: pods, findings: &findings)

        guard !options.volumes.isEmpty else {
            // Unknown names are already refused; only a truly empty selection is a warning.
            if options.requestedVolumes.isEmpty {
                if options.volumesFromAnnotation {
                    findings.warn(
                        .noVolumes, WorkloadOptions.volumesPointer,
                        "\(volumesAnnotation) is empty, so no FSx volume is added")
                } else {
                    findings.warn(
                        .noVolumes, WorkloadOptions.injectPointer,
                        "\(injectLabel) is set, but there is no \(volumesAnnotation) and no defaultVolumes; nothing is added"
                    )
                }
            }
            return (findings.violations, [])
        }

        let placement = ZonePlacement.plan(options, configuration: configuration, findings: &findings)
        var builder = PatchBuilder()
        for pod in pods {
            pod.addVolumesAndMounts(options, builder: &builder, findings: &findings)
            placement?.apply(to: pod.site, builder: &builder, findings: &findings)
        }
        return (findings.violations, findings.hasDenials ? [] : builder.operations)
    }

    /// Whether `metadata.ownerReferences` names a controller (`controller: true`). Entries
    /// that cannot be read are reported to `findings` and do not count.
    static func hasController(_ object: JSONView, findings: inout WorkloadFindings) -> Bool {
        let pointer = JSONPointer(["metadata", "ownerReferences"])
        guard let references = object["metadata"]?["ownerReferences"].present else { return false }
        guard references.isArray else {
            findings.wrongType(pointer, found: references, expected: "an array of owner references")
            return false
        }
        var controlled = false
        for (index, reference) in references.elements.enumerated() {
            let referencePointer = pointer.appending(index)
            guard reference.isObject else {
                findings.wrongType(referencePointer, found: reference, expected: "an object (an owner reference)")
                continue
            }
            guard let flag = reference["controller"].present else { continue }
            guard let isController = flag.bool else {
                findings.wrongType(referencePointer.appending("controller"), found: flag, expected: "a boolean")
                continue
            }
            controlled = controlled || isController
        }
        return controlled
    }

    /// Every name in `fsx-webhook/containers` must be a container or init container of
    /// some pod spec: a typo would otherwise leave the trainer without its data. A name
    /// needs to be in one pod spec only: an MPIJob's `launcher` container is in its
    /// Launcher replica alone, and each pod spec mounts into the named containers it has.
    static func checkContainerNames(_ names: [String]?, in pods: [PodSpecMutation], findings: inout WorkloadFindings) {
        guard let names, !pods.isEmpty else { return }
        // Sets beside the ordered lists: names and containers both come from the object, and
        // a scan per name makes a hostile 7 MiB Job quadratic.
        var regular: [String] = []
        var initial: [String] = []
        var regularSet: Set<String> = []
        var initialSet: Set<String> = []
        for container in pods.lazy.flatMap(\.containers) {
            let name = container.name
            if container.isInit {
                if initialSet.insert(name).inserted { initial.append(name) }
            } else if regularSet.insert(name).inserted {
                regular.append(name)
            }
        }
        let owner = pods.count == 1 ? "its pod template does not have" : "none of its pod templates has"
        let unknown = names.filter { !regularSet.contains($0) && !initialSet.contains($0) }
        for name in unknown.prefix(Violation.reportedPerList) {
            // Quoted: these names come from the object and have not been validated yet.
            var listing = "containers: \(Violation.quotedList(regular))"
            if !initial.isEmpty {
                listing += "; init containers: \(Violation.quotedList(initial))"
            }
            let fix =
                Suggestion.nearest(to: name, among: regular + initial).map { "did you mean \(Violation.quote($0))?" }
                ?? "use one of those names"
            findings.deny(
                .containerUnknown, WorkloadOptions.containersPointer,
                "\(findings.subject) names container \(Violation.quote(name)), which \(owner) (\(listing)); \(fix)"
            )
        }
        if unknown.count > Violation.reportedPerList {
            findings.deny(
                .containerUnknown, WorkloadOptions.containersPointer,
                "\(findings.subject) names \(unknown.count - Violation.reportedPerList) more containers, which \(owner); list only its containers"
            )
        }
    }

    /// `Job "namespace/name"`; a name still to be generated shows as its prefix and `*`.
    static func subject(of object: JSONView, kind: String) -> String {
        let metadata = object["metadata"]
        var name = metadata?["name"]?.string ?? ""
        if name.isEmpty, let prefix = metadata?["generateName"]?.string, !prefix.isEmpty { name = prefix + "*" }
        if name.isEmpty { name = "(unnamed)" }
        let namespace = metadata?["namespace"]?.string ?? ""
        return "\(kind) \(Violation.quote(namespace.isEmpty ? name : "\(namespace)/\(name)", limit: 120))"
    }
}
