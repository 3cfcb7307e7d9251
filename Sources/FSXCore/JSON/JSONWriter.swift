/// Serialises `JSONValue`s deterministically: members in stored order, no escaped slashes,
/// numbers as their source text.
public struct JSONWriter {
    public enum Style: Sendable {
        case compact
        /// Two-space indentation, for people.
        case pretty
    }

    /// The UTF-8 bytes of `value`.
    public static func bytes(_ value: JSONValue, style: Style = .compact) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out, style: style, indent: 0)
        return out
    }

    /// `value` as a string.
    public static func string(_ value: JSONValue, style: Style = .compact) -> String {
        String(decoding: bytes(value, style: style), as: UTF8.self)
    }

    public static func write(_ value: JSONValue, into out: inout [UInt8], style: Style = .compact) {
        write(value, into: &out, style: style, indent: 0)
    }

    static func write(_ value: JSONValue, into out: inout [UInt8], style: Style, indent: Int) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            if elements.isEmpty {
                out.append(contentsOf: "[]".utf8)
                return
            }
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, style, indent + 1)
                write(element, into: &out, style: style, indent: indent + 1)
            }
            newline(&out, style, indent)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty {
                out.append(contentsOf: "{}".utf8)
                return
            }
            out.append(UInt8(ascii: "{"))
            for (i, member) in object.members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, style, indent + 1)
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                if style == .pretty { out.append(UInt8(ascii: " ")) }
                write(member.value, into: &out, style: style, indent: indent + 1)
            }
            newline(&out, style, indent)
            out.append(UInt8(ascii: "}"))
        }
    }

    @inline(__always)
    static func newline(_ out: inout [UInt8], _ style: Style, _ indent: Int) {
        guard style == .pretty else { return }
        out.append(0x0A)
        for _ in 0..<(indent * 2) { out.append(0x20) }
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes a JSON string literal. Only `"`, `\` and control characters are escaped.
    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Native strings (all the decision makes) are contiguous UTF-8; the copy is for
        // bridged ones.
        if s.utf8.withContiguousStorageIfAvailable({ writeEscaped(UnsafeRawBufferPointer($0), into: &out) }) == nil {
            var copy = s
            copy.withUTF8 { writeEscaped(UnsafeRawBufferPointer($0), into: &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends `bytes`, escaped, in runs: most strings need no escape at all.
    static func writeEscaped(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        var run = 0
        var index = 0
        while index < bytes.count {
            // 8 bytes at a time over what needs no escape (as the parser scans strings).
            if bytes.count - index >= 8 {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let special = JSONParser.Cursor.escapedBytes(word)
                if special == 0 {
                    index += 8
                    continue
                }
                index += special.trailingZeroBitCount >> 3
            }
            let byte = bytes[index]
            index += 1
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            let at = index - 1
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run..<at]))
            out.append(0x5C)
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            default:
                out.append(UInt8(ascii: "u"))
                out.append(0x30)
                out.append(0x30)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
            run = index
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run..<bytes.count]))
    }

    /// `s` as a quoted JSON string, for messages that quote user input safely.
    public static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        writeString(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
