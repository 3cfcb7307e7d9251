/// An RFC 6901 JSON Pointer, held as unescaped reference tokens.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    public var tokens: [String]

    public init(_ tokens: [String] = []) { self.tokens = tokens }

    /// Parses the escaped text form (`/a~1b/0`); `nil` when it does not start with `/`.
    public init?(escaped text: String) {
        if text.isEmpty {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else { return nil }
        tokens = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            // Order matters (RFC 6901 §4): ~1 first, then ~0.
            String($0).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    public static let root = JSONPointer()

    /// This pointer with one more token.
    public func appending(_ token: String) -> JSONPointer { JSONPointer(tokens + [token]) }
    public func appending(_ index: Int) -> JSONPointer { JSONPointer(tokens + [String(index)]) }
    public func appending(contentsOf other: [String]) -> JSONPointer { JSONPointer(tokens + other) }

    /// The escaped text form: `~` as `~0`, `/` as `~1`.
    ///
    /// Escaped byte by byte, as RFC 6901 and the apiserver's json-patch read it: `~` and `/`
    /// are ASCII, so they never occur inside a multi-byte character.
    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(tokens.reduce(0) { $0 + $1.utf8.count + 1 })
        for token in tokens {
            out.append(UInt8(ascii: "/"))
            var token = token
            token.withUTF8 { utf8 in
                var run = 0
                for index in 0..<utf8.count where utf8[index] == UInt8(ascii: "~") || utf8[index] == UInt8(ascii: "/") {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<index]))
                    out.append(UInt8(ascii: "~"))
                    out.append(utf8[index] == UInt8(ascii: "~") ? UInt8(ascii: "0") : UInt8(ascii: "1"))
                    run = index + 1
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<utf8.count]))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes `description` as a JSON string, as `JSONWriter.writeString` would, without
    /// making the string first: patches write one pointer per operation.
    func writeJSONString(into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for token in tokens {
            out.append(UInt8(ascii: "/"))
            let plain = token.utf8.allSatisfy { byte in
                byte >= 0x20 && byte != UInt8(ascii: "~") && byte != UInt8(ascii: "/") && byte != UInt8(ascii: "\"")
                    && byte != UInt8(ascii: "\\")
            }
            if plain {
                out.append(contentsOf: token.utf8)
            } else {
                var escaped: [UInt8] = []
                JSONWriter.writeString(JSONPointer([token]).description, into: &escaped)
                // Without the quotes and the leading "/" (escaped as itself).
                out.append(contentsOf: escaped[2..<(escaped.count - 1)])
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The same path written for people, dotted (`spec.template.spec.volumes[0]`).
    public var dotted: String {
        var out = ""
        for token in tokens {
            if let _ = Int(token) {
                out.append("[\(token)]")
            } else {
                if !out.isEmpty { out.append(".") }
                out.append(token)
            }
        }
        return out
    }
}

extension String {
    /// Plain replacement without Foundation, so FSXCore needs nothing beyond the stdlib.
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty, self.contains(target) else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}
