extension RuleID {
    /// Every rule id the validators report (StorageClass, PersistentVolume,
    /// VolumeAttributesClass, PersistentVolumeClaim), sorted: the ids `validation.rules`
    /// may name and the only values of the `rule` label of `fsx_webhook_violations_total`.
    /// Taken from `RuleCatalog`, which a test keeps equal to the emitted ids and docs/rules.md.
    static let validationRules: [RuleID] = RuleCatalog.rules.filter { $0.subject != .workload }.map(\.id)
        .sorted()

    /// The ids of workload mutation. Their denials are never relaxed (a Job that cannot get
    /// its volumes must not start without them), so `validation.rules` refuses them.
    static let workloadRules: [RuleID] = RuleCatalog.rules(of: .workload).map(\.id)

    /// Every id the decision can report: the metric's rule label takes only these.
    public static let known: [RuleID] = RuleCatalog.ids
}
