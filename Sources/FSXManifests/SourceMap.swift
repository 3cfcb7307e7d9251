import FSXCore

/// A 1-based line and column in a manifest file; columns count Unicode scalars (code
/// points), as libyaml does and as SARIF's `columnKind: unicodeCodePoints` reads them.
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// Where every part of one object stands in the file it was read from: the position of
/// each value and of each mapping key. It turns a violation's field path
/// (`parameters.deploymentType`, `spec.template.spec.volumes[0]`) into the line a person
/// (or a code-scanning view) should look at.
public struct SourceMap: Sendable, Equatable {
    /// One value: its position, and for mappings and sequences the positions inside.
    public indirect enum Node: Sendable, Equatable {
        case scalar(SourcePosition)
        case sequence(SourcePosition, [Node])
        case mapping(SourcePosition, [Member])

        public var position: SourcePosition {
            switch self {
            case .scalar(let position), .sequence(let position, _), .mapping(let position, _): return position
            }
        }

        /// The member named `key`, as the object reads it (the first one for merged keys).
        public func member(_ key: String) -> Member? {
            guard case .mapping(_, let members) = self else { return nil }
            return members.first { $0.key == key }
        }

        /// The element at `index` of a sequence.
        public func element(_ index: Int) -> Node? {
            guard case .sequence(_, let elements) = self, elements.indices.contains(index) else { return nil }
            return elements[index]
        }
    }

    /// A mapping member: the key as the object has it, where the key is written, its value.
    public struct Member: Sendable, Equatable {
        public var key: String
        public var keyPosition: SourcePosition
        public var value: Node

        public init(key: String, keyPosition: SourcePosition, value: Node) {
            self.key = key
            self.keyPosition = keyPosition
            self.value = value
        }
    }

    /// The object's own node (a document, or one item of a List).
    public var root: Node

    public init(root: Node) { self.root = root }

    /// Where `field` is written: the key of the deepest part of the path the object has.
    /// A missing key resolves to its parent's key (`parameters:` for a missing
    /// `parameters.subnetId`), and a path with nothing in the file to the object's start.
    ///
    /// Paths are dotted as the validators write them; keys may contain dots
    /// (`metadata.annotations.fsx-webhook/volumes`, `parameters.csi.storage.k8s.io/fstype`),
    /// so at each mapping the longest key that the path continues with is taken. `[n]`
    /// indexes a sequence, and `["key"]` names a key quoted as JSON (possibly shortened
    /// with `…`).
    public func position(of field: String) -> SourcePosition {
        var node = root
        var position = root.position
        var rest = Substring(field)
        while true {
            if rest.first == "." { rest = rest.dropFirst() }
            if rest.isEmpty { return position }
            switch node {
            case .scalar:
                return position
            case .sequence(_, let elements):
                guard let (index, after) = Self.index(rest), elements.indices.contains(index) else { return position }
                node = elements[index]
                position = node.position
                rest = after
            case .mapping(_, let members):
                guard let (member, after) = Self.member(rest, in: members) else { return position }
                node = member.value
                position = member.keyPosition
                rest = after
            }
        }
    }

    /// `[n]` at the start of `path`.
    static func index(_ path: Substring) -> (Int, Substring)? {
        guard path.first == "[", let close = path.firstIndex(of: "]"),
            let index = Int(path[path.index(after: path.startIndex)..<close]), index >= 0
        else { return nil }
        return (index, path[path.index(after: close)...])
    }

    /// The member `path` starts with, and the path after it.
    static func member(_ path: Substring, in members: [Member]) -> (Member, Substring)? {
        if path.hasPrefix("[\"") { return quotedMember(path, in: members) }
        if path.first == "[" {
            // JSONPointer.dotted writes numeric keys of a mapping as `[n]`.
            guard let close = path.firstIndex(of: "]") else { return nil }
            let key = path[path.index(after: path.startIndex)..<close]
            return members.first { $0.key == key }.map { ($0, path[path.index(after: close)...]) }
        }
        var best: Member?
        for member in members where !member.key.isEmpty && path.hasPrefix(member.key) {
            let after = path.dropFirst(member.key.count)
            guard after.isEmpty || after.first == "." || after.first == "[" else { continue }
            if best == nil || member.key.count > best!.key.count { best = member }
        }
        return best.map { ($0, path.dropFirst($0.key.count)) }
    }

    /// `["key"]`: a key written as a JSON string, as `Violation.quote` writes keys that
    /// would garble a message; a quote shortened with `…` matches the key it starts.
    static func quotedMember(_ path: Substring, in members: [Member]) -> (Member, Substring)? {
        var index = path.index(after: path.startIndex)  // at the opening quote
        var escaped = false
        var end: Substring.Index?
        index = path.index(after: index)
        while index < path.endIndex {
            let character = path[index]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                end = index
                break
            }
            index = path.index(after: index)
        }
        guard let end, path.index(after: end) < path.endIndex, path[path.index(after: end)] == "]",
            case .string(let key)? = try? JSONParser.parse(String(path[path.index(after: path.startIndex)...end]))
        else { return nil }
        let after = path[path.index(end, offsetBy: 2)...]
        if let exact = members.first(where: { $0.key == key }) { return (exact, after) }
        guard key.hasSuffix("…") else { return nil }
        let start = key.dropLast()
        return members.first { $0.key.hasPrefix(start) }.map { ($0, after) }
    }
}
