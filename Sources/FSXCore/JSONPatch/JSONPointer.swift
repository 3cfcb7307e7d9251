/// An RFC 6901 JSON Pointer.
///
/// Held as its escaped text (`/spec/containers/0/volumeMounts/-`, `~` as `~0`, `/` as `~1`):
/// that is what a patch writes, so writing one is a copy, and deriving a pointer per
/// container, volume, mount and term is one small array. Tokens are read back from the text
/// when asked for.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The escaped text, as UTF-8; empty for the whole document.
    var escaped: [UInt8]

    package init(_ tokens: [String] = []) {
        escaped = []
        for token in tokens { Self.append(key: token, to: &escaped) }
    }

    init(escaped: [UInt8]) { self.escaped = escaped }

    /// The unescaped tokens, from the root.
    public var tokens: [String] {
        get {
            guard !escaped.isEmpty else { return [] }
            return escaped.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map {
                Self.unescaped($0)
            }
        }
        set { self = JSONPointer(newValue) }
    }

    /// Parses the escaped text form (`/a~1b/0`); `nil` when it does not start with `/`.
    package init?(escaped text: String) {
        if text.isEmpty {
            self.init(escaped: [])
            return
        }
        guard text.hasPrefix("/") else { return nil }
        // Read as tokens and written again, so `~` not followed by 0 or 1 is kept as the
        // token's text and escaped once, as before.
        self.init(
            text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
                Self.unescaped(Array($0.utf8)[...])
            })
    }

    package static let root = JSONPointer()

    /// This pointer with one more token.
    func appending(_ token: String) -> JSONPointer {
        var copy = extended(by: 1 + token.utf8.count)
        Self.append(key: token, to: &copy)
        return JSONPointer(escaped: copy)
    }

    func appending(_ index: Int) -> JSONPointer {
        var copy = extended(by: 21)
        Self.append(index: index, to: &copy)
        return JSONPointer(escaped: copy)
    }

    /// This pointer and then `suffix`'s tokens: a constant suffix is escaped once, when made.
    func appending(_ suffix: JSONPointer) -> JSONPointer { JSONPointer(escaped: escaped + suffix.escaped) }

    /// This pointer with `index` and then `suffix`'s tokens (`containers/1/volumeMounts/-`).
    func appending(_ index: Int, then suffix: JSONPointer) -> JSONPointer {
        var copy = extended(by: 21 + suffix.escaped.count)
        Self.append(index: index, to: &copy)
        copy.append(contentsOf: suffix.escaped)
        return JSONPointer(escaped: copy)
    }

    /// A copy of the text with room for `count` more bytes: one allocation per derived
    /// pointer (a plain copy would be exactly sized, and the first append would allocate
    /// again).
    private func extended(by count: Int) -> [UInt8] {
        var copy: [UInt8] = []
        copy.reserveCapacity(escaped.count + count)
        copy.append(contentsOf: escaped)
        return copy
    }

    private static func append(index: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "/"))
        if index >= 0, index < 10 {
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: index))
        } else {
            out.append(contentsOf: String(index).utf8)
        }
    }

    /// `/` and the key, `~` and `/` escaped byte by byte, as RFC 6901 and the apiserver's
    /// json-patch read it: both are ASCII, so they never occur inside a multi-byte character.
    static func append(key: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "/"))
        var key = key
        key.withUTF8 { bytes in
            // Object paths have neither: copied whole.
            guard bytes.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else {
                out.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "~"): out.append(contentsOf: [UInt8(ascii: "~"), UInt8(ascii: "0")])
                case UInt8(ascii: "/"): out.append(contentsOf: [UInt8(ascii: "~"), UInt8(ascii: "1")])
                default: out.append(byte)
                }
            }
        }
    }

    /// A token's text: `~1` as `/`, then `~0` as `~` (RFC 6901 §4: in this order).
    static func unescaped(_ token: ArraySlice<UInt8>) -> String {
        guard token.contains(UInt8(ascii: "~")) else { return String(decoding: token, as: UTF8.self) }
        var out: [UInt8] = []
        var index = token.startIndex
        while index < token.endIndex {
            let byte = token[index]
            if byte == UInt8(ascii: "~"), index + 1 < token.endIndex,
                token[index + 1] == UInt8(ascii: "0") || token[index + 1] == UInt8(ascii: "1")
            {
                out.append(token[index + 1] == UInt8(ascii: "0") ? UInt8(ascii: "~") : UInt8(ascii: "/"))
                index += 2
            } else {
                out.append(byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The escaped text form: `~` as `~0`, `/` as `~1`.
    public var description: String { String(decoding: escaped, as: UTF8.self) }

    /// Writes `description` as a JSON string, as `JSONWriter.writeString` would, without
    /// making the string first: patches write one pointer per operation.
    func writeJSONString(into out: inout ByteWriter) {
        // One pass: object paths have nothing to escape and are copied 8 bytes at a time as
        // they are scanned (checking first, then copying, read them twice).
        escaped.withUnsafeBytes { out.appendQuoted($0) }
    }

    /// The same path written for people, dotted (`spec.template.spec.volumes[0]`).
    package var dotted: String {
        var out = ""
        for token in tokens {
            if Int(token) != nil {
                out.append("[\(token)]")
            } else {
                if !out.isEmpty { out.append(".") }
                out.append(token)
            }
        }
        return out
    }
}
