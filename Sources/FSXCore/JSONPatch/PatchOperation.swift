/// One RFC 6902 operation. The webhook only ever adds: it never removes or rewrites what
/// the user wrote, which keeps patches minimal and lets unknown fields survive.
public struct PatchOperation: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case add, remove, replace, move, copy, test
    }

    public var op: Kind
    public var path: JSONPointer
    public var value: JSONValue?

    public init(op: Kind, path: JSONPointer, value: JSONValue? = nil) {
        self.op = op
        self.path = path
        self.value = value
    }

    /// An `add` operation.
    public static func add(_ path: JSONPointer, _ value: JSONValue) -> PatchOperation {
        PatchOperation(op: .add, path: path, value: value)
    }

    /// The operation as its JSON object (`op`, `path`, `value` in that order).
    public var json: JSONValue {
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
        var out: [UInt8] = []
        out.reserveCapacity(count * 160)
        out.append(UInt8(ascii: "["))
        for (index, operation) in enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"op":"#.utf8)
            JSONWriter.writeString(operation.op.rawValue, into: &out)
            out.append(contentsOf: #","path":"#.utf8)
            operation.path.writeJSONString(into: &out)
            if let value = operation.value {
                out.append(contentsOf: #","value":"#.utf8)
                JSONWriter.write(value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}
