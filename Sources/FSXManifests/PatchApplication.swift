import FSXCore

/// Applies RFC 6902 operations to a `JSONValue`, strictly, as the apiserver's JSON Patch
/// library does: `add` needs the parent to exist, `remove` and `replace` need the target,
/// array indexes must be in range. `mutate` uses it to show the object as it would be stored.
public enum PatchApplication {
    /// `document` with every operation applied in order; the first failing one stops it.
    public static func apply(_ operations: [PatchOperation], to document: JSONValue) throws(PatchError) -> JSONValue {
        var result = document
        for (index, operation) in operations.enumerated() {
            do {
                try apply(operation, to: &result)
            } catch {
                var located = error
                located.operationIndex = index
                throw located
            }
        }
        return result
    }

    static func apply(_ operation: PatchOperation, to document: inout JSONValue) throws(PatchError) {
        let path = operation.path
        switch operation.op {
        case .add:
            guard let value = operation.value else { throw PatchError(.missingValue, path) }
            if path.tokens.isEmpty {
                document = value
                return
            }
            try modify(&document, at: path.tokens[...], path: path, leaf: .add(value))
        case .replace:
            guard let value = operation.value else { throw PatchError(.missingValue, path) }
            if path.tokens.isEmpty {
                document = value
                return
            }
            try modify(&document, at: path.tokens[...], path: path, leaf: .replace(value))
        case .remove:
            guard !path.tokens.isEmpty else { throw PatchError(.cannotRemoveRoot, path) }
            try modify(&document, at: path.tokens[...], path: path, leaf: .remove)
        case .test:
            guard let value = operation.value else { throw PatchError(.missingValue, path) }
            guard let current = document.value(at: path) else { throw PatchError(.missingTarget, path) }
            guard current == value else { throw PatchError(.testFailed, path) }
        case .move, .copy:
            // `PatchOperation` carries no `from`, so these cannot be expressed; the webhook
            // never produces them.
            throw PatchError(.unsupportedOperation, path)
        }
    }

    enum Leaf {
        case add(JSONValue)
        case replace(JSONValue)
        case remove
    }

    /// Walks to the parent of the last token, then changes it in place.
    static func modify(
        _ node: inout JSONValue, at tokens: ArraySlice<String>, path: JSONPointer, leaf: Leaf
    ) throws(PatchError) {
        let token = tokens.first!
        let isLast = tokens.count == 1
        switch node {
        case .object(var object):
            if isLast {
                switch leaf {
                case .add(let value): object[token] = value
                case .replace(let value):
                    guard object[token] != nil else { throw PatchError(.missingTarget, path) }
                    object[token] = value
                case .remove:
                    guard object[token] != nil else { throw PatchError(.missingTarget, path) }
                    object[token] = nil
                }
            } else {
                guard var child = object[token] else { throw PatchError(.missingParent, path) }
                // Release the parent's reference so the child is changed in place, not copied.
                object[token] = .null
                try modify(&child, at: tokens.dropFirst(), path: path, leaf: leaf)
                object[token] = child
            }
            node = .object(object)
        case .array(var array):
            if isLast, case .add(let value) = leaf {
                if token == "-" {
                    array.append(value)
                } else {
                    guard let index = arrayIndex(token), index <= array.count else {
                        throw PatchError(.invalidIndex, path)
                    }
                    array.insert(value, at: index)
                }
            } else {
                guard let index = arrayIndex(token), index < array.count else {
                    throw PatchError(isLast ? .invalidIndex : .missingParent, path)
                }
                if isLast {
                    switch leaf {
                    case .replace(let value): array[index] = value
                    case .remove: array.remove(at: index)
                    case .add: break  // handled above
                    }
                } else {
                    var child = array[index]
                    array[index] = .null
                    try modify(&child, at: tokens.dropFirst(), path: path, leaf: leaf)
                    array[index] = child
                }
            }
            node = .array(array)
        default:
            throw PatchError(isLast ? .parentNotContainer : .missingParent, path)
        }
    }

    /// RFC 6901 array index: `0`, or digits without a leading zero.
    static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        guard token == "0" || !token.hasPrefix("0") else { return nil }
        return Int(token)
    }
}

/// Why a JSON Patch could not be applied; compared by value in tests.
public struct PatchError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        /// An intermediate path element does not exist.
        case missingParent
        /// `remove`, `replace` or `test` on a path that does not exist.
        case missingTarget
        /// The parent of the target is a string, number, boolean or null.
        case parentNotContainer
        /// Not a valid array index, or out of range.
        case invalidIndex
        /// `add`, `replace` or `test` without a value.
        case missingValue
        case cannotRemoveRoot
        case testFailed
        /// `move` and `copy`, which need a `from` the operation type does not carry.
        case unsupportedOperation
    }

    public var reason: Reason
    /// The operation's path, escaped.
    public var path: String
    /// Position of the failing operation in the patch.
    public var operationIndex: Int

    public init(_ reason: Reason, _ path: JSONPointer, operationIndex: Int = 0) {
        self.reason = reason
        self.path = path.description
        self.operationIndex = operationIndex
    }

    public var description: String {
        let what: String
        switch reason {
        case .missingParent: what = "the parent of the path does not exist"
        case .missingTarget: what = "nothing exists at the path"
        case .parentNotContainer: what = "the parent of the path is not an object or array"
        case .invalidIndex: what = "the array index is not valid or out of range"
        case .missingValue: what = "the operation has no value"
        case .cannotRemoveRoot: what = "the whole document cannot be removed"
        case .testFailed: what = "the value at the path is not the expected one"
        case .unsupportedOperation: what = "move and copy are not supported"
        }
        return "patch operation \(operationIndex) at \(path.isEmpty ? "(root)" : path): \(what)"
    }
}
