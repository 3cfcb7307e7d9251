/// An RFC 6901 JSON Pointer, held as unescaped reference tokens.
///
/// Stored as a chain from the last token back to the root, each link shared by every
/// pointer that extends it: the mutation derives a pointer per container, volume, mount
/// and term it reads, and `appending` is then one small allocation instead of a copy of
/// every token. An array index stays an integer until the pointer is written, and several
/// keys appended at once are one link holding their array (a constant array costs nothing).
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// One token and the pointer it extends.
    @usableFromInline final class Link: Sendable {
        let parent: Link?
        let token: Token
        /// Tokens up to and including this one.
        let count: Int

        init(parent: Link?, token: Token) {
            self.parent = parent
            self.token = token
            let width: Int
            if case .keys(let index, let keys) = token {
                width = (index == nil ? 0 : 1) + keys.count
            } else {
                width = 1
            }
            self.count = (parent?.count ?? 0) + width
        }
    }

    enum Token: Sendable {
        case key(String)
        case index(Int)
        /// Several tokens in one link: an optional index, then keys; never fewer than two.
        case keys(index: Int?, [String])
    }

    /// The last token; `nil` for the whole document.
    var last: Link?

    public init(_ tokens: [String] = []) {
        var link: Link?
        for token in tokens { link = Link(parent: link, token: .key(token)) }
        last = link
    }

    init(last: Link?) { self.last = last }

    /// The unescaped tokens, from the root.
    public var tokens: [String] {
        get {
            var tokens: [String] = []
            tokens.reserveCapacity(last?.count ?? 0)
            Self.forEach(from: last) { token in
                switch token {
                case .key(let key): tokens.append(key)
                case .index(let index): tokens.append(String(index))
                case .keys: break
                }
            }
            return tokens
        }
        set { self = JSONPointer(newValue) }
    }

    /// Parses the escaped text form (`/a~1b/0`); `nil` when it does not start with `/`.
    public init?(escaped text: String) {
        if text.isEmpty {
            self.init(last: nil)
            return
        }
        guard text.hasPrefix("/") else { return nil }
        self.init(
            text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
                // Order matters (RFC 6901 §4): ~1 first, then ~0.
                String($0).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            })
    }

    public static let root = JSONPointer()

    /// This pointer with one more token.
    public func appending(_ token: String) -> JSONPointer {
        JSONPointer(last: Link(parent: last, token: .key(token)))
    }
    public func appending(_ index: Int) -> JSONPointer {
        JSONPointer(last: Link(parent: last, token: .index(index)))
    }
    public func appending(contentsOf other: [String]) -> JSONPointer {
        switch other.count {
        case 0: return self
        case 1: return appending(other[0])
        default: return JSONPointer(last: Link(parent: last, token: .keys(index: nil, other)))
        }
    }

    /// This pointer with `index` and then `keys`, as one link: the end of an array inside
    /// an array element (`containers/1/volumeMounts/-`) costs one allocation, not three.
    func appending(_ index: Int, then keys: [String]) -> JSONPointer {
        keys.isEmpty ? appending(index) : JSONPointer(last: Link(parent: last, token: .keys(index: index, keys)))
    }

    /// The same tokens, however they were appended (`.index(0)` equals `.key("0")`).
    public static func == (lhs: JSONPointer, rhs: JSONPointer) -> Bool {
        lhs.last === rhs.last || (lhs.last?.count == rhs.last?.count && lhs.tokens == rhs.tokens)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(tokens)
    }

    /// Calls `body` with each token from the root (a single key or index, never `.keys`),
    /// without collecting them first.
    private static func forEach(from link: Link?, _ body: (Token) -> Void) {
        guard let link else { return }
        forEach(from: link.parent, body)
        if case .keys(let index, let keys) = link.token {
            if let index { body(.index(index)) }
            for key in keys { body(.key(key)) }
        } else {
            body(link.token)
        }
    }

    /// The escaped text form: `~` as `~0`, `/` as `~1`.
    ///
    /// Escaped byte by byte, as RFC 6901 and the apiserver's json-patch read it: `~` and `/`
    /// are ASCII, so they never occur inside a multi-byte character.
    public var description: String {
        var out: [UInt8] = []
        Self.forEach(from: last) { token in
            out.append(UInt8(ascii: "/"))
            switch token {
            case .index(let index): Self.writeDecimal(index, into: &out)
            case .keys: break
            case .key(var key):
                key.withUTF8 { utf8 in
                    var run = 0
                    for index in 0..<utf8.count
                    where utf8[index] == UInt8(ascii: "~") || utf8[index] == UInt8(ascii: "/") {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<index]))
                        out.append(UInt8(ascii: "~"))
                        out.append(utf8[index] == UInt8(ascii: "~") ? UInt8(ascii: "0") : UInt8(ascii: "1"))
                        run = index + 1
                    }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<utf8.count]))
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes `description` as a JSON string, as `JSONWriter.writeString` would, without
    /// making the string first: patches write one pointer per operation.
    func writeJSONString(into out: inout [UInt8]) {
        var writer = ByteWriter(capacity: 64)
        writeJSONString(into: &writer)
        out.append(contentsOf: writer.bytes(from: 0))
    }

    func writeJSONString(into out: inout ByteWriter) {
        out.append(UInt8(ascii: "\""))
        Self.writeEscaped(from: last, into: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// The tokens up to `link`, from the root, escaped for a pointer and then for a JSON
    /// string. The links are gathered unretained on the stack (the pointer holds them all)
    /// and written from the root: no closure and no reference counting per token, and a
    /// token's bytes copied as one buffer instead of appended one by one.
    private static func writeEscaped(from last: Link?, into out: inout ByteWriter) {
        guard let last else { return }
        withExtendedLifetime(last) {
            withUnsafeTemporaryAllocation(of: Unmanaged<Link>.self, capacity: last.count) { chain in
                var depth = 0
                var link = Unmanaged.passUnretained(last)
                while true {
                    chain[depth] = link
                    depth += 1
                    guard let parent = link._withUnsafeGuaranteedRef({ $0.parent }) else { break }
                    link = Unmanaged.passUnretained(parent)
                }
                while depth > 0 {
                    depth -= 1
                    chain[depth]._withUnsafeGuaranteedRef { writeEscaped(token: $0.token, into: &out) }
                }
            }
        }
    }

    private static func writeEscaped(token: Token, into out: inout ByteWriter) {
        switch token {
        case .key(let key):
            writeEscaped(key: key, into: &out)
        case .index(let index):
            out.append(UInt8(ascii: "/"))
            writeDecimal(index, into: &out)
        case .keys(let index, let keys):
            if let index {
                out.append(UInt8(ascii: "/"))
                writeDecimal(index, into: &out)
            }
            for key in keys { writeEscaped(key: key, into: &out) }
        }
    }

    private static func writeEscaped(key: String, into out: inout ByteWriter) {
        out.append(UInt8(ascii: "/"))
        let plain = key.utf8.withContiguousStorageIfAvailable { utf8 in
            // Nothing to escape, for the pointer (`~`, `/`) or for JSON (`"`, `\`, controls):
            // every key of a Kubernetes object path.
            for byte in utf8
            where byte < 0x20 || byte == UInt8(ascii: "~") || byte == UInt8(ascii: "/")
                || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            {
                return false
            }
            out.append(UnsafeRawBufferPointer(utf8))
            return true
        }
        if plain != true {
            var escaped: [UInt8] = []
            JSONWriter.writeString(JSONPointer([key]).description, into: &escaped)
            // Without the quotes and the leading "/" (escaped as itself).
            escaped[2..<(escaped.count - 1)].withUnsafeBytes { out.append($0) }
        }
    }

    /// `String(value)`'s bytes, without making the string.
    private static func writeDecimal(_ value: Int, into out: inout ByteWriter) {
        // Most indexes are single digits: containers, volumes, terms.
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var digits: [UInt8] = []
        writeDecimal(value, into: &digits)
        digits.withUnsafeBytes { out.append($0) }
    }

    /// `String(value)`'s bytes, without making the string.
    private static func writeDecimal(_ value: Int, into out: inout [UInt8]) {
        if value < 0 {
            out.append(contentsOf: String(value).utf8)
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(20 - count)...]))
        }
    }

    /// The same path written for people, dotted (`spec.template.spec.volumes[0]`).
    public var dotted: String {
        var out = ""
        Self.forEach(from: last) { token in
            switch token {
            case .index(let index):
                out.append("[\(index)]")
            case .keys: break
            case .key(let key):
                if let _ = Int(key) {
                    out.append("[\(key)]")
                } else {
                    if !out.isEmpty { out.append(".") }
                    out.append(key)
                }
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
