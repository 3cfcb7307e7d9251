import FSXJSON

/// The FSx volumes and mounts one pod spec needs, and the operations that add what is
/// missing. Decides only from the pod spec's content, so a second run on its own output
/// finds everything in place and adds nothing.
struct PodSpecMutation {
    /// A container or init container, with what the mutation reads from it.
    struct Container {
        /// The `name` string, read in place: its text is made only for a message or a lookup
        /// by name.
        var nameView: JSONView
        var name: String { nameView.string! }
        /// The `containers` or `initContainers` list it is in, and its index there: the
        /// pointer is made only for the containers that get an operation or a message.
        var list: JSONPointer
        var index: Int
        var object: JSONView
        var isInit: Bool

        var pointer: JSONPointer { list.appending(index) }
    }

    /// A volume the pod already has (or that this mutation adds).
    struct PodVolume {
        var name: String
        /// `persistentVolumeClaim.claimName`, when that is the source.
        var claimName: String?
        /// What the source is, for messages.
        var source: Source
        /// Its index in `volumes`; `nil` for one this mutation adds.
        var index: Int?
    }

    /// A volume's source as messages describe it; spelt out only for a message.
    enum Source {
        /// No member besides `name`.
        case none
        /// The first member besides `name` (`emptyDir`).
        case member(String)
        /// `persistentVolumeClaim` with this claim name.
        case claim(String)

        var description: String {
            switch self {
            case .none: return "no source"
            case .member(let key): return key
            case .claim(let claimName): return "persistentVolumeClaim \(Violation.quote(claimName))"
            }
        }
    }

    /// A mount a container already has, or one this mutation adds.
    enum Mount {
        /// The mount at `index` in `volumeMounts`, its `name` and `mountPath` strings read in
        /// place: they are only compared.
        case existing(name: JSONView, path: JSONView, index: Int)
        /// The wanted mount at this index.
        case added(Int)
    }

    let site: PodTemplateSite
    /// Init containers first, then containers, each in document order: the order mounts are
    /// added in, so patches are stable.
    private(set) var containers: [Container] = []

    /// Reads the containers; wrong types are reported to `findings` and those entries skipped.
    init(site: PodTemplateSite, findings: inout WorkloadFindings) {
        self.site = site
        let initial = site.podSpec["initContainers"]
        let regular = site.podSpec["containers"]
        containers.reserveCapacity(
            (initial?.isArray == true ? initial!.count : 0) + (regular?.isArray == true ? regular!.count : 0))
        readContainers(Self.initContainersKey, initial, isInit: true, required: false, findings: &findings)
        readContainers(Self.containersKey, regular, isInit: false, required: true, findings: &findings)
    }

    /// Reads the containers in `member`, the pod spec's member `key`.
    private mutating func readContainers(
        _ key: JSONPointer, _ member: JSONView?, isInit: Bool, required: Bool, findings: inout WorkloadFindings
    ) {
        let pointer = site.pointer.appending(key)
        guard let list = member.present else {
            if required { findings.missing(pointer, expected: "an array of containers") }
            return
        }
        guard list.isArray else {
            findings.wrongType(pointer, found: list, expected: "an array of containers")
            return
        }
        for (index, element) in list.elements.enumerated() {
            guard element.isObject else {
                findings.wrongType(pointer.appending(index), found: element, expected: "an object (a container)")
                continue
            }
            let nameValue = element["name"]
            guard let nameView = nameValue, nameView.isString else {
                let namePointer = pointer.appending(index).appending("name")
                if let found = nameValue {
                    findings.wrongType(namePointer, found: found, expected: "a string")
                } else {
                    findings.missing(namePointer, expected: "a container name")
                }
                continue
            }
            containers.append(
                Container(nameView: nameView, list: pointer, index: index, object: element, isInit: isInit))
        }
    }

    /// The ends of the arrays this mutation appends to, below a pod spec and a container.
    static let volumesEnd = JSONPointer(["volumes", "-"])
    static let volumeMountsEnd = JSONPointer(["volumeMounts", "-"])
    /// The container lists, below a pod spec.
    static let initContainersKey = JSONPointer(["initContainers"])
    static let containersKey = JSONPointer(["containers"])

    /// Which containers get mounts: the named ones, or every regular container.
    enum Targets {
        case regular
        case named(Set<String>)

        init(_ names: [String]?) { self = names.map { .named(Set($0)) } ?? .regular }

        func contains(_ container: Container) -> Bool {
            switch self {
            case .regular: return !container.isInit
            case .named(let names): return names.contains(container.name)
            }
        }
    }

    /// One mount this mutation adds to every target container that lacks it: made once per
    /// pod spec, not per container.
    struct WantedMount {
        var podName: String
        /// The configured mount path, for messages.
        var mountPath: String
        /// `mountPath` as mounts are compared.
        var path: String
        /// The mount's compact JSON, as every container that lacks it gets it.
        var value: [UInt8]
    }

    /// Adds the volumes, then the mounts, each only where missing. A pod spec with none of
    /// the named containers (an MPIJob's Launcher when only `worker` is named) gets no
    /// volumes: nothing in it would mount them, and an unused claim would still hold the
    /// pod until it binds.
    func addVolumesAndMounts(
        _ options: WorkloadOptions, builder: inout PatchBuilder, findings: inout WorkloadFindings
    ) {
        let targets = Targets(options.containerNames)
        guard containers.contains(where: { targets.contains($0) }) else { return }
        guard let podNames = addVolumes(options.volumes, builder: &builder, findings: &findings) else { return }
        var wanted: [WantedMount] = []
        wanted.reserveCapacity(podNames.count)
        for (volume, podName) in zip(options.volumes, podNames) {
            guard let podName else { continue }
            wanted.append(
                WantedMount(
                    podName: podName, mountPath: volume.mountPath, path: Self.normalized(volume.mountPath),
                    value: Self.mountJSON(volume, podName: podName)))
        }
        // One list of mounts for every container, emptied for each: one allocation per pod spec.
        var mounts: [Mount] = []
        for container in containers where targets.contains(container) {
            addMounts(wanted, to: container, mounts: &mounts, builder: &builder, findings: &findings)
        }
    }

    /// Adds a volume per selected volume whose claim the pod does not mount yet, and returns
    /// the pod volume name each selected volume goes by (`nil` where it conflicts), or `nil`
    /// when the pod's volumes cannot be read.
    private func addVolumes(
        _ volumes: [WebhookConfiguration.Volume], builder: inout PatchBuilder, findings: inout WorkloadFindings
    ) -> [String?]? {
        func pointer() -> JSONPointer { site.pointer.appending("volumes") }
        let current = site.podSpec["volumes"]
        guard var known = readVolumes(current, at: pointer, adding: volumes.count, findings: &findings) else {
            return nil
        }
        var podNames: [String?] = []
        podNames.reserveCapacity(volumes.count)
        var appender = PatchBuilder.ArrayAppender(current: current)
        for volume in volumes {
            // The claim decides, not the name: a pod that already mounts the claim under its
            // own name keeps that name, and two configured volumes on one claim share it.
            if let existing = known.first(where: { $0.claimName == volume.claimName }) {
                podNames.append(existing.name)
                continue
            }
            if let clash = known.first(where: { $0.name == volume.name }) {
                findings.deny(
                    .volumeNameConflict, clash.index.map { pointer().appending($0) } ?? pointer(),
                    "\(findings.subject)\(siteSuffix) already has a volume named \(Violation.quote(volume.name)) (\(clash.source.description)), "
                        + "so FSx volume \(Violation.quote(volume.name)) (persistentVolumeClaim \(Violation.quote(volume.claimName))) "
                        + "cannot be added; rename that volume, or point it at claim \(Violation.quote(volume.claimName))"
                )
                podNames.append(nil)
                continue
            }
            appender.add(
                Self.volumeJSON(volume), end: { site.pointer.appending(Self.volumesEnd) }, to: &builder)
            known.append(
                PodVolume(name: volume.name, claimName: volume.claimName, source: .claim(volume.claimName), index: nil))
            podNames.append(volume.name)
        }
        appender.finish(array: pointer, to: &builder)
        return podNames
    }

    /// The volumes in `member` (the pod spec's `volumes`), with room for `extra` more.
    private func readVolumes(
        _ member: JSONView?, at pointer: () -> JSONPointer, adding extra: Int, findings: inout WorkloadFindings
    ) -> [PodVolume]? {
        guard let list = member.present else { return [] }
        guard list.isArray else {
            findings.wrongType(pointer(), found: list, expected: "an array of volumes")
            return nil
        }
        var volumes: [PodVolume] = []
        var readable = true
        volumes.reserveCapacity(list.count + extra)
        for (index, element) in list.elements.enumerated() {
            guard element.isObject else {
                findings.wrongType(pointer().appending(index), found: element, expected: "an object (a volume)")
                readable = false
                continue
            }
            let nameValue = element["name"]
            guard let name = nameValue?.string else {
                if let found = nameValue {
                    findings.wrongType(pointer().appending(index).appending("name"), found: found, expected: "a string")
                } else {
                    findings.missing(pointer().appending(index).appending("name"), expected: "a volume name")
                }
                readable = false
                continue
            }
            var claimName: String?
            var source = Source.none
            if let claim = element["persistentVolumeClaim"].present {
                guard claim.isObject else {
                    findings.wrongType(
                        pointer().appending(index).appending("persistentVolumeClaim"), found: claim,
                        expected: "an object"
                    )
                    readable = false
                    continue
                }
                let claimValue = claim["claimName"]
                if let claimValue, !claimValue.isString {
                    findings.wrongType(
                        pointer().appending(index).appending("persistentVolumeClaim").appending("claimName"),
                        found: claimValue, expected: "a string")
                    readable = false
                    continue
                }
                claimName = claimValue?.string
                source = .claim(claimName ?? "")
            } else {
                for (key, _) in element.members where !key.isString("name") {
                    source = .member(key.string!)
                    break
                }
            }
            volumes.append(PodVolume(name: name, claimName: claimName, source: source, index: index))
        }
        // A volume list that cannot be read cannot be checked for conflicts: add nothing.
        return readable ? volumes : nil
    }

    /// Adds each selected volume's mount to `container` unless that exact mount is there.
    private func addMounts(
        _ wanted: [WantedMount], to container: Container, mounts: inout [Mount], builder: inout PatchBuilder,
        findings: inout WorkloadFindings
    ) {
        func pointer() -> JSONPointer { container.pointer.appending("volumeMounts") }
        let current = container.object["volumeMounts"]
        guard readMounts(current, into: &mounts, at: pointer, adding: wanted.count, findings: &findings) else { return }
        var appender = PatchBuilder.ArrayAppender(current: current)
        // By index, not `for mount in wanted`: a copy of each mount costs four retains and
        // releases, per container.
        for index in wanted.indices {
            func samePath(_ mount: Mount) -> Bool {
                switch mount {
                case .existing(_, let path, _): return path.hasText(wanted[index].path, asPath: true)
                case .added(let other): return wanted[other].path == wanted[index].path
                }
            }
            func sameVolume(_ mount: Mount) -> Bool {
                switch mount {
                case .existing(let name, _, _): return name.hasText(wanted[index].podName)
                case .added(let other): return wanted[other].podName == wanted[index].podName
                }
            }
            // One pass, each path compared once: the same mount there already, or else the
            // first other mount at its path.
            var present = false
            var clash: Mount?
            for mount in mounts where samePath(mount) {
                if sameVolume(mount) {
                    present = true
                    break
                }
                if clash == nil { clash = mount }
            }
            if present { continue }
            if let other = clash {
                let mount = wanted[index]
                let (volume, field) =
                    switch other {
                    case .existing(let name, _, let at): (name.string!, pointer().appending(at))
                    case .added(let at): (wanted[at].podName, pointer())
                    }
                findings.deny(
                    .mountPathConflict, field,
                    "in \(findings.subject), \(describe(container)) already mounts volume \(Violation.quote(volume)) "
                        + "at \(Violation.quote(mount.mountPath)), where FSx volume \(Violation.quote(mount.podName)) goes; "
                        + "move that mount, or leave \(Violation.quote(container.name)) out of \(WorkloadOptions.containersAnnotation)"
                )
                continue
            }
            appender.add(
                wanted[index].value, end: { container.list.appending(container.index, then: Self.volumeMountsEnd) },
                to: &builder)
            mounts.append(.added(index))
        }
        appender.finish(array: pointer, to: &builder)
    }

    /// Replaces `mounts` with the mounts in `member` (a container's `volumeMounts`), with room
    /// for `extra` more; false when they cannot all be read.
    private func readMounts(
        _ member: JSONView?, into mounts: inout [Mount], at pointer: () -> JSONPointer, adding extra: Int,
        findings: inout WorkloadFindings
    ) -> Bool {
        mounts.removeAll(keepingCapacity: true)
        guard let list = member.present else { return true }
        guard list.isArray else {
            findings.wrongType(pointer(), found: list, expected: "an array of volume mounts")
            return false
        }
        var readable = true
        mounts.reserveCapacity(list.count + extra)
        for (index, element) in list.elements.enumerated() {
            guard element.isObject else {
                findings.wrongType(pointer().appending(index), found: element, expected: "an object (a volume mount)")
                readable = false
                continue
            }
            let name = findings.stringView("name", of: element) { pointer().appending(index) }
            let mountPath = findings.stringView("mountPath", of: element) { pointer().appending(index) }
            guard let name, let mountPath else {
                readable = false
                continue
            }
            mounts.append(.existing(name: name, path: mountPath, index: index))
        }
        return readable
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
        // A path whose last byte is not `/` cannot end in the character `/`: unchanged.
        guard path.utf8.last == UInt8(ascii: "/") else { return path }
        var path = Substring(path)
        while path.count > 1, path.last == "/" { path.removeLast() }
        return String(path)
    }

    // Written as the patch sends them, once per volume, not built as values to be written.
    static func volumeJSON(_ volume: WebhookConfiguration.Volume) -> [UInt8] {
        var out = ByteWriter(capacity: 56 + volume.name.utf8.count + volume.claimName.utf8.count)
        out.append(#"{"name":"#)
        JSONWriter.writeString(volume.name, into: &out)
        out.append(#","persistentVolumeClaim":{"claimName":"#)
        JSONWriter.writeString(volume.claimName, into: &out)
        out.append("}}")
        return out.bytes
    }

    static func mountJSON(_ volume: WebhookConfiguration.Volume, podName: String) -> [UInt8] {
        var out = ByteWriter(capacity: 48 + podName.utf8.count + volume.mountPath.utf8.count)
        out.append(#"{"name":"#)
        JSONWriter.writeString(podName, into: &out)
        out.append(#","mountPath":"#)
        JSONWriter.writeString(volume.mountPath, into: &out)
        out.append(volume.readOnly ? #","readOnly":true}"# : "}")
        return out.bytes
    }
}
