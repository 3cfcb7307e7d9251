extension RuleCatalog {
    /// The rules of VolumeAttributesClasss, in the order docs/rules.md lists them.
    static let volumeAttributesClassRules: [RuleDescription] = [
        RuleDescription(
            "vac-unsupported", .volumeAttributesClass, .warn,
            summary: "The driver cannot modify volumes: every claim of the class fails",
            details: "The driver has no ModifyVolume, so every claim that names the class fails.")
    ]
}
