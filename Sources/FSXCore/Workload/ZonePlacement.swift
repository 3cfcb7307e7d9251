import FSXJSON

/// Keeps a workload's pods in the availability zone of its FSx volumes, so they do not pay
/// cross-AZ latency and transfer cost.
struct ZonePlacement {
    /// How one `nodeSelectorTerm` relates to the zone.
    enum TermFit: Equatable {
        /// Says nothing that rules the zone out; the zone requirement is ANDed into it.
        case open
        /// Already requires exactly this zone; left alone.
        case pinned
        /// Can never match a node in the zone (`In` without it, `NotIn` with it, ...).
        case excludes
        /// No expressions and no fields: matches no node at all, in Kubernetes.
        case empty
    }

    /// One `matchExpressions` entry whose key is `zoneLabel`: only those can pin or exclude
    /// the zone.
    struct Requirement {
        var op: String
        /// The `values`, an array of strings read in place; `nil` when there are none.
        var values: JSONView?

        func hasValues(_ expected: String) -> Bool { values?.elements.contains { $0.isString(expected) } ?? false }
        var isSingleValue: String? { values?.count == 1 ? values?[0]?.string : nil }
    }

    let zone: String
    /// `.required` or `.preferred`.
    let placement: WebhookConfiguration.Placement
    let zoneLabel: String
    /// The selected volumes, for messages.
    let volumes: [WebhookConfiguration.Volume]
    /// `zoneLabel In [zone]`, the requirement this webhook adds, as compact JSON: written once
    /// per workload, and the patch's values that hold it are written around it.
    let requirement: [UInt8]
    /// A node selector term of `requirement` alone.
    var zoneTerm: [UInt8] { Self.json(#"{"matchExpressions":["#, requirement, "]}") }

    init(
        zone: String, placement: WebhookConfiguration.Placement, zoneLabel: String,
        volumes: [WebhookConfiguration.Volume]
    ) {
        self.zone = zone
        self.placement = placement
        self.zoneLabel = zoneLabel
        self.volumes = volumes
        var out = ByteWriter(capacity: 48 + zoneLabel.utf8.count + zone.utf8.count)
        out.append(#"{"key":"#)
        JSONWriter.writeString(zoneLabel, into: &out)
        out.append(#","operator":"In","values":["#)
        JSONWriter.writeString(zone, into: &out)
        out.append("]}")
        requirement = out.bytes
    }

    /// `prefix`, `inner` and `suffix` joined: a value written around one already written.
    static func json(_ prefix: StaticString, _ inner: [UInt8], _ suffix: StaticString) -> [UInt8] {
        var out = ByteWriter(capacity: prefix.utf8CodeUnitCount + inner.count + suffix.utf8CodeUnitCount)
        out.append(prefix)
        inner.withUnsafeBytes { out.append($0) }
        out.append(suffix)
        return out.bytes
    }

    static let nodeAffinityKeys = ["affinity", "nodeAffinity"]
    static let requiredKeys = nodeAffinityKeys + ["requiredDuringSchedulingIgnoredDuringExecution"]
    static let preferredKeys = nodeAffinityKeys + ["preferredDuringSchedulingIgnoredDuringExecution"]
    static let termsKeys = ["nodeSelectorTerms"]
    static let termsPathKeys = requiredKeys + termsKeys
    // The same paths as pointers, escaped once.
    static let requiredPath = JSONPointer(requiredKeys)
    static let preferredPath = JSONPointer(preferredKeys)
    static let termsPath = JSONPointer(termsPathKeys)
    static let matchExpressionsEnd = JSONPointer(["matchExpressions", "-"])

    /// Decides the zone once for the whole workload, or `nil` when nothing is to be placed
    /// (placement `none`, no volumes, or a problem `findings` now reports).
    static func plan(
        _ options: WorkloadOptions, configuration: WebhookConfiguration, findings: inout WorkloadFindings
    ) -> ZonePlacement? {
        guard options.placement != .none, !options.volumes.isEmpty else { return nil }
        let origin = options.placementFromAnnotation ? "asks for" : "gets the configured"
        let field = options.placementFromAnnotation ? WorkloadOptions.placementPointer : WorkloadOptions.volumesPointer
        let undiscovered = options.volumes.filter { $0.zone == nil && $0.fileSystemId != nil }
        if !undiscovered.isEmpty {
            reportUnknownZones(undiscovered, options: options, findings: &findings)
            return nil
        }
        var zoneless = false
        for volume in options.volumes where volume.zone == nil {
            zoneless = true
            findings.deny(
                .volumeZoneMissing, field,
                "\(findings.subject) \(origin) placement \(options.placement.rawValue), but volume \(Violation.quote(volume.name)) "
                    + "has no zone in the fsx-webhook configuration; give the volume a zone (or a subnetId listed in zones), "
                    + "or set \(WorkloadOptions.placementAnnotation): none")
        }
        guard !zoneless, let first = options.volumes.first?.zone else { return nil }
        guard options.volumes.allSatisfy({ $0.zone == first }) else {
            let listing = options.volumes.map { "\($0.name): \($0.zone ?? "")" }.joined(separator: ", ")
            if options.placement == .required {
                findings.deny(
                    .zoneConflict, WorkloadOptions.volumesPointer,
                    "\(findings.subject) asks for volumes in different zones (\(listing)), but placement is required; "
                        + "ask for volumes from one zone, or set \(WorkloadOptions.placementAnnotation): preferred or none"
                )
            } else {
                findings.warn(
                    .zoneConflict, WorkloadOptions.volumesPointer,
                    "FSx volumes span zones (\(listing)); no zone preference added")
            }
            return nil
        }
        return ZonePlacement(
            zone: first, placement: options.placement, zoneLabel: configuration.zoneLabel, volumes: options.volumes)
    }

    /// Volumes whose zone AWS has not told (not asked yet, unreachable, or no such file
    /// system): `required` cannot place the pods, so the workload is refused until AWS
    /// answers; `preferred` lets it run anywhere, and says so.
    static func reportUnknownZones(
        _ volumes: [WebhookConfiguration.Volume], options: WorkloadOptions, findings: inout WorkloadFindings
    ) {
        let field = options.placementFromAnnotation ? WorkloadOptions.placementPointer : WorkloadOptions.volumesPointer
        let listing = volumes.map { "\($0.name) (\($0.fileSystemId ?? ""))" }.joined(separator: ", ")
        let why = options.awsReason ?? "AWS did not answer within the lookup budget"
        if options.placement == .required {
            findings.deny(
                .awsZoneUnknown, field,
                "\(findings.subject) needs placement required, but the zone of FSx volume \(listing) is unknown: \(why); "
                    + "retry in a moment, or set \(WorkloadOptions.placementAnnotation): preferred")
        } else {
            findings.warn(
                .awsZoneUnknown, field,
                "zone of FSx volume \(listing) unknown (\(why)); volumes added without zone placement")
        }
    }

    /// Adds the affinity `site` lacks, or reports why it cannot be placed.
    func apply(to site: PodTemplateSite, builder: inout PatchBuilder, findings: inout WorkloadFindings) {
        checkNodeSelector(of: site, findings: &findings)
        switch placement {
        case .required: addRequired(to: site, builder: &builder, findings: &findings)
        case .preferred: addPreferred(to: site, builder: &builder, findings: &findings)
        case .none: break
        }
    }

    // MARK: - nodeSelector

    private func checkNodeSelector(of site: PodTemplateSite, findings: inout WorkloadFindings) {
        guard let selector = site.podSpec["nodeSelector"].present else { return }
        let pointer = site.pointer.appending("nodeSelector")
        guard selector.isObject else {
            findings.wrongType(pointer, found: selector, expected: "an object of string values")
            return
        }
        guard let selected = selector[zoneLabel] else { return }
        let field = pointer.appending(zoneLabel)
        guard let other = selected.string else {
            findings.wrongType(field, found: selected, expected: "a string")
            return
        }
        guard other != zone else { return }
        if placement == .required {
            findings.deny(
                .nodeSelectorConflict, field,
                "\(findings.subject)\(suffix(site)) selects nodes in zone \(Violation.quote(other)), but its FSx volumes "
                    + "(\(volumes.map(\.name).joined(separator: ", "))) are in \(Violation.quote(zone)); set it to \(Violation.quote(zone)) or remove it"
            )
        } else {
            findings.warn(
                .nodeSelectorConflict, field,
                "nodeSelector\(suffix(site)) pins zone \(Violation.quote(other)), but the FSx volumes are in \(Violation.quote(zone))"
            )
        }
    }

    // MARK: - required

    private func addRequired(to site: PodTemplateSite, builder: inout PatchBuilder, findings: inout WorkloadFindings) {
        // Made only when added: a workload usually has its own terms, each extended instead.
        var newTerm: [UInt8] { zoneTerm }
        let required: JSONView
        switch builder.addMissing(
            Self.json(#"{"nodeSelectorTerms":["#, newTerm, "]}"), at: Self.requiredKeys, under: site.pointer,
            in: site.podSpec)
        {
        case .added: return
        case .blocked(let pointer, let found):
            findings.wrongType(pointer, found: found, expected: "an object")
            return
        case .present(let value): required = value
        }

        let termsPointer = site.pointer.appending(Self.termsPath)
        let terms: JSONView
        switch builder.addMissing(
            Self.json("[", newTerm, "]"), at: Self.termsKeys,
            under: site.pointer.appending(Self.requiredPath), in: required)
        {
        case .added: return
        case .blocked(let pointer, let found):
            findings.wrongType(pointer, found: found, expected: "an object")
            return
        case .present(let value):
            guard value.isArray else {
                findings.wrongType(termsPointer, found: value, expected: "an array of node selector terms")
                return
            }
            terms = value
        }
        guard terms.count > 0 else {
            // The apiserver refuses an empty list; with the zone term the pod has a valid one.
            builder.append([newTerm], toArrayAt: termsPointer, current: terms)
            return
        }

        guard let fits = self.fits(of: terms, at: termsPointer, findings: &findings) else { return }
        let excluded = fits.contains(.excludes) ? fits.indices.filter { fits[$0] == .excludes } : []
        guard fits.contains(where: { $0 == .open || $0 == .pinned }) else {
            findings.deny(
                .affinityConflict, termsPointer,
                "existing node affinity of \(findings.subject)\(suffix(site)) can never match zone \(Violation.quote(zone)) "
                    + "of its FSx volumes (\(Self.describe(excluded))); allow \(Violation.quote(zone)) in a term, "
                    + "or set \(WorkloadOptions.placementAnnotation): none")
            return
        }
        // ANDing into every term keeps the user's alternatives, each now within the zone.
        for (index, term) in terms.elements.enumerated() where fits[index] == .open {
            var appender = PatchBuilder.ArrayAppender(current: term["matchExpressions"])
            appender.add(
                requirement, end: { termsPointer.appending(index, then: Self.matchExpressionsEnd) }, to: &builder)
            appender.finish(array: { termsPointer.appending(index).appending("matchExpressions") }, to: &builder)
        }
        if !excluded.isEmpty {
            findings.warn(
                .affinityConflict, termsPointer,
                "node affinity \(Self.describe(excluded))\(suffix(site)) \(excluded.count == 1 ? "excludes" : "exclude") zone \(Violation.quote(zone)) of the FSx volumes; left unchanged"
            )
        }
    }

    /// `term 1`, `terms 0, 2`; with none excluding, every term is empty.
    private static func describe(_ indexes: [Int]) -> String {
        if indexes.isEmpty { return "no term matches any node" }
        if indexes.count == 1 { return "term \(indexes[0])" }
        return "terms " + indexes.map(String.init).joined(separator: ", ")
    }

    // MARK: - preferred

    private func addPreferred(to site: PodTemplateSite, builder: inout PatchBuilder, findings: inout WorkloadFindings) {
        let spec = site.podSpec
        // A required affinity that rules the zone out wins over any preference: say so.
        switch lookup(Self.termsPathKeys, under: site.pointer, in: spec, findings: &findings) {
        case .blocked: return
        case .missing: break
        case .found(let value):
            let termsPointer = site.pointer.appending(Self.termsPath)
            guard value.isArray else {
                findings.wrongType(termsPointer, found: value, expected: "an array of node selector terms")
                return
            }
            guard let fits = fits(of: value, at: termsPointer, findings: &findings) else { return }
            if !fits.isEmpty, !fits.contains(where: { $0 == .open || $0 == .pinned }) {
                findings.warn(
                    .affinityConflict, termsPointer,
                    "required node affinity\(suffix(site)) never matches zone \(Violation.quote(zone)) of the FSx volumes"
                )
            }
        }

        let item = Self.json(#"{"weight":100,"preference":{"matchExpressions":["#, requirement, "]}}")
        let listPointer = site.pointer.appending(Self.preferredPath)
        switch builder.addMissing(Self.json("[", item, "]"), at: Self.preferredKeys, under: site.pointer, in: spec) {
        case .added: return
        case .blocked(let pointer, let found):
            findings.wrongType(pointer, found: found, expected: "an object")
        case .present(let value):
            guard value.isArray else {
                findings.wrongType(listPointer, found: value, expected: "an array of preferred scheduling terms")
                return
            }
            var present = false
            var readable = true
            for (index, item) in value.elements.enumerated() {
                switch preferenceFits(item, at: listPointer.appending(index), findings: &findings) {
                case .some(true): present = true
                case .some(false): break
                case .none: readable = false
                }
            }
            if readable, !present { builder.append([item], toArrayAt: listPointer, current: value) }
        }
    }

    /// Whether a preferred scheduling term already carries `zoneLabel In [zone]`; `nil` when
    /// it cannot be read (reported).
    private func preferenceFits(_ item: JSONView, at pointer: JSONPointer, findings: inout WorkloadFindings) -> Bool? {
        guard item.isObject else {
            findings.wrongType(pointer, found: item, expected: "an object (a preferred scheduling term)")
            return nil
        }
        guard let preference = item["preference"].present else { return false }
        let preferencePointer = pointer.appending("preference")
        guard preference.isObject else {
            findings.wrongType(preferencePointer, found: preference, expected: "an object (a node selector term)")
            return nil
        }
        guard let requirements = requirements(of: preference, at: { preferencePointer }, findings: &findings) else {
            return nil
        }
        return requirements.pinned
    }

    // MARK: - terms

    private enum Lookup {
        case missing
        case found(JSONView)
        case blocked
    }

    /// Reads the member at `keys` without adding anything; a non-object on the way is reported.
    private func lookup(
        _ keys: [String], under base: JSONPointer, in document: JSONView, findings: inout WorkloadFindings
    )
        -> Lookup
    {
        var current = document
        var pointer = base
        for key in keys {
            guard current.isObject else {
                findings.wrongType(pointer, found: current, expected: "an object")
                return .blocked
            }
            pointer = pointer.appending(key)
            guard let next = current[key].present else { return .missing }
            current = next
        }
        return .found(current)
    }

    /// How each term relates to the zone; `nil` when any cannot be read (reported).
    func fits(of terms: JSONView, at pointer: JSONPointer, findings: inout WorkloadFindings) -> [TermFit]? {
        var fits: [TermFit] = []
        fits.reserveCapacity(terms.count)
        var readable = true
        for (index, term) in terms.elements.enumerated() {
            if let fit = fit(of: term, at: { pointer.appending(index) }, findings: &findings) {
                fits.append(fit)
            } else {
                readable = false
            }
        }
        return readable ? fits : nil
    }

    /// How `term`, which is at `pointer` (made only for a report), relates to the zone.
    func fit(of term: JSONView, at pointer: () -> JSONPointer, findings: inout WorkloadFindings) -> TermFit? {
        guard term.isObject else {
            findings.wrongType(pointer(), found: term, expected: "an object (a node selector term)")
            return nil
        }
        guard let requirements = requirements(of: term, at: pointer, findings: &findings) else { return nil }
        var hasFields = false
        if let fields = term["matchFields"].present {
            guard fields.isArray else {
                findings.wrongType(pointer().appending("matchFields"), found: fields, expected: "an array")
                return nil
            }
            hasFields = fields.count > 0
        }
        if requirements.isEmpty && !hasFields { return .empty }
        if requirements.excludes { return .excludes }
        if requirements.pinned { return .pinned }
        return .open
    }

    /// The `matchExpressions` of a node selector term; `nil` when malformed (reported).
    /// What the `matchExpressions` of a node selector term say about the zone.
    struct Requirements {
        /// There are none.
        var isEmpty = true
        /// One of them excludes the zone.
        var excludes = false
        /// One of them pins the zone.
        var pinned = false
    }

    /// The `matchExpressions` of a node selector term at `pointer` (made only for a report);
    /// `nil` when malformed (reported).
    private func requirements(
        of term: JSONView, at pointer: () -> JSONPointer, findings: inout WorkloadFindings
    )
        -> Requirements?
    {
        var summary = Requirements()
        guard let value = term["matchExpressions"].present else { return summary }
        guard value.isArray else {
            findings.wrongType(
                pointer().appending("matchExpressions"), found: value,
                expected: "an array of node selector requirements")
            return nil
        }
        var readable = true
        for (index, expression) in value.elements.enumerated() {
            func expressionPointer() -> JSONPointer { pointer().appending("matchExpressions").appending(index) }
            guard expression.isObject else {
                findings.wrongType(
                    expressionPointer(), found: expression, expected: "an object (a node selector requirement)")
                readable = false
                continue
            }
            let key = findings.stringView("key", of: expression, at: expressionPointer)
            let op = findings.stringView("operator", of: expression, at: expressionPointer)
            var values: JSONView?
            if let list = expression["values"].present {
                if list.isArray, list.elements.allSatisfy(\.isString) {
                    values = list
                } else {
                    findings.wrongType(
                        expressionPointer().appending("values"), found: list, expected: "an array of strings")
                    readable = false
                }
            }
            guard let key, let op else {
                readable = false
                continue
            }
            summary.isEmpty = false
            // The key compared in place: most requirements are about other labels.
            guard key.hasText(zoneLabel) else { continue }
            let requirement = Requirement(op: op.string!, values: values)
            summary.excludes = summary.excludes || excludesZone(requirement)
            summary.pinned = summary.pinned || isPin(requirement)
        }
        return readable ? summary : nil
    }

    /// `zoneLabel In [zone]` exactly: what this webhook adds, and what makes a term pinned.
    private func isPin(_ requirement: Requirement) -> Bool {
        requirement.op == "In" && requirement.isSingleValue == zone
    }

    /// Whether no node in the zone can satisfy `requirement`, following the Kubernetes
    /// node-selector semantics.
    private func excludesZone(_ requirement: Requirement) -> Bool {
        switch requirement.op {
        case "In": return !requirement.hasValues(zone)
        case "NotIn": return requirement.hasValues(zone)
        case "DoesNotExist": return true
        case "Gt", "Lt":
            // The label value is compared as an integer; a zone name never parses as one, so
            // the requirement can match no node in the zone.
            guard let value = Int(zone), let single = requirement.isSingleValue, let bound = Int(single) else {
                return true
            }
            return requirement.op == "Gt" ? !(value > bound) : !(value < bound)
        default: return false
        }
    }

    private func suffix(_ site: PodTemplateSite) -> String {
        site.label.map { " (\($0))" } ?? ""
    }
}
