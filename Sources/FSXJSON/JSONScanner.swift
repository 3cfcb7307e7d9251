/// Why a byte sequence is not acceptable JSON: where the scan stopped, and why.
package struct JSONScanError: Error, Sendable, Equatable {
    package var offset: Int
    package var reason: String
}

/// A strict RFC 8259 validator over UTF-8 bytes that records, in the same single pass, the
/// flat tape of the document (`JSONTape`). Nothing else is built: no strings, no arrays.
///
/// It does not recurse: open containers are a stack of tape indices, so hostile nesting
/// costs memory proportional to the limit, never stack. Errors come in the order a reader
/// meets them, each at the byte where it was found, with the reasons `JSONParseError`
/// reports (the differential tests hold them equal to the reference parser's).
package struct JSONScanner: ~Copyable {
    /// Nesting depth at which scanning stops. A real Kubernetes object nests about 20
    /// levels; the limit keeps a body of 100,000 `[`s from growing the stack without bound.
    package static let maximumDepth = 512

    let bytes: UnsafeRawBufferPointer
    var index = 0
    let end: Int
    var entries: [JSONTape.Entry] = []
    /// The tape indices of the open containers, innermost last.
    var open: [UInt32] = []

    /// Validates `bytes` as one JSON document and returns its tape.
    package static func scan(_ bytes: UnsafeRawBufferPointer) throws(JSONScanError) -> JSONTape {
        // Offsets are 32 bits wide: the tape of a document past 4 GiB could not point into it.
        guard bytes.count < Int(UInt32.max) else {
            throw JSONScanError(offset: 0, reason: "document larger than 4 GiB")
        }
        var scanner = JSONScanner(bytes: bytes, end: bytes.count)
        // About one value per 12 bytes in Kubernetes objects; the tape grows if need be.
        scanner.entries.reserveCapacity(min(bytes.count / 12 + 4, 1 << 16))
        try scanner.scanDocument()
        return JSONTape(entries: scanner.entries)
    }

    func fail(_ reason: String) -> JSONScanError { JSONScanError(offset: index, reason: reason) }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < end {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index &+= 1
            default: return
            }
        }
    }

    @inline(__always)
    mutating func record(_ kind: JSONTape.Kind, start: Int, count: Int, escaped: Bool = false) {
        let next = UInt32(truncatingIfNeeded: entries.count &+ 1)
        entries.append(
            JSONTape.Entry(
                kind: kind, escaped: escaped, start: UInt32(truncatingIfNeeded: start),
                count: UInt32(truncatingIfNeeded: count), next: next))
    }

    /// The grammar as a loop over three states: a value is expected, a key is expected, or
    /// a value just ended and the innermost container says what may follow.
    mutating func scanDocument() throws(JSONScanError) {
        skipWhitespace()
        var expectingKey = false
        while true {
            if expectingKey {
                try scanKey()
                expectingKey = false
            }
            // A value.
            guard index < end else { throw fail("unexpected end of input") }
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = bytes[index] == UInt8(ascii: "{")
                guard open.count < Self.maximumDepth else {
                    throw fail("nested deeper than \(Self.maximumDepth) levels")
                }
                record(isObject ? .object : .array, start: index, count: 0)
                index &+= 1
                skipWhitespace()
                if index < end, bytes[index] == UInt8(ascii: isObject ? "}" : "]") {
                    index &+= 1
                } else {
                    open.append(UInt32(truncatingIfNeeded: entries.count &- 1))
                    expectingKey = isObject
                    if !isObject { skipWhitespace() }
                    continue
                }
            case UInt8(ascii: "\""):
                try scanString()
            case UInt8(ascii: "t"):
                try scanLiteral("true", .true)
            case UInt8(ascii: "f"):
                try scanLiteral("false", .false)
            case UInt8(ascii: "n"):
                try scanLiteral("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = index
                try scanNumber()
                record(.number, start: start, count: index &- start)
            default:
                throw fail("unexpected character \(Self.describe(bytes[index]))")
            }
            // A value ended: close every container it ends.
            while true {
                guard let container = open.last else {
                    skipWhitespace()
                    if index != end { throw fail("unexpected data after the end of the document") }
                    return
                }
                let position = Int(container)
                entries[position].count &+= 1
                let isObject = entries[position].kind == .object
                skipWhitespace()
                guard index < end else {
                    throw fail(isObject ? "unexpected end of input in object" : "unexpected end of input in array")
                }
                let byte = bytes[index]
                if byte == UInt8(ascii: ",") {
                    index &+= 1
                    expectingKey = isObject
                    if !isObject { skipWhitespace() }
                    break
                }
                guard byte == UInt8(ascii: isObject ? "}" : "]") else {
                    throw fail(isObject ? "expected ',' or '}' in object" : "expected ',' or ']' in array")
                }
                index &+= 1
                entries[position].next = UInt32(truncatingIfNeeded: entries.count)
                open.removeLast()
            }
        }
    }

    /// `"key"` and the `:` after it; on return `index` is at the value.
    @inline(__always)
    mutating func scanKey() throws(JSONScanError) {
        skipWhitespace()
        guard index < end else { throw fail("unexpected end of input in object") }
        guard bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
        try scanString()
        skipWhitespace()
        guard index < end, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after key") }
        index &+= 1
        skipWhitespace()
    }

    mutating func scanLiteral(_ literal: StaticString, _ kind: JSONTape.Kind) throws(JSONScanError) {
        let count = literal.utf8CodeUnitCount
        guard end &- index >= count else { throw fail("unexpected end of input") }
        let base = literal.utf8Start
        for offset in 0..<count where bytes[index &+ offset] != base[offset] {
            throw fail("invalid literal")
        }
        record(kind, start: index, count: count)
        index &+= count
    }

    mutating func scanNumber() throws(JSONScanError) {
        if bytes[index] == UInt8(ascii: "-") { index &+= 1 }
        guard index < end else { throw fail("unexpected end of input in number") }
        if bytes[index] == UInt8(ascii: "0") {
            index &+= 1
        } else if Self.isDigit(bytes[index]) {
            while index < end, Self.isDigit(bytes[index]) { index &+= 1 }
        } else {
            throw fail("invalid number")
        }
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index &+= 1
            guard index < end, Self.isDigit(bytes[index]) else {
                throw fail("invalid number: digit expected after '.'")
            }
            while index < end, Self.isDigit(bytes[index]) { index &+= 1 }
        }
        if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index &+= 1
            if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index &+= 1 }
            guard index < end, Self.isDigit(bytes[index]) else {
                throw fail("invalid number: digit expected in exponent")
            }
            while index < end, Self.isDigit(bytes[index]) { index &+= 1 }
        }
    }

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// The high bit of each of the 8 bytes of `word` (first byte lowest) that ends a plain
    /// run inside a string: `"`, `\`, a control character or a non-ASCII byte. Eight bytes
    /// are checked at once, which is what makes long values (annotations, env values,
    /// embedded documents) cheap; only these few lines know about it.
    ///
    /// For a byte below 0x80, `x - 0x01` has its high bit set exactly when `x` is zero, and
    /// `x - 0x20` when `x` is below 0x20; bytes from 0x80 are marked by `word` itself. Only
    /// a marked byte borrows, so a borrow can mark bytes after a marked one, never before:
    /// the lowest mark is exact, the first special byte.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let controls = word &- ones &* 0x20
        let quotes = (word ^ (ones &* 0x22)) &- ones
        let backslashes = (word ^ (ones &* 0x5C)) &- ones
        return (controls | quotes | backslashes | word) & 0x8080_8080_8080_8080
    }

    /// Validates the string whose opening quote is at `index`, records it, and moves past
    /// its closing quote.
    ///
    /// Problems are reported in the order a reader meets them, except invalid UTF-8, which
    /// is reported (at the string's first byte) only for a string that is otherwise well
    /// formed.
    mutating func scanString() throws(JSONScanError) {
        index &+= 1
        let start = index
        var escaped = false
        var validUTF8 = true
        while true {
            // Plain bytes, 8 at a time (loads are unaligned, little-endian by construction).
            while end &- index >= 8 {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let special = Self.specialBytes(word)
                if special != 0 {
                    index &+= special.trailingZeroBitCount &>> 3
                    break
                }
                index &+= 8
            }
            guard index < end else { throw fail("unterminated string") }
            let byte = bytes[index]
            if byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                index &+= 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                index &+= 1
                guard validUTF8 else { throw JSONScanError(offset: start, reason: "string is not valid UTF-8") }
                record(.string, start: start, count: index &- 1 &- start, escaped: escaped)
                return
            case UInt8(ascii: "\\"):
                escaped = true
                index &+= 1
                try scanEscape()
            case 0..<0x20:
                throw fail("control character in string")
            default:
                // An invalid byte is skipped alone so a following quote is still seen.
                let length = Self.utf8SequenceLength(bytes, at: index, end: end)
                if length == 0 {
                    validUTF8 = false
                    index &+= 1
                } else {
                    index &+= length
                }
            }
        }
    }

    /// The length of the well-formed UTF-8 sequence at `position`, or 0 if there is none
    /// (overlong forms, surrogates and values past U+10FFFF are not well-formed, exactly as
    /// for `String(validating:)`).
    @inline(__always)
    static func utf8SequenceLength(_ bytes: UnsafeRawBufferPointer, at position: Int, end: Int) -> Int {
        let remaining = end &- position
        @inline(__always) func continuation(_ offset: Int) -> Bool { bytes[position &+ offset] & 0xC0 == 0x80 }
        let first = bytes[position]
        switch first {
        case 0xC2...0xDF:
            return remaining >= 2 && continuation(1) ? 2 : 0
        case 0xE0...0xEF:
            guard remaining >= 3 else { return 0 }
            let second = bytes[position &+ 1]
            let valid: Bool
            switch first {
            case 0xE0: valid = second >= 0xA0 && second <= 0xBF
            case 0xED: valid = second >= 0x80 && second <= 0x9F
            default: valid = second & 0xC0 == 0x80
            }
            return valid && continuation(2) ? 3 : 0
        case 0xF0...0xF4:
            guard remaining >= 4 else { return 0 }
            let second = bytes[position &+ 1]
            let valid: Bool
            switch first {
            case 0xF0: valid = second >= 0x90 && second <= 0xBF
            case 0xF4: valid = second >= 0x80 && second <= 0x8F
            default: valid = second & 0xC0 == 0x80
            }
            return valid && continuation(2) && continuation(3) ? 4 : 0
        default:
            return 0
        }
    }

    /// The escape after a `\` at `index - 1`.
    mutating func scanEscape() throws(JSONScanError) {
        guard index < end else { throw fail("unterminated escape") }
        let escape = bytes[index]
        index &+= 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return
        case UInt8(ascii: "u"):
            let code = try scanHex4()
            if (0xD800...0xDBFF).contains(code) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard end &- index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index &+ 1] == UInt8(ascii: "u")
                else { throw fail("lone surrogate in \\u escape") }
                index &+= 2
                let low = try scanHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid surrogate pair") }
            } else if (0xDC00...0xDFFF).contains(code) {
                throw fail("lone surrogate in \\u escape")
            }
        default:
            throw fail("invalid escape \\\(Self.describe(escape))")
        }
    }

    mutating func scanHex4() throws(JSONScanError) -> UInt32 {
        guard end &- index >= 4 else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Self.hexDigit(bytes[index]) else { throw fail("invalid hex digit in \\u escape") }
            value = value << 4 | digit
            index &+= 1
        }
        return value
    }

    @inline(__always)
    static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte &- 0x30)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte &- 0x61 &+ 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte &- 0x41 &+ 10)
        default: return nil
        }
    }

    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "0x" + String(byte, radix: 16, uppercase: true)
    }
}
