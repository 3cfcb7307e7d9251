/// One pod spec found in a workload.
public struct PodTemplateSite: Sendable, Equatable {
    /// Where the pod spec is.
    public var pointer: JSONPointer
    /// The pod spec object.
    public var podSpec: JSONObject
    /// How messages name it (`replica "Worker"`), or `nil` when the kind has only one.
    public var label: String?

    /// A pod spec found at `pointer`.
    public init(pointer: JSONPointer, podSpec: JSONObject, label: String? = nil) {
        self.pointer = pointer
        self.podSpec = podSpec
        self.label = label
    }
}
