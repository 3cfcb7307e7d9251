/// Why a byte sequence is not acceptable JSON.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset in the input where the problem was found.
    public var offset: Int
    public var reason: String

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A strict RFC 8259 parser over UTF-8 bytes, in one pass, producing a lossless `JSONValue`.
///
/// It is written against raw bytes rather than Foundation's `JSONSerialization` because it
/// runs on the admission hot path: no bridging, no `Any`, and numbers are kept as text.
/// docs/performance.md tells what the hot loops are shaped by.
public struct JSONParser {
    /// Nesting depth at which parsing stops. A real Kubernetes object nests about 20 levels;
    /// the limit exists so hostile input (100,000 `[`s) ends with an error instead of a stack
    /// overflow on a server thread. 512 levels of recursion stay far below any thread's stack.
    public static let maximumDepth = 512

    /// How deep `skipValue`'s fast pass nests: the kinds of its open containers fit in one
    /// word. Deeper values take the general path.
    static let quickNesting = 63

    /// Parses a complete JSON document; trailing non-whitespace is an error.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> =
            bytes.withContiguousStorageIfAvailable { buffer in
                parseResult(UnsafeRawBufferPointer(buffer))
            } ?? Array(bytes).withUnsafeBytes { parseResult($0) }
        return try result.get()
    }

    /// Parses a JSON document held in a string.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { parseResult(UnsafeRawBufferPointer($0)) }
        return try result.get()
    }

    /// Parses a whole document, building what `selection` reads (JSONSelection.swift).
    static func parseResult(
        _ buffer: UnsafeRawBufferPointer, selection: JSONSelection = .everything
    ) -> Result<JSONValue, JSONParseError> {
        var cursor = Cursor(buffer)
        do throws(JSONParseError) {
            return .success(try cursor.parseDocument(selection: selection))
        } catch {
            return .failure(error)
        }
    }

    /// Whether `bytes` is one valid JSON document, without building it.
    static func isValid(_ buffer: UnsafeRawBufferPointer) -> Bool {
        var cursor = Cursor(buffer)
        do throws(JSONParseError) {
            cursor.skipWhitespace()
            try cursor.skipValue(depth: 0)
            cursor.skipWhitespace()
            return cursor.index == cursor.end
        } catch {
            return false
        }
    }

    /// What `Cursor.scanString` found.
    enum ScannedString {
        /// No escapes: the string is the bytes in `start..<end`, already validated.
        case raw(start: Int, end: Int)
        /// Escapes were decoded into the cursor's `scratch` (when asked to decode).
        case decoded
    }

    /// The parsing state over one input buffer. Not copyable: it owns the stacks that open
    /// arrays and objects collect their elements on.
    struct Cursor: ~Copyable {
        let bytes: UnsafeRawBufferPointer
        var index: Int
        let end: Int
        var values = ParseStack<JSONValue>()
        var members = ParseStack<JSONObject.Member>()
        /// A hash of each key on `members`, so duplicate keys are found without comparing
        /// every pair of strings.
        var keyHashes = ParseStack<UInt64>()
        /// Where strings with escapes are decoded; reused so decoding allocates rarely.
        var scratch = ParseStack<UInt8>()
        /// For `skipValueExactly`: one bit per open container, set for objects. Nesting is
        /// limited to `maximumDepth` levels, so once made this never grows; made on first
        /// use, since most parses never take that path.
        var openObjects: [UInt64] = []

        /// `JSONParser.SmallString.isAvailable`, read once per parse.
        let smallStrings = JSONParser.SmallString.isAvailable

        init(_ bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
            self.index = 0
            self.end = bytes.count
        }

        func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

        mutating func parseDocument(selection: JSONSelection = .everything) throws(JSONParseError) -> JSONValue {
            skipWhitespace()
            let value = try parseValue(depth: 0, selection: selection)
            skipWhitespace()
            if index != end {
                throw JSONParseError(offset: index, reason: "unexpected data after the end of the document")
            }
            return value
        }

        @inline(__always)
        mutating func skipWhitespace() {
            while index < end {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
            guard index < end else { throw fail("unexpected end of input") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["):
                return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""):
                return .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = try scanNumber()
                return .number(string(start, index))
            default:
                throw fail("unexpected character \(describe(bytes[index]))")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
            let count = literal.utf8CodeUnitCount
            guard end - index >= count else { throw fail("unexpected end of input") }
            let base = literal.utf8Start
            for offset in 0..<count where bytes[index + offset] != base[offset] {
                throw fail("invalid literal")
            }
            index += count
        }

        @inline(__always)
        func checkDepth(_ depth: Int) throws(JSONParseError) {
            guard depth <= JSONParser.maximumDepth else {
                throw fail("nested deeper than \(JSONParser.maximumDepth) levels")
            }
        }

        /// Reads `"key"` and the `:` after it; on return `index` is at the value.
        @inline(__always)
        mutating func scanKey(decode: Bool = true) throws(JSONParseError) -> ScannedString {
            skipWhitespace()
            guard index < end else { throw fail("unexpected end of input in object") }
            guard bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try scanString(decode: decode)
            skipWhitespace()
            guard index < end, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after key") }
            index += 1
            skipWhitespace()
            return key
        }

        /// After a member's value: `true` at the closing `}`, `false` after a `,`.
        @inline(__always)
        mutating func endOfMember() throws(JSONParseError) -> Bool {
            skipWhitespace()
            guard index < end else { throw fail("unexpected end of input in object") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                return false
            case UInt8(ascii: "}"):
                index += 1
                return true
            default: throw fail("expected ',' or '}' in object")
            }
        }

        /// After an element: `true` at the closing `]`, `false` after a `,`.
        @inline(__always)
        mutating func endOfElement() throws(JSONParseError) -> Bool {
            skipWhitespace()
            guard index < end else { throw fail("unexpected end of input in array") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                return false
            case UInt8(ascii: "]"):
                index += 1
                return true
            default: throw fail("expected ',' or ']' in array")
            }
        }

        /// Skips `{` and whitespace; `true` when the object is empty (its `}` skipped too).
        @inline(__always)
        mutating func openObject(depth: Int) throws(JSONParseError) -> Bool {
            try checkDepth(depth)
            index += 1
            skipWhitespace()
            if index < end, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return true
            }
            return false
        }

        /// Skips `[` and whitespace; `true` when the array is empty (its `]` skipped too).
        @inline(__always)
        mutating func openArray(depth: Int) throws(JSONParseError) -> Bool {
            try checkDepth(depth)
            index += 1
            skipWhitespace()
            if index < end, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return true
            }
            return false
        }

        mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
            if try openObject(depth: depth) { return .object(JSONObject()) }
            let start = members.count
            repeat {
                let key = try scanKey()
                let (name, hash) = keyString(key)
                let value = try parseValue(depth: depth)
                pushMember(name, hash, value)
            } while try !endOfMember()
            return .object(popObject(from: start))
        }

        mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
            if try openArray(depth: depth) { return .array([]) }
            let start = values.count
            repeat {
                skipWhitespace()
                values.push(try parseValue(depth: depth))
            } while try !endOfElement()
            return .array(values.pop(from: start))
        }

        @inline(__always)
        mutating func pushMember(_ key: consuming String, _ hash: UInt64, _ value: consuming JSONValue) {
            members.push(JSONObject.Member(key: key, value: value))
            keyHashes.push(hash)
        }

        /// The object made of the members pushed since `start`. Kubernetes objects never
        /// repeat a key, so the common case is proving that cheaply from the key hashes; a
        /// repeat (or a hash collision) takes the general path, where the last value wins.
        mutating func popObject(from start: Int) -> JSONObject {
            let count = members.count - start
            let hashStart = keyHashes.count - count
            var unique = true
            if count > 16 {
                var seen = Set<UInt64>(minimumCapacity: count)
                for i in hashStart..<keyHashes.count where !seen.insert(keyHashes[i]).inserted {
                    unique = false
                    break
                }
            } else if count > 1 {
                search: for i in (hashStart + 1)..<keyHashes.count {
                    let hash = keyHashes[i]
                    for j in hashStart..<i where keyHashes[j] == hash {
                        unique = false
                        break search
                    }
                }
            }
            keyHashes.remove(from: hashStart)
            let list = members.pop(from: start)
            return unique ? JSONObject(uniqueMembers: list) : JSONObject(list)
        }

        /// The key as a string, and its hash for `popObject`.
        ///
        /// `mutating`, like `string` and `memberIndex`, though it changes nothing: a
        /// non-mutating method called from a mutating one is given a copy of the whole cursor
        /// (137 bytes, by `memcpy`), once per key.
        @inline(__always)
        mutating func keyString(_ key: ScannedString) -> (String, UInt64) {
            switch key {
            case .raw(let start, let end):
                return (string(start, end), Self.hash(UnsafeRawBufferPointer(rebasing: bytes[start..<end])))
            case .decoded:
                return scratch.withUnsafeBytes { (String(decoding: $0, as: UTF8.self), Self.hash($0)) }
            }
        }

        /// A hash of a key, 8 bytes at a time and then byte by byte (FNV-1a's basis and a
        /// multiplicative mix). A collision only sends `popObject` to its general path.
        @inline(__always)
        static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(truncatingIfNeeded: bytes.count)
            var offset = 0
            while bytes.count &- offset >= 8 {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                hash = (hash ^ word) &* 0x9E37_79B9_7F4A_7C15
                hash ^= hash &>> 29
                offset &+= 8
            }
            while offset < bytes.count {
                hash = (hash ^ UInt64(bytes[offset])) &* 0x100_0000_01b3
                offset &+= 1
            }
            return hash
        }

        /// The string in `start..<end`, which is valid UTF-8.
        ///
        /// Most strings of a body are short ASCII (keys, names, enum values): those are made
        /// directly as small strings (`JSONParser.SmallString`), which costs a few
        /// instructions where `String(decoding:as:)` validates and dispatches for a hundred.
        @inline(__always)
        mutating func string(_ start: Int, _ end: Int) -> String {
            let count = end - start
            if count < 16, self.end - start >= 16, smallStrings {
                var low = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: start, as: UInt64.self))
                var high = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 8, as: UInt64.self))
                if count < 8 {
                    low &= (1 << UInt64(count &* 8)) &- 1
                    high = 0
                } else {
                    high &= (1 << UInt64((count &- 8) &* 8)) &- 1
                }
                if (low | high) & 0x8080_8080_8080_8080 == 0 {
                    return JSONParser.SmallString.make(low, high, count: count)
                }
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }

        mutating func parseString() throws(JSONParseError) -> String {
            switch try scanString(decode: true) {
            case .raw(let start, let end): return string(start, end)
            case .decoded: return scratch.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
            }
        }

        /// Scans a number at `index`, returning where it starts.
        mutating func scanNumber() throws(JSONParseError) -> Int {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < end else { throw fail("unexpected end of input in number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else if isDigit(bytes[index]) {
                while index < end, isDigit(bytes[index]) { index += 1 }
            } else {
                throw fail("invalid number")
            }
            if index < end, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard index < end, isDigit(bytes[index]) else { throw fail("invalid number: digit expected after '.'") }
                while index < end, isDigit(bytes[index]) { index += 1 }
            }
            if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard index < end, isDigit(bytes[index]) else {
                    throw fail("invalid number: digit expected in exponent")
                }
                while index < end, isDigit(bytes[index]) { index += 1 }
            }
            return start
        }

        @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

        /// The high bit of each of the 8 bytes of `word` (first byte lowest) that ends a plain
        /// run inside a string: `"`, `\`, a control character or a non-ASCII byte. Checking 8
        /// bytes at once is what makes long values (annotations, env values, embedded
        /// documents) cheap.
        ///
        /// For a byte below 0x80, `x - 0x01` has its high bit set exactly when `x` is zero,
        /// and `x - 0x20` when `x` is below 0x20; bytes from 0x80 are marked by `word`
        /// itself, so, unlike in `escapedBytes`, no `& ~x` is needed. Only a marked byte
        /// borrows, so a borrow can mark bytes after a marked one, never before: the lowest
        /// mark is exact, the first special byte.
        @inline(__always)
        static func specialBytes(_ word: UInt64) -> UInt64 {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let controls = word &- ones &* 0x20
            let quotes = (word ^ (ones &* 0x22)) &- ones
            let backslashes = (word ^ (ones &* 0x5C)) &- ones
            return (controls | quotes | backslashes | word) & 0x8080_8080_8080_8080
        }

        /// As `specialBytes`, but without non-ASCII bytes: those a writer must escape.
        @inline(__always)
        static func escapedBytes(_ word: UInt64) -> UInt64 {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let quotes = word ^ (ones &* 0x22)
            let backslashes = word ^ (ones &* 0x5C)
            let controls = (word &- ones &* 0x20) & ~word
            return (controls | ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes))
                & 0x8080_8080_8080_8080
        }

        /// Moves `index` over plain string bytes, 8 at a time, to the first special byte (or
        /// to the last few bytes of the input, which the caller checks one by one).
        @inline(__always)
        mutating func skipPlainRun() {
            while end - index >= 8 {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let special = Self.specialBytes(word)
                if special != 0 {
                    index += special.trailingZeroBitCount >> 3
                    return
                }
                index += 8
            }
        }

        /// The length of the well-formed UTF-8 sequence at `position`, or 0 if there is
        /// none (overlong forms, surrogates and values past U+10FFFF are not well-formed,
        /// exactly as for `String(validating:)`).
        @inline(__always)
        func utf8SequenceLength(at position: Int) -> Int {
            let remaining = end - position
            @inline(__always) func continuation(_ offset: Int) -> Bool { bytes[position + offset] & 0xC0 == 0x80 }
            switch bytes[position] {
            case 0xC2...0xDF:
                return remaining >= 2 && continuation(1) ? 2 : 0
            case 0xE0...0xEF:
                guard remaining >= 3 else { return 0 }
                let second = bytes[position + 1]
                let valid: Bool
                switch bytes[position] {
                case 0xE0: valid = second >= 0xA0 && second <= 0xBF
                case 0xED: valid = second >= 0x80 && second <= 0x9F
                default: valid = second & 0xC0 == 0x80
                }
                return valid && continuation(2) ? 3 : 0
            case 0xF0...0xF4:
                guard remaining >= 4 else { return 0 }
                let second = bytes[position + 1]
                let valid: Bool
                switch bytes[position] {
                case 0xF0: valid = second >= 0x90 && second <= 0xBF
                case 0xF4: valid = second >= 0x80 && second <= 0x8F
                default: valid = second & 0xC0 == 0x80
                }
                return valid && continuation(2) && continuation(3) ? 4 : 0
            default:
                return 0
            }
        }

        /// Validates the string whose opening quote is at `index` and moves past its closing
        /// quote. With `decode`, a string with escapes is decoded into `scratch`.
        ///
        /// Most strings are a short plain ASCII run ending in a quote: that is found here, 8
        /// bytes at a time and with nothing else to check; any other string is scanned again
        /// from its quote by `scanStringExactly`.
        @inline(__always)
        mutating func scanString(decode: Bool) throws(JSONParseError) -> ScannedString {
            let start = index &+ 1
            if let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                let after = Self.plainStringEnd(p, from: start, end: end)
            {
                index = after
                return .raw(start: start, end: after &- 1)
            }
            return try scanStringExactly(decode: decode)
        }

        /// Just past the quote that ends the plain ASCII run from `start`, or `nil` when the run
        /// ends otherwise or within 8 bytes of `end`. Only local values and wrapping arithmetic
        /// (positions are within the buffer), so the loop stays in registers.
        @inline(__always)
        static func plainStringEnd(_ p: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int? {
            var j = start
            let last = end &- 8
            while j <= last {
                let word = UInt64(littleEndian: UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self))
                let special = specialBytes(word)
                if special != 0 {
                    j &+= special.trailingZeroBitCount &>> 3
                    return p[j] == UInt8(ascii: "\"") ? j &+ 1 : nil
                }
                j &+= 8
            }
            return nil
        }

        /// `scanString` without its fast path.
        ///
        /// Problems are reported in the order a reader meets them, except invalid UTF-8,
        /// which is reported (at the string's start) only for a string that is otherwise
        /// well formed.
        mutating func scanStringExactly(decode: Bool) throws(JSONParseError) -> ScannedString {
            index += 1
            let start = index
            var escaped = false
            var validUTF8 = true
            var run = index  // the start of the bytes not yet copied to `scratch`
            while true {
                skipPlainRun()
                guard index < end else { throw fail("unterminated string") }
                let byte = bytes[index]
                if byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                    index += 1
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""):
                    if escaped, decode {
                        scratch.append(UnsafeRawBufferPointer(rebasing: bytes[run..<index]))
                    }
                    index += 1
                    guard validUTF8 else { throw JSONParseError(offset: start, reason: "string is not valid UTF-8") }
                    return escaped ? .decoded : .raw(start: start, end: index - 1)
                case UInt8(ascii: "\\"):
                    if decode {
                        if !escaped { scratch.remove(from: 0) }
                        scratch.append(UnsafeRawBufferPointer(rebasing: bytes[run..<index]))
                    }
                    escaped = true
                    index += 1
                    try scanEscape(decode: decode)
                    run = index
                case 0..<0x20:
                    throw fail("control character in string")
                default:
                    // Stays in the run, copied with it; an invalid byte is skipped alone so
                    // a following quote is still seen.
                    let length = utf8SequenceLength(at: index)
                    if length == 0 {
                        validUTF8 = false
                        index += 1
                    } else {
                        index += length
                    }
                }
            }
        }

        /// The escape after a `\` at `index - 1`.
        mutating func scanEscape(decode: Bool) throws(JSONParseError) {
            guard index < end else { throw fail("unterminated escape") }
            let escape = bytes[index]
            index += 1
            let decoded: UInt8
            switch escape {
            case UInt8(ascii: "\""): decoded = 0x22
            case UInt8(ascii: "\\"): decoded = 0x5C
            case UInt8(ascii: "/"): decoded = 0x2F
            case UInt8(ascii: "b"): decoded = 0x08
            case UInt8(ascii: "f"): decoded = 0x0C
            case UInt8(ascii: "n"): decoded = 0x0A
            case UInt8(ascii: "r"): decoded = 0x0D
            case UInt8(ascii: "t"): decoded = 0x09
            case UInt8(ascii: "u"):
                var code = try parseHex4()
                if (0xD800...0xDBFF).contains(code) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if end - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid surrogate pair") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        throw fail("lone surrogate in \\u escape")
                    }
                } else if (0xDC00...0xDFFF).contains(code) {
                    throw fail("lone surrogate in \\u escape")
                }
                guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
                if decode { for byte in UTF8.encode(scalar)! { scratch.push(byte) } }
                return
            default:
                throw fail("invalid escape \\\(describe(escape))")
            }
            if decode { scratch.push(decoded) }
        }

        mutating func parseHex4() throws(JSONParseError) -> UInt32 {
            guard end - index >= 4 else { throw fail("truncated \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
                default: throw fail("invalid hex digit in \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        func describe(_ byte: UInt8) -> String {
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "0x" + String(byte, radix: 16, uppercase: true)
        }
    }
}

extension JSONParser {
    /// Short ASCII strings made from their bytes, in the layout the standard library gives a
    /// small string on a 64-bit little-endian platform: up to 15 bytes of UTF-8 in place,
    /// then a byte with the flags (immortal, ASCII, small) and the count.
    ///
    /// That layout is not public API, so it is used only after checking, once per process,
    /// that strings of every length made by the standard library have exactly these bits;
    /// otherwise the parser makes every string with `String(decoding:as:)`.
    enum SmallString {
        static let isAvailable: Bool = {
            guard MemoryLayout<String>.size == 16, MemoryLayout<(UInt64, UInt64)>.size == 16,
                UInt64(littleEndian: 1) == 1
            else { return false }
            let sample = Array("abcdefghijklmno".utf8)
            for count in 0...15 {
                let made = String(decoding: sample[0..<count], as: UTF8.self)
                let bits = unsafeBitCast(made, to: (UInt64, UInt64).self)
                var low: UInt64 = 0
                var high: UInt64 = 0
                for (offset, byte) in sample[0..<count].enumerated() {
                    if offset < 8 {
                        low |= UInt64(byte) << UInt64(offset * 8)
                    } else {
                        high |= UInt64(byte) << UInt64((offset - 8) * 8)
                    }
                }
                guard bits == word(low, high, count: count) else { return false }
            }
            return true
        }()

        @inline(__always)
        static func word(_ low: UInt64, _ high: UInt64, count: Int) -> (UInt64, UInt64) {
            (low, high | (0xE0 | UInt64(count)) << 56)
        }

        /// The string of `count` (below 16) ASCII bytes held in `low` then `high`, the bytes
        /// past `count` zero. Only when `isAvailable`.
        @inline(__always)
        static func make(_ low: UInt64, _ high: UInt64, count: Int) -> String {
            unsafeBitCast(word(low, high, count: count), to: String.self)
        }
    }
}
