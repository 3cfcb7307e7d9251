import FSXJSON

/// Where a workload kind keeps a pod spec, as a path from the object's root that may fan out
/// over arrays and maps (JobSet's `replicatedJobs`, Kubeflow's replica specs).
package struct PodTemplateLocation: Sendable, Hashable {
    /// One step from the object's root towards the pod spec.
    package enum Step: Sendable, Hashable {
        /// The member with this key.
        case key(String)
        /// Every element of an array.
        case eachElement
        /// Every member of an object, such as replica specs keyed by replica type.
        case eachMember
    }

    /// How messages name one pod spec found here.
    package enum Label: Sendable, Hashable {
        /// The kind has one pod spec; the field path says enough.
        case none
        /// A fixed name, such as `head group`.
        case fixed(String)
        /// The last wildcard's match, after `noun`: the member's key (`replica "Worker"`), or,
        /// with `nameKey`, that member of the matched element (`worker group "gpu"`).
        case wildcard(noun: String, nameKey: String?)
    }

    /// The path from the object's root to the pod spec.
    package var steps: [Step] {
        didSet { leadingPointers = Self.leadingPointers(of: steps) }
    }
    /// The pointer after each of the leading `.key` steps, made once: every review that
    /// walks this location would otherwise make them again.
    private(set) var leadingPointers: [JSONPointer]
    /// Whether an object without this pod spec is malformed (a Job's template) rather than
    /// just not using it (a RayCluster without worker groups).
    var isRequired: Bool
    /// How messages tell the pod specs found here apart.
    var label: Label

    /// A location; by default required and unlabelled, as a Job's single template is.
    package init(steps: [Step], isRequired: Bool = true, label: Label = .none) {
        self.steps = steps
        self.isRequired = isRequired
        self.label = label
        leadingPointers = Self.leadingPointers(of: steps)
    }

    private static func leadingPointers(of steps: [Step]) -> [JSONPointer] {
        var pointers: [JSONPointer] = []
        var pointer = JSONPointer.root
        for step in steps {
            guard case .key(let key) = step else { break }
            pointer = pointer.appending(key)
            pointers.append(pointer)
        }
        return pointers
    }
}

extension PodTemplateLocation {
    /// The pod specs at this location in `object`, in document order. A value of the wrong
    /// type on the way, or a missing required one, is reported to `findings`.
    func sites(in object: JSONView, findings: inout WorkloadFindings) -> [PodTemplateSite] {
        var sites: [PodTemplateSite] = []
        walk(
            object, step: 0, pointer: .root, label: labelText(token: nil, element: nil), into: &sites,
            findings: &findings)
        return sites
    }

    private func walk(
        _ value: JSONView, step: Int, pointer: JSONPointer, label: String?,
        into sites: inout [PodTemplateSite], findings: inout WorkloadFindings
    ) {
        guard step < steps.count else {
            guard value.isObject else {
                findings.wrongType(pointer, found: value, expected: "an object (a pod spec)")
                return
            }
            sites.append(PodTemplateSite(pointer: pointer, podSpec: value, label: label))
            return
        }
        switch steps[step] {
        case .key(let key):
            guard value.isObject else {
                findings.wrongType(pointer, found: value, expected: "an object")
                return
            }
            let next = step < leadingPointers.count ? leadingPointers[step] : pointer.appending(key)
            guard let child = value[key].present else {
                if isRequired { findings.missing(next, expected: "a pod template") }
                return
            }
            walk(child, step: step + 1, pointer: next, label: label, into: &sites, findings: &findings)
        case .eachElement:
            guard value.isArray else {
                findings.wrongType(pointer, found: value, expected: "an array")
                return
            }
            for (index, element) in value.elements.enumerated() {
                walk(
                    element, step: step + 1, pointer: pointer.appending(index),
                    label: labelText(token: String(index), element: element), into: &sites, findings: &findings)
            }
        case .eachMember:
            guard value.isObject else {
                findings.wrongType(pointer, found: value, expected: "an object")
                return
            }
            for (keyView, member) in value.members {
                let key = keyView.string!
                walk(
                    member, step: step + 1, pointer: pointer.appending(key),
                    label: labelText(token: key, element: member), into: &sites, findings: &findings)
            }
        }
    }

    private func labelText(token: String?, element: JSONView?) -> String? {
        switch label {
        case .none:
            return nil
        case .fixed(let text):
            return text
        case .wildcard(let noun, let nameKey):
            guard let token else { return nil }
            // A named element reads better than its index; fall back to the index when the
            // name is missing, since the field path in the message still locates it.
            let name = nameKey.flatMap { element?[$0]?.string } ?? token
            return "\(noun) \(Violation.quote(name))"
        }
    }
}
