import FSXJSON

/// Builds a minimal JSON Patch that only adds, reading the document but never rewriting it.
///
/// The apiserver applies patches with evanphx/json-patch v4, where an `add` whose parent does
/// not exist fails the whole request (a hard 500, even under `failurePolicy: Ignore`). So the
/// builder creates the smallest missing subtree in one operation before anything is added
/// inside it, and appends to existing arrays with `/-` so no index it writes can go stale.
/// Existing values are never re-serialised: fields this code does not know survive as sent.
/// The document is read in place (`JSONView`); only the values added are built.
struct PatchBuilder {
    /// What `addMissing` found on the way to its target.
    enum Outcome {
        /// The target (or one of its parents) was missing or `null`; one `add` now creates it.
        case added
        /// The target already exists; nothing was added.
        case present(JSONView)
        /// A value on the way is not an object, so nothing can be added below it.
        case blocked(at: JSONPointer, found: JSONView)
    }

    /// The operations so far, in the order they must be applied.
    private(set) var operations: [PatchOperation] = []

    /// An empty patch.
    init() {}

    /// Appends `elements` to the array at `pointer`, whose current value is `current`.
    ///
    /// An existing array gets one `/-` add per element; a missing or `null` one is created
    /// whole by a single add. The caller checks `current` is an array, `null` or missing.
    mutating func append(_ elements: [JSONValue], toArrayAt pointer: JSONPointer, current: JSONView?) {
        guard !elements.isEmpty else { return }
        reserveRoom()
        if current?.isArray == true {
            let end = pointer.appending("-")
            for element in elements { operations.append(.add(end, element)) }
        } else {
            operations.append(.add(pointer, .array(elements)))
        }
    }

    /// Collects the elements appended to one array: an existing array gets each as its own
    /// `/-` add at once, in order, so no array of them is made; a missing or `null` one gets
    /// them all in one add at `finish`. The same operations as `append(_:toArrayAt:current:)`
    /// as long as nothing else is added between the first element and `finish`.
    struct ArrayAppender {
        private let exists: Bool
        private var end: JSONPointer?
        private var pending: [JSONValue] = []

        init(current: JSONView?) {
            exists = current?.isArray == true
        }

        /// Appends `element`; `end` (the array's `/-`) is made at the first element only.
        mutating func add(_ element: JSONValue, end makeEnd: () -> JSONPointer, to builder: inout PatchBuilder) {
            guard exists else {
                pending.append(element)
                return
            }
            let end = self.end ?? makeEnd()
            self.end = end
            builder.reserveRoom()
            builder.operations.append(.add(end, element))
        }

        /// Adds the collected elements to a missing array at `array`.
        func finish(array: () -> JSONPointer, to builder: inout PatchBuilder) {
            guard !exists, !pending.isEmpty else { return }
            builder.reserveRoom()
            builder.operations.append(.add(array(), .array(pending)))
        }
    }

    /// Room for a typical patch at once (a Job's is about a dozen operations), rather than
    /// growing through 1, 2, 4 and 8.
    private mutating func reserveRoom() {
        if operations.capacity == 0 { operations.reserveCapacity(16) }
    }

    /// Makes sure the member at `path` below `document` (found at `base`) exists, adding
    /// `value` there when it does not.
    ///
    /// Walks `path` through objects; at the first missing or `null` member it adds, in one
    /// operation, that member holding the rest of the path wrapped around `value`, so an
    /// absent `affinity` becomes one add of `/affinity` with the whole structure while an
    /// existing `affinity.podAntiAffinity` is left as it is. `value` is made only when added.
    mutating func addMissing(
        _ value: @autoclosure () -> JSONValue, at path: [String], under base: @autoclosure () -> JSONPointer,
        in document: JSONView
    ) -> Outcome {
        // The pointer is made only for an operation or a report: usually everything exists.
        var current = document
        for (position, key) in path.enumerated() {
            guard current.isObject else {
                return .blocked(at: base().appending(contentsOf: Array(path[..<position])), found: current)
            }
            guard let next = current[key], !next.isNull else {
                var subtree = value()
                for inner in path[(position + 1)...].reversed() {
                    subtree = .object(JSONObject(uniqueMembers: [JSONObject.Member(key: inner, value: subtree)]))
                }
                operations.append(.add(base().appending(contentsOf: Array(path[...position])), subtree))
                return .added
            }
            current = next
        }
        return .present(current)
    }
}
