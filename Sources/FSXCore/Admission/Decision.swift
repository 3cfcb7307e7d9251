/// The verdict on one object: the named outcome the server and the CLI both report.
///
/// Built by `AdmissionEngine.decide`; turned into an AdmissionReview response by
/// `AdmissionResponse`, and into text or JSON by the CLI.
public struct Decision: Sendable, Equatable {
    /// The named outcomes (controller-runtime's Allowed / Denied / Patched).
    public enum Outcome: String, Sendable {
        case allowed
        case allowedWithWarnings = "allowed-with-warnings"
        case patched
        case denied
    }

    /// Problems that refuse the object; empty when allowed.
    public var denials: [Violation]
    /// Soft problems, reported as admission warnings.
    public var warnings: [Violation]
    /// Operations to apply when allowed; empty when there is nothing to change.
    public var patch: [PatchOperation]
    /// A short description of the object judged (`StorageClass "fsx"`), for messages and logs.
    public var subject: String

    init(subject: String, denials: [Violation] = [], warnings: [Violation] = [], patch: [PatchOperation] = []) {
        self.subject = subject
        self.denials = denials
        self.warnings = warnings
        self.patch = denials.isEmpty ? patch : []
    }

    /// An allowed decision with nothing to say.
    static func allowed(_ subject: String) -> Decision { Decision(subject: subject) }

    public var isAllowed: Bool { denials.isEmpty }

    public var outcome: Outcome {
        if !denials.isEmpty { return .denied }
        if !patch.isEmpty { return .patched }
        if !warnings.isEmpty { return .allowedWithWarnings }
        return .allowed
    }

    /// Splits a mixed list of violations by severity.
    package init(subject: String, violations: [Violation], patch: [PatchOperation] = []) {
        self.init(
            subject: subject,
            denials: violations.filter { $0.severity == .deny },
            warnings: violations.filter { $0.severity == .warn },
            patch: patch
        )
    }

    /// The denial message for `status.message`: the subject, then every reason.
    /// One line, reasons separated by "; ", so it reads whole after kubectl's
    /// `admission webhook "..." denied the request: ` prefix.
    /// Past `reasonsShown` reasons the rest are counted, so a hostile object with a
    /// hundred thousand wrong fields gets a message of a few KiB, not of tens of MiB.
    public var denialMessage: String {
        guard !denials.isEmpty else { return "" }
        let count = denials.count == 1 ? "1 problem" : "\(denials.count) problems"
        var reasons = denials.prefix(Self.reasonsShown).map(\.message)
        if denials.count > Self.reasonsShown { reasons.append("and \(denials.count - Self.reasonsShown) more") }
        return "\(subject) has \(count): " + reasons.joined(separator: "; ")
    }

    /// How many denial reasons the message spells out; kubectl prints the message as one line.
    static let reasonsShown = 20
}
