/// What one rule id means: the object it judges, how bad it is by default, and its
/// descriptions for people (SARIF's `shortDescription`/`fullDescription`, `help`).
public struct RuleDescription: Sendable, Equatable {
    /// The kind of object a rule judges; docs/rules.md has one section each.
    public enum Subject: String, Sendable, CaseIterable {
        case storageClass = "StorageClass"
        case persistentVolume = "PersistentVolume"
        case persistentVolumeClaim = "PersistentVolumeClaim"
        case volumeAttributesClass = "VolumeAttributesClass"
        /// Jobs and the other workloads the mutating webhook patches.
        case workload = "Workload"
    }

    public var id: RuleID
    public var subject: Subject
    /// The severity the validators give it. A rule that denies some cases and warns on
    /// others (`pv-handle`) is listed as `deny`.
    public var severity: Violation.Severity
    /// One line, no final period.
    public var summary: String
    /// The whole rule, as docs/rules.md states it.
    public var details: String

    init(
        _ id: RuleID, _ subject: Subject, _ severity: Violation.Severity, summary: String, details: String
    ) {
        self.id = id
        self.subject = subject
        self.severity = severity
        self.summary = summary
        self.details = details
    }

    /// The fragment of the rule's entry in docs/rules.md (`<a id="…">`): the id itself.
    public var anchor: String { id.rawValue }
}
