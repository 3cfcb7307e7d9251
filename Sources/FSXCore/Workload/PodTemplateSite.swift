import FSXJSON

/// One pod spec found in a workload, read in place.
struct PodTemplateSite {
    /// Where the pod spec is.
    var pointer: JSONPointer
    /// The pod spec object.
    var podSpec: JSONView
    /// How messages name it (`replica "Worker"`), or `nil` when the kind has only one.
    var label: String?
}
