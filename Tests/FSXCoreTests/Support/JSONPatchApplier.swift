import FSXCore

/// An RFC 6902 JSON Patch applier for tests, written from the RFC and sharing no code with
/// the patch generation: it reads the patch in its wire form and parses pointers itself.
///
/// It is as strict as evanphx/json-patch v4, which the apiserver uses: `add` needs the
/// parent to exist, array indexes are checked (`-` appends, and only for `add`), and a
/// failed operation fails the whole patch.
enum JSONPatchApplier {
    struct Failure: Error, Equatable, CustomStringConvertible {
        /// Index of the failing operation in the patch.
        var operation: Int
        var reason: String
        var description: String { "operation \(operation): \(reason)" }
    }

    /// Applies `operations` as the apiserver would receive them: encoded, then decoded.
    static func apply(_ operations: [PatchOperation], to document: JSONValue) throws -> JSONValue {
        let wire = try JSONParser.parse(operations.jsonBytes)
        return try apply(wire, to: document)
    }

    /// Applies a patch given as its JSON array.
    static func apply(_ patch: JSONValue, to document: JSONValue) throws(Failure) -> JSONValue {
        guard case .array(let operations) = patch else {
            throw Failure(operation: -1, reason: "a patch is a JSON array, found \(patch.typeName)")
        }
        var result = document
        for (index, operation) in operations.enumerated() {
            do throws(Reason) {
                try apply(operation, to: &result)
            } catch {
                throw Failure(operation: index, reason: error.text)
            }
        }
        return result
    }

    struct Reason: Error {
        var text: String
        init(_ text: String) { self.text = text }
    }

    private static func apply(_ operation: JSONValue, to document: inout JSONValue) throws(Reason) {
        guard case .object(let fields) = operation else { throw Reason("an operation is an object") }
        guard case .string(let op)? = fields["op"] else { throw Reason("missing op") }
        guard case .string(let pathText)? = fields["path"] else { throw Reason("missing path") }
        let path = try tokens(pathText)
        switch op {
        case "add":
            try add(try member(fields, "value"), at: path, in: &document)
        case "remove":
            _ = try remove(at: path, in: &document)
        case "replace":
            let value = try member(fields, "value")
            _ = try get(path, in: document)
            _ = try remove(at: path, in: &document)
            try add(value, at: path, in: &document)
        case "move":
            let from = try tokens(try fromText(fields))
            if path.count > from.count, Array(path.prefix(from.count)) == from {
                throw Reason("cannot move a value into itself")
            }
            let value = try remove(at: from, in: &document)
            try add(value, at: path, in: &document)
        case "copy":
            let value = try get(try tokens(try fromText(fields)), in: document)
            try add(value, at: path, in: &document)
        case "test":
            let expected = try member(fields, "value")
            guard try get(path, in: document) == expected else { throw Reason("test failed at \(pathText)") }
        default:
            throw Reason("unknown op \(op)")
        }
    }

    private static func member(_ fields: JSONObject, _ key: String) throws(Reason) -> JSONValue {
        guard let value = fields[key] else { throw Reason("missing \(key)") }
        return value
    }

    private static func fromText(_ fields: JSONObject) throws(Reason) -> String {
        guard case .string(let text)? = fields["from"] else { throw Reason("missing from") }
        return text
    }

    /// RFC 6901 §3–4: `/`-separated tokens, `~1` is `/`, `~0` is `~`, any other `~` is an error.
    static func tokens(_ pointer: String) throws(Reason) -> [String] {
        if pointer.isEmpty { return [] }
        guard pointer.first == "/" else { throw Reason("pointer \(pointer) does not start with /") }
        var result: [String] = []
        var current = ""
        var escaping = false
        for character in pointer.dropFirst() {
            if escaping {
                switch character {
                case "0": current.append("~")
                case "1": current.append("/")
                default: throw Reason("bad escape ~\(character) in \(pointer)")
                }
                escaping = false
            } else if character == "~" {
                escaping = true
            } else if character == "/" {
                result.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        if escaping { throw Reason("pointer \(pointer) ends inside an escape") }
        result.append(current)
        return result
    }

    /// An array index as RFC 6901 allows it: `0` or digits without a leading zero.
    private static func index(_ token: String, count: Int, allowEnd: Bool) throws(Reason) -> Int {
        if allowEnd, token == "-" { return count }
        guard !token.isEmpty, token.allSatisfy(\.isASCII), token.allSatisfy(\.isNumber),
            token == "0" || token.first != "0", let value = Int(token)
        else { throw Reason("\(token) is not an array index") }
        guard value < count || (allowEnd && value == count) else {
            throw Reason("index \(value) is out of range for an array of \(count)")
        }
        return value
    }

    static func get(_ path: [String], in document: JSONValue) throws(Reason) -> JSONValue {
        var current = document
        for token in path {
            switch current {
            case .object(let object):
                guard let next = object[token] else { throw Reason("no member \(token)") }
                current = next
            case .array(let array):
                current = array[try index(token, count: array.count, allowEnd: false)]
            default:
                throw Reason("cannot descend into a \(current.typeName) with \(token)")
            }
        }
        return current
    }

    /// Runs `body` on the value at `path`, which must exist, writing the change back.
    private static func modify(
        _ path: ArraySlice<String>, in document: inout JSONValue, _ body: (inout JSONValue) throws(Reason) -> Void
    ) throws(Reason) {
        guard let token = path.first else {
            try body(&document)
            return
        }
        switch document {
        case .object(var object):
            guard var child = object[token] else { throw Reason("parent is missing: no member \(token)") }
            try modify(path.dropFirst(), in: &child, body)
            object[token] = child
            document = .object(object)
        case .array(var array):
            let position = try index(token, count: array.count, allowEnd: false)
            var child = array[position]
            try modify(path.dropFirst(), in: &child, body)
            array[position] = child
            document = .array(array)
        default:
            throw Reason("cannot descend into a \(document.typeName) with \(token)")
        }
    }

    private static func add(_ value: JSONValue, at path: [String], in document: inout JSONValue) throws(Reason) {
        guard let last = path.last else {
            document = value
            return
        }
        try modify(path.dropLast(), in: &document) { (parent: inout JSONValue) throws(Reason) in
            switch parent {
            case .object(var object):
                object[last] = value
                parent = .object(object)
            case .array(var array):
                array.insert(value, at: try index(last, count: array.count, allowEnd: true))
                parent = .array(array)
            default:
                throw Reason("cannot add \(last) to a \(parent.typeName)")
            }
        }
    }

    private static func remove(at path: [String], in document: inout JSONValue) throws(Reason) -> JSONValue {
        guard let last = path.last else { throw Reason("cannot remove the whole document") }
        var removed = JSONValue.null
        try modify(path.dropLast(), in: &document) { (parent: inout JSONValue) throws(Reason) in
            switch parent {
            case .object(var object):
                guard let value = object[last] else { throw Reason("no member \(last) to remove") }
                removed = value
                object[last] = nil
                parent = .object(object)
            case .array(var array):
                removed = array.remove(at: try index(last, count: array.count, allowEnd: false))
                parent = .array(array)
            default:
                throw Reason("cannot remove \(last) from a \(parent.typeName)")
            }
        }
        return removed
    }
}
