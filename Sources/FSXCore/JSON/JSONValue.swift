/// A lossless JSON value.
///
/// Numbers keep their source text so nothing the apiserver sent is rounded, and objects keep
/// their key order so output is deterministic and reads like the input. Equality is JSON
/// equality: key order does not matter, numbers compare by value.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// The number exactly as written in the source (or produced by `JSONValue.int(_:)`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A number value from an integer.
    public static func int(_ value: Int) -> JSONValue { .number(String(value)) }
}

extension JSONValue {
    /// The member named `key` when this is an object; `nil` otherwise.
    public subscript(key: String) -> JSONValue? { if case .object(let object) = self { object[key] } else { nil } }

    /// The element at `index` when this is an array and the index is in range.
    package subscript(index: Int) -> JSONValue? {
        if case .array(let array) = self, array.indices.contains(index) { array[index] } else { nil }
    }

    @inlinable public var stringValue: String? { if case .string(let s) = self { s } else { nil } }

    @inlinable public var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }

    @inlinable public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }

    @inlinable public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }

    @inlinable public var isNull: Bool { if case .null = self { true } else { false } }

    /// The number's value when it is an integer that fits in `Int`.
    package var intValue: Int? { if case .number(let text) = self { Int(text) } else { nil } }

    /// A short name of the value's JSON type, for error messages ("object", "string", ...).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Follows `pointer` from this value; `nil` when any step is missing.
    public func value(at pointer: JSONPointer) -> JSONValue? {
        var current: JSONValue? = self
        for token in pointer.tokens {
            if case .array? = current {
                current = Int(token).flatMap { current?[$0] }
            } else {
                current = current?[token]
            }
        }
        return current
    }
}

extension JSONValue: Equatable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)):
            if a == b { return true }
            // Same value written differently (1 vs 1.0 vs 1e0).
            guard let x = Double(a), let y = Double(b) else { return false }
            return x == y
        case (.string(let a), .string(let b)): return a.bytesEqual(b)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByIntegerLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }
    public init(nilLiteral: ()) { self = .null }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
}

/// An ordered JSON object.
///
/// Kubernetes objects have few keys per level, so a linear scan beats hashing and keeps the
/// source order for output. A duplicate key in the source keeps the last value, as Go's
/// `encoding/json` (and so the apiserver) does. Keys are compared byte for byte, as Go
/// compares them: "kms\u{212A}eyId" (KELVIN SIGN) and "kmsKeyId" are two keys, although
/// Swift's `==` calls them equal.
public struct JSONObject: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public internal(set) var members: [Member]

    public init() { members = [] }

    /// Builds an object; later duplicates replace earlier ones in place.
    public init(_ members: [Member]) {
        guard members.count > 16 else {
            self.members = []
            self.members.reserveCapacity(members.count)
            for member in members { self[member.key] = member.value }
            return
        }
        // Hashing for big objects: the linear scan would make a hostile body with many
        // thousands of keys quadratic. Keys are hashed by their bytes (`String`'s own
        // `Hashable` is by canonical equivalence).
        var positions: [[UInt8]: Int] = [:]
        positions.reserveCapacity(members.count)
        var unique: [Member] = []
        unique.reserveCapacity(members.count)
        for member in members {
            if let position = positions[Array(member.key.utf8)] {
                unique[position].value = member.value
            } else {
                positions[Array(member.key.utf8)] = unique.count
                unique.append(member)
            }
        }
        self.members = unique
    }

    /// Takes `members` as they are; the caller knows no key repeats.
    init(uniqueMembers members: [Member]) {
        self.members = members
    }

    var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    package var keys: [String] { members.map(\.key) }

    public subscript(key: String) -> JSONValue? {
        get {
            for member in members where member.key.bytesEqual(key) { return member.value }
            return nil
        }
        set {
            if let index = members.firstIndex(where: { $0.key.bytesEqual(key) }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        // Keys are unique, so equal objects with the keys in the same order (a value and its
        // round trip) compare pairwise; otherwise through a hash index of `rhs`, not a scan
        // per member, which made comparing a 20,000-key object take seconds.
        if lhs.members.indices.allSatisfy({ lhs.members[$0].key.bytesEqual(rhs.members[$0].key) }) {
            return lhs.members.indices.allSatisfy { lhs.members[$0].value == rhs.members[$0].value }
        }
        var positions: [[UInt8]: Int] = [:]
        positions.reserveCapacity(rhs.members.count)
        for (position, member) in rhs.members.enumerated() { positions[Array(member.key.utf8)] = position }
        for member in lhs.members {
            guard let position = positions[Array(member.key.utf8)], rhs.members[position].value == member.value else {
                return false
            }
        }
        return true
    }
}
