import FSXCore

extension SourceMap.Node {
    /// The positions in a JSON text `JSONParser` has accepted: one pass that records where
    /// each value and key starts, and decodes only keys with escapes. `nil` if the text is
    /// not the JSON it should be (it never is, after the parser).
    init?(json text: String) {
        var scanner = JSONPositionScanner(bytes: Array(text.utf8))
        scanner.skipByteOrderMark()
        guard let node = scanner.value(depth: 0) else { return nil }
        self = node
    }
}

/// Walks valid JSON bytes, keeping the line and column of the next byte.
struct JSONPositionScanner {
    let bytes: [UInt8]
    var offset = 0
    var position = SourcePosition(line: 1, column: 1)

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func skipByteOrderMark() {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
    }

    /// Consumes one byte: a new line after `\n`; a column per Unicode scalar, so UTF-8
    /// continuation bytes do not count.
    mutating func advance() {
        let byte = bytes[offset]
        offset += 1
        if byte == UInt8(ascii: "\n") {
            position.line += 1
            position.column = 1
        } else if byte & 0xC0 != 0x80 {
            position.column += 1
        }
    }

    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): advance()
            default: return
            }
        }
    }

    mutating func value(depth: Int) -> SourceMap.Node? {
        skipWhitespace()
        guard offset < bytes.count, depth <= JSONParser.maximumDepth else { return nil }
        let start = position
        switch bytes[offset] {
        case UInt8(ascii: "{"):
            advance()
            var members: [SourceMap.Member] = []
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
                advance()
                return .mapping(start, members)
            }
            while true {
                skipWhitespace()
                let keyPosition = position
                guard let key = string() else { return nil }
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { return nil }
                advance()
                guard let member = value(depth: depth + 1) else { return nil }
                members.append(SourceMap.Member(key: key, keyPosition: keyPosition, value: member))
                skipWhitespace()
                guard offset < bytes.count else { return nil }
                let separator = bytes[offset]
                advance()
                if separator == UInt8(ascii: "}") { return .mapping(start, members) }
                guard separator == UInt8(ascii: ",") else { return nil }
            }
        case UInt8(ascii: "["):
            advance()
            var elements: [SourceMap.Node] = []
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
                advance()
                return .sequence(start, elements)
            }
            while true {
                guard let element = value(depth: depth + 1) else { return nil }
                elements.append(element)
                skipWhitespace()
                guard offset < bytes.count else { return nil }
                let separator = bytes[offset]
                advance()
                if separator == UInt8(ascii: "]") { return .sequence(start, elements) }
                guard separator == UInt8(ascii: ",") else { return nil }
            }
        case UInt8(ascii: "\""):
            guard string() != nil else { return nil }
            return .scalar(start)
        default:
            // A number, true, false or null: up to the next delimiter.
            while offset < bytes.count {
                switch bytes[offset] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: " "), UInt8(ascii: "\t"),
                    UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                    return .scalar(start)
                default: advance()
                }
            }
            return .scalar(start)
        }
    }

    /// A string at the cursor, decoded; only one with escapes goes through the parser.
    mutating func string() -> String? {
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { return nil }
        let start = offset
        advance()
        var hasEscape = false
        while offset < bytes.count {
            let byte = bytes[offset]
            advance()
            if byte == UInt8(ascii: "\\") {
                hasEscape = true
                guard offset < bytes.count else { return nil }
                advance()
            } else if byte == UInt8(ascii: "\"") {
                let raw = bytes[start..<offset]
                if !hasEscape { return String(decoding: raw.dropFirst().dropLast(), as: UTF8.self) }
                guard case .string(let text)? = try? JSONParser.parse(raw) else { return nil }
                return text
            }
        }
        return nil
    }
}
