import FSXJSON

/// The violations found while mutating one workload, each message naming the workload.
struct WorkloadFindings {
    /// The workload's subject, made on first use: a workload with nothing to report never
    /// needs it.
    final class Subject {
        let object: JSONView
        let kind: String
        private(set) lazy var text = WorkloadMutator.subject(of: object, kind: kind)

        init(object: JSONView, kind: String) {
            self.object = object
            self.kind = kind
        }
    }

    private let subjectSource: Subject
    /// `Job "namespace/name"`, as every message names it.
    var subject: String { subjectSource.text }
    private(set) var violations: [Violation] = []
    private(set) var hasDenials = false

    /// Findings about `object`, a workload of `kind`.
    init(object: JSONView, kind: String) { subjectSource = Subject(object: object, kind: kind) }

    /// Findings about the same workload as `other`, starting with none.
    init(about other: WorkloadFindings) { subjectSource = other.subjectSource }

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

    mutating func wrongType(_ field: JSONPointer, found: JSONView, expected: String) {
        deny(
            .invalidField, field,
            "\(subject) has a \(found.typeName) here, but it must be \(expected); fix the manifest")
    }

    mutating func missing(_ field: JSONPointer, expected: String) {
        deny(.invalidField, field, "\(subject) has nothing here, but it must have \(expected); fix the manifest")
    }

    /// The string member `key` of `object`, which is at `pointer`; `nil` when it is missing or
    /// not a string (reported; `null` counts as the wrong type). `pointer` is made only for a
    /// report.
    mutating func string(_ key: String, of object: JSONView, at pointer: () -> JSONPointer) -> String? {
        stringView(key, of: object, at: pointer)?.string
    }

    /// `string(_:of:at:)`, the string read in place: for values only compared.
    mutating func stringView(_ key: String, of object: JSONView, at pointer: () -> JSONPointer) -> JSONView? {
        guard let found = object[key] else {
            missing(pointer().appending(key), expected: "a string")
            return nil
        }
        guard found.isString else {
            wrongType(pointer().appending(key), found: found, expected: "a string")
            return nil
        }
        return found
    }
}

extension JSONView {
    /// Whether this is a string whose text equals `text` as Swift compares strings (by
    /// canonical equivalence), after trimming trailing `/` as `PodSpecMutation.normalized`
    /// does when `asPath`. Compared in place when both are ASCII without escapes, where equal
    /// text is equal bytes (a non-ASCII character can equal an ASCII one: U+212A is K);
    /// otherwise through the string.
    func hasText(_ text: String, asPath: Bool = false) -> Bool {
        guard isString else { return false }
        let raw = rawBytes
        var text = text
        let compared: Bool? = text.withUTF8 { utf8 in
            for byte in raw where byte >= 0x80 || byte == UInt8(ascii: "\\") { return nil }
            for byte in utf8 where byte >= 0x80 { return nil }
            var end = raw.count
            // In ASCII only `\r\n` is a character of two bytes, and neither is `/`: trimming
            // bytes is trimming characters.
            if asPath { while end > 1, raw[end - 1] == UInt8(ascii: "/") { end -= 1 } }
            guard end == utf8.count else { return false }
            for index in 0..<end where raw[index] != utf8[index] { return false }
            return true
        }
        if let compared { return compared }
        let string = self.string!
        return (asPath ? PodSpecMutation.normalized(string) : string) == text
    }
}

extension Optional where Wrapped == JSONView {
    /// `nil` for a missing member and for an explicit `null`.
    @inline(__always) var present: JSONView? {
        guard let view = self, !view.isNull else { return nil }
        return view
    }
}
