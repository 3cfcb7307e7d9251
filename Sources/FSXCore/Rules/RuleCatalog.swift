/// Every rule id the decision can report, with its description: one list for the CLI's
/// formats (SARIF's `tool.driver.rules`), the configuration's per-rule settings and the
/// docs. A test keeps it equal to the ids the validators emit and to docs/rules.md.
public enum RuleCatalog {
    /// Every rule, by subject in the order of docs/rules.md.
    public static let rules: [RuleDescription] =
        storageClassRules + persistentVolumeRules + volumeAttributesClassRules + persistentVolumeClaimRules
        + workloadRules

    /// Every id, sorted.
    static let ids: [RuleID] = rules.map(\.id).sorted()

    /// The documentation page every rule has an anchor in, relative to the repository.
    static let documentPath = "docs/rules.md"

    private static let byID: [RuleID: RuleDescription] = Dictionary(
        rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

    /// The description of `id`, or `nil` for an id no rule has.
    static func rule(_ id: RuleID) -> RuleDescription? { byID[id] }

    public static func contains(_ id: RuleID) -> Bool { byID[id] != nil }

    /// The rules of one subject, in the order of docs/rules.md.
    static func rules(of subject: RuleDescription.Subject) -> [RuleDescription] {
        rules.filter { $0.subject == subject }
    }

    /// The known id nearest to a misspelt one ("did you mean"), when one is near enough.
    public static func nearest(to word: String) -> RuleID? {
        Suggestion.nearest(to: word, among: ids.lazy.map(\.rawValue)).map(RuleID.init(rawValue:))
    }
}
