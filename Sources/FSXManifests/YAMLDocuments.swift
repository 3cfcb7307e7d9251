import FSXCore
import Yams

/// YAML text to lossless `JSONValue`s, the way `kubectl` reads a manifest: YAML 1.1
/// scalars (sigs.k8s.io/yaml uses go-yaml v2), every document of a stream.
public enum YAMLDocuments {
    /// Every non-empty document in `text`.
    public static func parse(_ text: String) throws(ManifestError) -> [JSONValue] {
        do {
            var documents: [JSONValue] = []
            for node in try Yams.compose_all(yaml: text) {
                let value = try json(from: node, depth: 0)
                if !value.isNull { documents.append(value) }
            }
            return documents
        } catch let error as ManifestError {
            throw error
        } catch let error as YamlError {
            throw ManifestError("invalid YAML: \(Self.describe(error))")
        } catch {
            throw ManifestError("invalid YAML: \(error)")
        }
    }

    /// A single document (`nil` for an empty one); more than one document is an error.
    public static func parseSingle(_ text: String) throws(ManifestError) -> JSONValue {
        let documents = try parse(text)
        guard documents.count <= 1 else {
            throw ManifestError("expected one YAML document, found \(documents.count)")
        }
        return documents.first ?? .null
    }

    /// The same limit as the JSON parser: hostile nesting ends in an error, not a crash.
    static let maximumDepth = JSONParser.maximumDepth

    static func json(from node: Node, depth: Int) throws -> JSONValue {
        guard depth <= maximumDepth else {
            throw ManifestError("invalid YAML: nested deeper than \(maximumDepth) levels")
        }
        switch node {
        case .scalar(let scalar):
            return scalarValue(scalar, tag: Tag.Name(rawValue: node.tag.rawValue))
        case .sequence(let sequence):
            return .array(try sequence.map { try json(from: $0, depth: depth + 1) })
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ManifestError("invalid YAML at line \(key.mark?.line ?? 0): mapping keys must be plain values")
                }
                object[keyScalar.string] = try json(from: value, depth: depth + 1)
            }
            return .object(object)
        case .alias:
            throw ManifestError("invalid YAML at line \(node.mark?.line ?? 0): unresolved alias")
        }
    }

    static func scalarValue(_ scalar: Node.Scalar, tag: Tag.Name) -> JSONValue {
        // Quoted scalars are always strings; plain ones are resolved by their tag.
        if scalar.style == .singleQuoted || scalar.style == .doubleQuoted || scalar.style == .literal
            || scalar.style == .folded
        {
            return .string(scalar.string)
        }
        switch tag {
        case .null: return .null
        case .bool:
            switch scalar.string.lowercased() {
            case "true", "yes", "on", "y": return .bool(true)
            default: return .bool(false)
            }
        case .int:
            if let value = Int(scalar.string.replacingOccurrences(of: "_", with: "")) { return .int(value) }
            return .string(scalar.string)
        case .float:
            if let value = Double(scalar.string), value.isFinite, JSONNumberText.isValid(scalar.string) {
                return .number(scalar.string)
            }
            if let value = Double(scalar.string), value.isFinite { return .number(String(value)) }
            return .string(scalar.string)
        default:
            return .string(scalar.string)
        }
    }

    static func describe(_ error: YamlError) -> String {
        "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
    }
}

/// A problem reading a manifest or configuration: one line for stderr.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Whether a YAML float's text is also valid JSON number text (so it can be kept as is).
enum JSONNumberText {
    static func isValid(_ text: String) -> Bool {
        (try? JSONParser.parse(text)).map { if case .number = $0 { return true } else { return false } } ?? false
    }
}
