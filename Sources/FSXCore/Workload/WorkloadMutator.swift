// PLACEHOLDER: replaced by the workload mutation implementation.
public enum WorkloadMutator {
    /// `nil` when `type` is not a workload kind this webhook mutates.
    public static func mutate(
        _ object: JSONValue, type: ObjectType, configuration: WebhookConfiguration
    ) -> (violations: [Violation], patch: [PatchOperation])? { nil }
}
