/// One RFC 6902 operation. The webhook only ever adds: it never removes or rewrites what
/// the user wrote, which keeps patches minimal and lets unknown fields survive.
public struct PatchOperation: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case add, remove, replace, move, copy, test
    }

    public var op: Kind
    public var path: JSONPointer
    /// The value's compact JSON text, written once when the operation is made: the patch is
    /// sent as bytes, so the operation holds its value as it will be sent, and the patch's
    /// JSON is these bytes joined. `nil` for an operation without a value.
    package var valueJSON: [UInt8]?

    package init(op: Kind, path: JSONPointer, value: JSONValue? = nil) {
        self.init(op: op, path: path, valueJSON: value.map { JSONWriter.bytes($0) })
    }

    package init(op: Kind, path: JSONPointer, valueJSON: [UInt8]?) {
        self.op = op
        self.path = path
        self.valueJSON = valueJSON
    }

    /// An `add` operation.
    package static func add(_ path: JSONPointer, _ value: JSONValue) -> PatchOperation {
        PatchOperation(op: .add, path: path, value: value)
    }

    /// An `add` operation of a value already written as compact JSON.
    static func add(_ path: JSONPointer, json value: [UInt8]) -> PatchOperation {
        PatchOperation(op: .add, path: path, valueJSON: value)
    }

    /// The value, read back from its text: for the CLI and the tests, which read values;
    /// the webhook only sends the text.
    public var value: JSONValue? {
        guard let valueJSON else { return nil }
        do {
            return try JSONParser.parse(valueJSON)
        } catch {
            preconditionFailure("a patch value is JSON this webhook wrote: \(error)")
        }
    }

    /// The operation as its JSON object (`op`, `path`, `value` in that order).
    var json: JSONValue {
        var object = JSONObject()
        object["op"] = .string(op.rawValue)
        object["path"] = .string(path.description)
        if let value { object["value"] = value }
        return .object(object)
    }
}

extension Array where Element == PatchOperation {
    /// The JSON array of operations, as the `patch` field carries it (before base64).
    public var json: JSONValue { .array(map(\.json)) }

    /// The compact UTF-8 encoding of the operations: the bytes `JSONWriter` writes for
    /// `json`, written without building it first.
    public var jsonBytes: [UInt8] {
        var out = ByteWriter(capacity: count * 160)
        writeJSON(into: &out)
        return out.bytes
    }

    /// Appends `jsonBytes` to `out`.
    func writeJSON(into out: inout ByteWriter) {
        out.append(UInt8(ascii: "["))
        var separator = false
        for operation in self {
            if separator { out.append(UInt8(ascii: ",")) }
            separator = true
            // The op names need no escaping: written with their quotes, as literals.
            switch operation.op {
            case .add: out.append(#"{"op":"add","path":"#)
            case .remove: out.append(#"{"op":"remove","path":"#)
            case .replace: out.append(#"{"op":"replace","path":"#)
            case .move: out.append(#"{"op":"move","path":"#)
            case .copy: out.append(#"{"op":"copy","path":"#)
            case .test: out.append(#"{"op":"test","path":"#)
            }
            operation.path.writeJSONString(into: &out)
            if let value = operation.valueJSON {
                out.append(#","value":"#)
                value.withUnsafeBytes { out.append($0) }
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }
}
