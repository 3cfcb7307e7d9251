/// The FSx volumes and mounts one pod spec needs, and the operations that add what is
/// missing. Decides only from the pod spec's content, so a second run on its own output
/// finds everything in place and adds nothing.
struct PodSpecMutation {
    /// A container or init container, with what the mutation reads from it.
    struct Container {
        var name: String
        var pointer: JSONPointer
        var object: JSONObject
        var isInit: Bool
    }

    /// A volume the pod already has (or that this mutation adds).
    struct PodVolume {
        var name: String
        /// `persistentVolumeClaim.claimName`, when that is the source.
        var claimName: String?
        /// How messages describe the source: `emptyDir`, `persistentVolumeClaim "x"`.
        var source: String
        /// Where it is; `nil` for one this mutation adds.
        var pointer: JSONPointer?
    }

    /// A mount a container already has (or that this mutation adds).
    struct Mount {
        var volume: String
        var path: String
        var pointer: JSONPointer?
    }

    /// What this type reads of a pod spec: the containers' names and mounts, and the
    /// volumes. Keep in step with the reads below.
    static let reads = JSONSelection.members([
        ("initContainers", .array(.members(["name", "volumeMounts"]))),
        ("containers", .array(.members(["name", "volumeMounts"]))),
        ("volumes", .everything),
    ])

    let site: PodTemplateSite
    /// Init containers first, then containers, each in document order: the order mounts are
    /// added in, so patches are stable.
    private(set) var containers: [Container] = []

    /// Reads the containers; wrong types are reported to `findings` and those entries skipped.
    init(site: PodTemplateSite, findings: inout WorkloadFindings) {
        self.site = site
        readContainers("initContainers", isInit: true, required: false, findings: &findings)
        readContainers("containers", isInit: false, required: true, findings: &findings)
    }

    private mutating func readContainers(
        _ key: String, isInit: Bool, required: Bool, findings: inout WorkloadFindings
    ) {
        let pointer = site.pointer.appending(key)
        guard let value = site.podSpec[key].present else {
            if required { findings.missing(pointer, expected: "an array of containers") }
            return
        }
        guard case .array(let elements) = value else {
            findings.wrongType(pointer, found: value, expected: "an array of containers")
            return
        }
        for (index, element) in elements.enumerated() {
            let elementPointer = pointer.appending(index)
            guard case .object(let object) = element else {
                findings.wrongType(elementPointer, found: element, expected: "an object (a container)")
                continue
            }
            guard case .string(let name)? = object["name"] else {
                let namePointer = elementPointer.appending("name")
                if let found = object["name"] {
                    findings.wrongType(namePointer, found: found, expected: "a string")
                } else {
                    findings.missing(namePointer, expected: "a container name")
                }
                continue
            }
            containers.append(Container(name: name, pointer: elementPointer, object: object, isInit: isInit))
        }
    }

    /// The containers that get mounts: the named ones, or every regular container.
    func targets(named names: [String]?) -> [Container] {
        guard let names else { return containers.filter { !$0.isInit } }
        let wanted = Set(names)
        return containers.filter { wanted.contains($0.name) }
    }

    /// Adds the volumes, then the mounts, each only where missing. A pod spec with none of
    /// the named containers (an MPIJob's Launcher when only `worker` is named) gets no
    /// volumes: nothing in it would mount them, and an unused claim would still hold the
    /// pod until it binds.
    func addVolumesAndMounts(
        _ options: WorkloadOptions, builder: inout PatchBuilder, findings: inout WorkloadFindings
    ) {
        let targets = targets(named: options.containerNames)
        guard !targets.isEmpty else { return }
        guard let podNames = addVolumes(options.volumes, builder: &builder, findings: &findings) else { return }
        for container in targets {
            addMounts(options.volumes, podNames: podNames, to: container, builder: &builder, findings: &findings)
        }
    }

    /// Adds a volume per selected volume whose claim the pod does not mount yet, and returns
    /// the pod volume name each selected volume goes by (`nil` where it conflicts), or `nil`
    /// when the pod's volumes cannot be read.
    private func addVolumes(
        _ volumes: [WebhookConfiguration.Volume], builder: inout PatchBuilder, findings: inout WorkloadFindings
    ) -> [String?]? {
        let pointer = site.pointer.appending("volumes")
        guard var known = readVolumes(at: pointer, findings: &findings) else { return nil }
        var podNames: [String?] = []
        var added: [JSONValue] = []
        for volume in volumes {
            // The claim decides, not the name: a pod that already mounts the claim under its
            // own name keeps that name, and two configured volumes on one claim share it.
            if let existing = known.first(where: { $0.claimName == volume.claimName }) {
                podNames.append(existing.name)
                continue
            }
            if let clash = known.first(where: { $0.name == volume.name }) {
                findings.deny(
                    .volumeNameConflict, clash.pointer ?? pointer,
                    "\(findings.subject)\(siteSuffix) already has a volume named \(Violation.quote(volume.name)) (\(clash.source)), "
                        + "so FSx volume \(Violation.quote(volume.name)) (persistentVolumeClaim \(Violation.quote(volume.claimName))) "
                        + "cannot be added; rename that volume, or point it at claim \(Violation.quote(volume.claimName))"
                )
                podNames.append(nil)
                continue
            }
            added.append(Self.volumeJSON(volume))
            known.append(
                PodVolume(
                    name: volume.name, claimName: volume.claimName,
                    source: "persistentVolumeClaim \(Violation.quote(volume.claimName))", pointer: nil))
            podNames.append(volume.name)
        }
        builder.append(added, toArrayAt: pointer, current: site.podSpec["volumes"])
        return podNames
    }

    private func readVolumes(at pointer: JSONPointer, findings: inout WorkloadFindings) -> [PodVolume]? {
        guard let value = site.podSpec["volumes"].present else { return [] }
        guard case .array(let elements) = value else {
            findings.wrongType(pointer, found: value, expected: "an array of volumes")
            return nil
        }
        var volumes: [PodVolume] = []
        var readable = true
        volumes.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let elementPointer = pointer.appending(index)
            guard case .object(let object) = element else {
                findings.wrongType(elementPointer, found: element, expected: "an object (a volume)")
                readable = false
                continue
            }
            guard case .string(let name)? = object["name"] else {
                if let found = object["name"] {
                    findings.wrongType(elementPointer.appending("name"), found: found, expected: "a string")
                } else {
                    findings.missing(elementPointer.appending("name"), expected: "a volume name")
                }
                readable = false
                continue
            }
            var claimName: String?
            var source = "no source"
            if let claim = object["persistentVolumeClaim"].present {
                let claimPointer = elementPointer.appending("persistentVolumeClaim")
                guard case .object(let claimObject) = claim else {
                    findings.wrongType(claimPointer, found: claim, expected: "an object")
                    readable = false
                    continue
                }
                if let claimValue = claimObject["claimName"], claimValue.stringValue == nil {
                    findings.wrongType(claimPointer.appending("claimName"), found: claimValue, expected: "a string")
                    readable = false
                    continue
                }
                claimName = claimObject["claimName"]?.stringValue
                source = "persistentVolumeClaim \(Violation.quote(claimName ?? ""))"
            } else if let key = object.members.first(where: { $0.key != "name" })?.key {
                source = key
            }
            volumes.append(PodVolume(name: name, claimName: claimName, source: source, pointer: elementPointer))
        }
        // A volume list that cannot be read cannot be checked for conflicts: add nothing.
        return readable ? volumes : nil
    }

    /// Adds each selected volume's mount to `container` unless that exact mount is there.
    private func addMounts(
        _ volumes: [WebhookConfiguration.Volume], podNames: [String?], to container: Container,
        builder: inout PatchBuilder, findings: inout WorkloadFindings
    ) {
        let pointer = container.pointer.appending("volumeMounts")
        guard var mounts = readMounts(of: container, at: pointer, findings: &findings) else { return }
        var added: [JSONValue] = []
        for (volume, podName) in zip(volumes, podNames) {
            guard let podName else { continue }
            let path = Self.normalized(volume.mountPath)
            if mounts.contains(where: { $0.volume == podName && $0.path == path }) { continue }
            if let other = mounts.first(where: { $0.path == path }) {
                findings.deny(
                    .mountPathConflict, other.pointer ?? pointer,
                    "in \(findings.subject), \(describe(container)) already mounts volume \(Violation.quote(other.volume)) "
                        + "at \(Violation.quote(volume.mountPath)), where FSx volume \(Violation.quote(podName)) goes; "
                        + "move that mount, or leave \(Violation.quote(container.name)) out of \(WorkloadOptions.containersAnnotation)"
                )
                continue
            }
            added.append(Self.mountJSON(volume, podName: podName))
            mounts.append(Mount(volume: podName, path: path, pointer: nil))
        }
        builder.append(added, toArrayAt: pointer, current: container.object["volumeMounts"])
    }

    private func readMounts(
        of container: Container, at pointer: JSONPointer, findings: inout WorkloadFindings
    )
        -> [Mount]?
    {
        guard let value = container.object["volumeMounts"].present else { return [] }
        guard case .array(let elements) = value else {
            findings.wrongType(pointer, found: value, expected: "an array of volume mounts")
            return nil
        }
        var mounts: [Mount] = []
        var readable = true
        mounts.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let elementPointer = pointer.appending(index)
            guard case .object(let object) = element else {
                findings.wrongType(elementPointer, found: element, expected: "an object (a volume mount)")
                readable = false
                continue
            }
            var fields: [String] = []
            for key in ["name", "mountPath"] {
                if case .string(let text)? = object[key] {
                    fields.append(text)
                } else if let found = object[key] {
                    findings.wrongType(elementPointer.appending(key), found: found, expected: "a string")
                } else {
                    findings.missing(elementPointer.appending(key), expected: "a string")
                }
            }
            guard fields.count == 2 else {
                readable = false
                continue
            }
            mounts.append(Mount(volume: fields[0], path: Self.normalized(fields[1]), pointer: elementPointer))
        }
        return readable ? mounts : nil
    }

    /// ` (replica "Worker")` for kinds with several pod specs; empty for a Job.
    private var siteSuffix: String {
        site.label.map { " (\($0))" } ?? ""
    }

    func describe(_ container: Container) -> String {
        let noun = container.isInit ? "init container" : "container"
        let label = site.label.map { " of \($0)" } ?? ""
        return "\(noun) \(Violation.quote(container.name))\(label)"
    }

    /// `/data/` and `/data` are the same directory to the kubelet; compare without the
    /// trailing slash.
    static func normalized(_ path: String) -> String {
        var path = Substring(path)
        while path.count > 1, path.last == "/" { path.removeLast() }
        return String(path)
    }

    static func volumeJSON(_ volume: WebhookConfiguration.Volume) -> JSONValue {
        [
            "name": .string(volume.name),
            "persistentVolumeClaim": ["claimName": .string(volume.claimName)],
        ]
    }

    static func mountJSON(_ volume: WebhookConfiguration.Volume, podName: String) -> JSONValue {
        var mount = JSONObject()
        mount["name"] = .string(podName)
        mount["mountPath"] = .string(volume.mountPath)
        if volume.readOnly { mount["readOnly"] = true }
        return .object(mount)
    }
}
