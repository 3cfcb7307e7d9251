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

    /// Appends `elements`, each compact JSON text, to the array at `pointer`, whose current
    /// value is `current`.
    ///
    /// An existing array gets one `/-` add per element; a missing or `null` one is created
    /// whole by a single add. The caller checks `current` is an array, `null` or missing.
    mutating func append(_ elements: [[UInt8]], toArrayAt pointer: JSONPointer, current: JSONView?) {
        var appender = ArrayAppender(current: current)
        for element in elements { appender.add(element, end: { pointer.appending("-") }, to: &self) }
        appender.finish(array: { pointer }, to: &self)
    }

    /// Collects the elements appended to one array: an existing array gets each as its own
    /// `/-` add at once, in order; a missing or `null` one gets them all in one add at
    /// `finish`, their texts joined into the array's as they come. The same operations as
    /// `append(_:toArrayAt:current:)` as long as nothing else is added between the first
    /// element and `finish`.
    struct ArrayAppender {
        private let exists: Bool
        private var end: JSONPointer?
        /// The missing array's text so far: `[` and the elements, comma-separated.
        private var pending: [UInt8] = []

        init(current: JSONView?) {
            exists = current?.isArray == true
        }

        /// Appends `element`, compact JSON text; `end` (the array's `/-`) is made at the first
        /// element only.
        mutating func add(_ element: [UInt8], end makeEnd: () -> JSONPointer, to builder: inout PatchBuilder) {
            guard exists else {
                pending.append(pending.isEmpty ? UInt8(ascii: "[") : UInt8(ascii: ","))
                pending.append(contentsOf: element)
                return
            }
            let end = self.end ?? makeEnd()
            self.end = end
            builder.reserveRoom()
            builder.operations.append(.add(end, json: element))
        }

        /// Adds the collected elements to a missing array at `array`.
        mutating func finish(array: () -> JSONPointer, to builder: inout PatchBuilder) {
            guard !exists, !pending.isEmpty else { return }
            pending.append(UInt8(ascii: "]"))
            builder.reserveRoom()
            builder.operations.append(.add(array(), json: pending))
        }
    }

    /// Room for a typical patch at once (a Job's is about a dozen operations), rather than
    /// growing through 1, 2, 4 and 8.
    private mutating func reserveRoom() {
        if operations.capacity == 0 { operations.reserveCapacity(16) }
    }

    /// Makes sure the member at `path` below `document` (found at `base`) exists, adding
    /// `value` (compact JSON text) there when it does not.
    ///
    /// Walks `path` through objects; at the first missing or `null` member it adds, in one
    /// operation, that member holding the rest of the path wrapped around `value`, so an
    /// absent `affinity` becomes one add of `/affinity` with the whole structure while an
    /// existing `affinity.podAntiAffinity` is left as it is. `value` is made only when added.
    mutating func addMissing(
        _ value: @autoclosure () -> [UInt8], at path: [String], under base: @autoclosure () -> JSONPointer,
        in document: JSONView
    ) -> Outcome {
        // The pointer is made only for an operation or a report: usually everything exists.
        var current = document
        for (position, key) in path.enumerated() {
            guard current.isObject else {
                return .blocked(at: base().appending(JSONPointer(Array(path[..<position]))), found: current)
            }
            guard let next = current[key], !next.isNull else {
                // `{"inner":` for each key below the added member, the value, and their ends.
                let inner = path[(position + 1)...]
                let value = value()
                var subtree = ByteWriter(capacity: value.count + inner.reduce(0) { $0 + $1.utf8.count + 6 })
                for key in inner {
                    subtree.append(UInt8(ascii: "{"))
                    JSONWriter.writeString(key, into: &subtree)
                    subtree.append(UInt8(ascii: ":"))
                }
                value.withUnsafeBytes { subtree.append($0) }
                for _ in inner { subtree.append(UInt8(ascii: "}")) }
                operations.append(.add(base().appending(JSONPointer(Array(path[...position]))), json: subtree.bytes))
                return .added
            }
            current = next
        }
        return .present(current)
    }
}
