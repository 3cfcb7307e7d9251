/// The violations found while mutating one workload, each message naming the workload.
struct WorkloadFindings {
    /// `Job "namespace/name"`, as every message names it.
    let subject: String
    private(set) var violations: [Violation] = []
    private(set) var hasDenials = false

    init(subject: String) { self.subject = subject }

    /// A refusal; the message starts with the field so it reads like the validators' lines.
    mutating func deny(_ rule: RuleID, _ field: JSONPointer, _ text: String) {
        let path = field.dotted
        violations.append(.deny(rule, path, "\(Self.printable(path)): \(text)"))
        hasDenials = true
    }

    /// Adds the violations found in `other`, in order.
    mutating func merge(_ other: WorkloadFindings) {
        violations += other.violations
        hasDenials = hasDenials || other.hasDenials
    }

    /// A soft problem. Each warning becomes a kubectl `Warning:` line, which should stay under
    /// 120 characters, and Kubernetes field paths alone can be longer: so `text` names the
    /// field in words and the dotted path is kept in `Violation.field` only.
    mutating func warn(_ rule: RuleID, _ field: JSONPointer, _ text: String) {
        violations.append(.warn(rule, field.dotted, text))
    }

    /// A field with the wrong JSON type. The apiserver would refuse such an object anyway;
    /// refusing it here, by name, beats guessing what it meant.
    /// `path` with control characters escaped: map keys in it come from the object, and a
    /// newline would split the one-line denial (or get a warning dropped by the apiserver).
    static func printable(_ path: String) -> String {
        guard path.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return path }
        return String(JSONWriter.quoted(path).dropFirst().dropLast())
    }

    mutating func wrongType(_ field: JSONPointer, found: JSONValue, expected: String) {
        deny(
            .invalidField, field,
            "\(subject) has a \(found.typeName) here, but it must be \(expected); fix the manifest")
    }

    mutating func missing(_ field: JSONPointer, expected: String) {
        deny(.invalidField, field, "\(subject) has nothing here, but it must have \(expected); fix the manifest")
    }
}

extension JSONValue {
    /// The value, unless it is JSON `null`: Kubernetes clients write `null` for an omitted
    /// field, and the apiserver treats both alike.
    @inline(__always) var presentValue: JSONValue? {
        // Spelt out: a bare `nil` here would be taken as `JSONValue.null`, the literal
        // JSONValue also accepts.
        isNull ? Optional.none : Optional.some(self)
    }
}

extension Optional where Wrapped == JSONValue {
    /// `nil` for a missing member and for an explicit `null`.
    @inline(__always) var present: JSONValue? { self?.presentValue }
}
