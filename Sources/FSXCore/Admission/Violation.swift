/// The identifier of a rule, as listed in docs/rules.md (`subnet-required`,
/// `throughput-scratch`, ...) or defined by the mutation (`volume-unknown`, ...).
public struct RuleID: RawRepresentable, Hashable, Sendable, Comparable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (a: RuleID, b: RuleID) -> Bool { a.rawValue < b.rawValue }
}

/// One problem found in an object: which rule, where, how bad, and a message a person can
/// act on (what, where, why and the fix, in one line).
///
/// Tests compare `rule`, `field` and `severity`; `message` is for people.
public struct Violation: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable, CaseIterable {
        /// The object is refused.
        case deny
        /// The object is allowed; the message becomes an admission warning.
        case warn
    }

    public var rule: RuleID
    public var severity: Severity
    /// Where, as a dotted field path (`parameters.subnetId`, `spec.csi.volumeHandle`).
    public var field: String
    /// The whole line shown to the user, starting with the field.
    public var message: String
    /// A denial that `validation.enforcement: warn` reported as a warning: `severity` is
    /// `warn` and the message starts with "would deny: ".
    public var wouldDeny = false

    init(rule: RuleID, severity: Severity, field: String, message: String) {
        self.rule = rule
        self.severity = severity
        self.field = field
        self.message = message
    }

    package static func deny(_ rule: RuleID, _ field: String, _ message: String) -> Violation {
        Violation(rule: rule, severity: .deny, field: field, message: message)
    }

    package static func warn(_ rule: RuleID, _ field: String, _ message: String) -> Violation {
        Violation(rule: rule, severity: .warn, field: field, message: message)
    }
}

extension Violation {
    /// How many items of one list (unknown names, unknown options) get a violation each;
    /// the rest are counted in one more. Hostile objects carry lists of hundreds of
    /// thousands, and one line each would cost a suggestion search per item and a response
    /// of tens of MiB, while the apiserver shows only the first 4 KiB of warnings anyway.
    static let reportedPerList = 10

    /// Values quoted and joined with ", ", the first `limit` only, then how many more.
    static func quotedList(_ values: [String], limit: Int = 20) -> String {
        var text = values.prefix(limit).map { quote($0) }.joined(separator: ", ")
        if values.count > limit { text += ", and \(values.count - limit) more" }
        return text
    }

    /// A user-supplied value quoted for a message: JSON-escaped (so no control character or
    /// newline reaches a warning, which the apiserver would drop) and shortened when long.
    public static func quote(_ value: String, limit: Int = 48) -> String {
        // Every character is at least one byte: a value of `limit` bytes or fewer is short
        // enough without counting its characters (grapheme breaking).
        if value.utf8.count <= limit || value.count <= limit { return JSONWriter.quoted(value) }
        return JSONWriter.quoted(String(value.prefix(limit - 1)) + "…")
    }
}
