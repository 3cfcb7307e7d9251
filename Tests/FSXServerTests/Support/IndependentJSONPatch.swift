import FSXCore
import Foundation

/// RFC 6902 applied the way evanphx/json-patch (the apiserver's library) does, written
/// apart from the production code so a shared misunderstanding cannot hide: `add` needs
/// the parent to exist, `-` appends, a missing path fails the whole patch.
enum IndependentJSONPatch {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func apply(_ operations: JSONValue, to document: JSONValue) throws -> JSONValue {
        guard case .array(let list) = operations else { throw Failure(description: "patch is not an array") }
        var result = document
        for operation in list {
            guard let op = operation["op"]?.stringValue, let path = operation["path"]?.stringValue else {
                throw Failure(description: "operation without op or path: \(JSONWriter.string(operation))")
            }
            let tokens = try pointer(path)
            switch op {
            case "add":
                guard let value = operation["value"] else { throw Failure(description: "add without value") }
                result = try add(value, at: tokens[...], in: result)
            case "replace":
                guard let value = operation["value"] else { throw Failure(description: "replace without value") }
                _ = try get(tokens[...], in: result)
                result = try remove(tokens[...], in: result)
                result = try add(value, at: tokens[...], in: result)
            case "remove":
                result = try remove(tokens[...], in: result)
            case "test":
                guard try get(tokens[...], in: result) == operation["value"] else {
                    throw Failure(description: "test failed at \(path)")
                }
            default:
                throw Failure(description: "operation \(op) not expected from this webhook")
            }
        }
        return result
    }

    static func pointer(_ text: String) throws -> [String] {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw Failure(description: "pointer \(text) does not start with /") }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func get(_ tokens: ArraySlice<String>, in value: JSONValue) throws -> JSONValue {
        guard let first = tokens.first else { return value }
        switch value {
        case .object(let object):
            guard let child = object[first] else { throw Failure(description: "no member \(first)") }
            return try get(tokens.dropFirst(), in: child)
        case .array(let array):
            guard let index = Int(first), array.indices.contains(index) else {
                throw Failure(description: "no index \(first)")
            }
            return try get(tokens.dropFirst(), in: array[index])
        default:
            throw Failure(description: "cannot descend into a scalar at \(first)")
        }
    }

    static func add(_ new: JSONValue, at tokens: ArraySlice<String>, in value: JSONValue) throws -> JSONValue {
        guard let first = tokens.first else { return new }
        let last = tokens.count == 1
        switch value {
        case .object(var object):
            if last {
                object[first] = new
            } else {
                guard let child = object[first] else { throw Failure(description: "add: missing parent \(first)") }
                object[first] = try add(new, at: tokens.dropFirst(), in: child)
            }
            return .object(object)
        case .array(var array):
            if last {
                if first == "-" {
                    array.append(new)
                } else {
                    guard let index = Int(first), index >= 0, index <= array.count else {
                        throw Failure(description: "add: bad index \(first)")
                    }
                    array.insert(new, at: index)
                }
            } else {
                guard let index = Int(first), array.indices.contains(index) else {
                    throw Failure(description: "add: missing parent index \(first)")
                }
                array[index] = try add(new, at: tokens.dropFirst(), in: array[index])
            }
            return .array(array)
        default:
            throw Failure(description: "add: parent of \(first) is a scalar")
        }
    }

    static func remove(_ tokens: ArraySlice<String>, in value: JSONValue) throws -> JSONValue {
        guard let first = tokens.first else { throw Failure(description: "cannot remove the root") }
        let last = tokens.count == 1
        switch value {
        case .object(var object):
            guard let child = object[first] else { throw Failure(description: "remove: missing \(first)") }
            object[first] = last ? nil : try remove(tokens.dropFirst(), in: child)
            return .object(object)
        case .array(var array):
            guard let index = Int(first), array.indices.contains(index) else {
                throw Failure(description: "remove: bad index \(first)")
            }
            if last { array.remove(at: index) } else { array[index] = try remove(tokens.dropFirst(), in: array[index]) }
            return .array(array)
        default:
            throw Failure(description: "remove: parent of \(first) is a scalar")
        }
    }
}
