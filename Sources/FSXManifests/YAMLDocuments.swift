import FSXCore
import Foundation
import Yams

/// One non-empty document of a YAML stream.
public struct YAMLDocument: Sendable, Equatable {
    /// 1-based position in the stream, counting empty documents too, so it is the number a
    /// person counts between `---` lines.
    public var index: Int
    /// 1-based line where the document's content starts.
    public var line: Int
    public var value: JSONValue
    /// Where each part of `value` is written, when the reader was asked to record it.
    public var positions: SourceMap.Node?

    public init(index: Int, line: Int, value: JSONValue, positions: SourceMap.Node? = nil) {
        self.index = index
        self.line = line
        self.value = value
        self.positions = positions
    }
}

/// YAML text to lossless `JSONValue`s, the way `kubectl` reads a manifest.
///
/// sigs.k8s.io/yaml uses go-yaml v2, so scalars follow YAML 1.1 as go-yaml resolves them
/// (`PlainScalar`); aliases are expanded, merge keys (`<<`) applied, and anything JSON
/// cannot carry (non-scalar or null keys, `.inf`, `.nan`) is an error with its line.
public enum YAMLDocuments {
    /// Every non-empty document in `text`.
    public static func parse(_ text: String) throws(ManifestError) -> [JSONValue] {
        try documents(text).map(\.value)
    }

    /// Every non-empty document in `text`, with its position in the stream, and with the
    /// positions of its parts when `recordingPositions` (the SARIF output needs them; the
    /// other outputs skip the cost).
    public static func documents(
        _ text: String, recordingPositions: Bool = false
    ) throws(ManifestError)
        -> [YAMLDocument]
    {
        try YAMLKeyGuard.check(text)
        do {
            // Resolution is ours (go-yaml's rules, not Yams'); `.utf8` keeps Yams from reading
            // an environment variable.
            let parser = try Parser(yaml: text, resolver: Converter.resolver, encoding: .utf8)
            var converter = Converter()
            var documents: [YAMLDocument] = []
            var index = 0
            while let root = try parser.nextRoot() {
                index += 1
                let value = try converter.value(root, depth: 0)
                if !value.isNull {
                    documents.append(
                        YAMLDocument(
                            index: index, line: root.mark?.line ?? 1, value: value,
                            positions: recordingPositions ? SourceMap.Node(yaml: root) : nil))
                }
            }
            return documents
        } catch let error as ManifestError {
            throw error
        } catch let error as YamlError {
            throw ManifestError(describe(error))
        } catch {
            throw ManifestError("invalid YAML: \(error)")
        }
    }

    /// A single document (`null` for an empty stream); more than one document is an error.
    public static func parseSingle(_ text: String) throws(ManifestError) -> JSONValue {
        let documents = try parse(text)
        guard documents.count <= 1 else {
            throw ManifestError("expected one YAML document, found \(documents.count)")
        }
        return documents.first ?? .null
    }

    /// The same nesting limit as the JSON parser: hostile nesting ends in an error, not a
    /// stack overflow.
    static let maximumDepth = JSONParser.maximumDepth

    /// How many values aliases may expand to in one stream. Aliases share nodes, so a few
    /// hundred bytes of nested aliases ("billion laughs") can stand for billions of values;
    /// a real manifest has a few thousand, and a million still fits easily in memory.
    static let maximumValues = 1_000_000

    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var text = "invalid YAML at line \(mark.line), column \(mark.column): \(problem)"
            if let context, !context.text.isEmpty {
                text += " (\(context.text) at line \(context.mark.line))"
            }
            return text
        case .reader(let problem, let offset, _, _):
            return "invalid YAML\(offset.map { " at byte \($0)" } ?? ""): \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { JSONWriter.quoted($0) }.joined(separator: ", ")
            return "invalid YAML at line \(context.mark.line): duplicate key \(keys)"
        default:
            let text = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            return "invalid YAML: \(text)"
        }
    }
}

/// Turns composed Yams nodes into `JSONValue`s, counting values against the alias budget.
struct Converter {
    var remaining = YAMLDocuments.maximumValues

    /// Tags every untagged plain scalar as `plainTag` when Yams resolves it. Yams resolves
    /// the tags of mapping keys in place while checking for duplicates; with this resolver a
    /// plain key still reads as plain afterwards, instead of as an explicit `!!str`.
    static let resolver: Resolver = (try? Resolver.basic.appending(plainTag, "^")) ?? .basic
    static let plainTag = Tag.Name(rawValue: "tag:fsx-webhook,2025:plain")

    mutating func value(_ node: Node, depth: Int) throws(ManifestError) -> JSONValue {
        guard depth <= YAMLDocuments.maximumDepth else {
            throw ManifestError("line \(Self.line(node)): nested deeper than \(YAMLDocuments.maximumDepth) levels")
        }
        remaining -= 1
        guard remaining >= 0 else {
            throw ManifestError(
                "aliases expand to more than \(YAMLDocuments.maximumValues) values; refusing to expand them")
        }
        switch node {
        case .scalar(let scalar):
            return try Self.scalar(scalar)
        case .sequence(let sequence):
            var array: [JSONValue] = []
            array.reserveCapacity(sequence.count)
            for element in sequence { array.append(try value(element, depth: depth + 1)) }
            return .array(array)
        case .mapping(let mapping):
            return .object(try object(mapping, depth: depth))
        case .alias:
            // Yams' composer resolves aliases to their anchored node; this is a safety net.
            throw ManifestError("line \(Self.line(node)): unresolved alias")
        }
    }

    /// A mapping with merge keys applied the YAML way: keys written in the mapping win over
    /// merged ones, and among merged mappings the first one listed wins.
    mutating func object(_ mapping: Node.Mapping, depth: Int) throws(ManifestError) -> JSONObject {
        var explicitKeys: [(key: String, node: Node)] = []
        for (keyNode, _) in mapping where !Self.isMergeKey(keyNode) {
            explicitKeys.append((try Self.key(keyNode), keyNode))
        }
        var seen: Set<String> = []
        for (key, node) in explicitKeys where !seen.insert(key).inserted {
            throw ManifestError("line \(Self.line(node)): duplicate key \(JSONWriter.quoted(key))")
        }
        // Members are collected with a set of the keys taken, then built in one go: setting
        // them one by one on a JSONObject scans it per key, quadratic in a large mapping.
        var members: [JSONObject.Member] = []
        var taken: Set<String> = []
        for (keyNode, valueNode) in mapping {
            if Self.isMergeKey(keyNode) {
                for source in try mergeSources(valueNode, depth: depth) {
                    for member in source.members where !seen.contains(member.key) && taken.insert(member.key).inserted {
                        members.append(member)
                    }
                }
            } else {
                let key = try Self.key(keyNode)
                taken.insert(key)
                members.append(JSONObject.Member(key: key, value: try value(valueNode, depth: depth + 1)))
            }
        }
        return JSONObject(members)
    }

    mutating func mergeSources(_ node: Node, depth: Int) throws(ManifestError) -> [JSONObject] {
        switch node {
        case .mapping(let mapping):
            return [try object(mapping, depth: depth + 1)]
        case .sequence(let sequence):
            var sources: [JSONObject] = []
            for element in sequence {
                guard case .mapping(let mapping) = element else {
                    throw ManifestError("line \(Self.line(element)): a merge key (<<) takes mappings only")
                }
                sources.append(try object(mapping, depth: depth + 1))
            }
            return sources
        default:
            throw ManifestError("line \(Self.line(node)): a merge key (<<) takes a mapping or a list of mappings")
        }
    }

    static func isMergeKey(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.string == "<<" else { return false }
        return isImplicitPlain(scalar) || scalar.tag.description == Tag.Name.merge.rawValue
    }

    /// A mapping key as sigs.k8s.io/yaml turns it into a JSON key: strings as written,
    /// booleans as `true`/`false`, numbers as their text.
    static func key(_ node: Node) throws(ManifestError) -> String {
        guard case .scalar(let scalar) = node else {
            throw ManifestError("line \(line(node)): a mapping key must be a plain value, not a list or a mapping")
        }
        switch try Self.scalar(scalar) {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return text
        default:
            throw ManifestError("line \(line(node)): a mapping key cannot be null; quote it if it is meant as text")
        }
    }

    static func scalar(_ scalar: Node.Scalar) throws(ManifestError) -> JSONValue {
        let text = scalar.string
        let line = scalar.mark?.line ?? 0
        // Quoted and block scalars carry the `str` tag from the parser; plain ones an empty tag.
        if isImplicitPlain(scalar) { return try resolved(PlainScalar.resolve(text), text: text, line: line) }
        switch scalar.tag.description {
        case "", plainTag.rawValue:
            return .string(text)
        case Tag.Name.null.rawValue:
            guard case .null = PlainScalar.resolve(text) else { throw mismatch(text, "null", line) }
            return .null
        case Tag.Name.bool.rawValue:
            guard case .bool(let flag) = PlainScalar.resolve(text) else { throw mismatch(text, "bool", line) }
            return .bool(flag)
        case Tag.Name.int.rawValue:
            let resolution = PlainScalar.resolve(text)
            guard case .integer = resolution else { throw mismatch(text, "int", line) }
            return try resolved(resolution, text: text, line: line)
        case Tag.Name.float.rawValue:
            let resolution = PlainScalar.resolve(text)
            switch resolution {
            case .integer, .float: return try resolved(resolution, text: text, line: line)
            default: throw mismatch(text, "float", line)
            }
        case Tag.Name.binary.rawValue:
            let compact = String(text.unicodeScalars.filter { !$0.properties.isWhitespace })
            guard let data = Data(base64Encoded: compact), let decoded = String(data: data, encoding: .utf8) else {
                throw ManifestError("line \(line): !!binary value is not base64 of UTF-8 text")
            }
            return .string(decoded)
        default:
            // `!!str`, `!!timestamp` (go-yaml hands timestamps to JSON as their text), and
            // local tags such as `!secret`, which go-yaml also keeps as text.
            return .string(text)
        }
    }

    static func resolved(_ resolution: PlainScalar, text: String, line: Int) throws(ManifestError) -> JSONValue {
        switch resolution {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .integer(let decimal):
            return .number(JSONNumberText.isValid(text) ? text : decimal)
        case .float(let value):
            guard let formatted = JSONNumberText.format(value) else {
                throw ManifestError(
                    "line \(line): \(JSONWriter.quoted(text)) is not a number JSON can carry; quote it if it is meant as text"
                )
            }
            return .number(JSONNumberText.isValid(text) ? text : formatted)
        case .merge, .string:
            return .string(text)
        }
    }

    /// A plain scalar without an explicit tag: the only kind go-yaml resolves to bool, int,
    /// float or null.
    static func isImplicitPlain(_ scalar: Node.Scalar) -> Bool {
        let tag = scalar.tag.description
        return (tag.isEmpty || tag == plainTag.rawValue) && (scalar.style == .plain || scalar.style == .any)
    }

    static func mismatch(_ text: String, _ tag: String, _ line: Int) -> ManifestError {
        ManifestError("line \(line): cannot read \(JSONWriter.quoted(text)) as !!\(tag)")
    }

    static func line(_ node: Node) -> Int { node.mark?.line ?? 0 }
}
