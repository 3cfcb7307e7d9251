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
package enum JSONScanner {
    /// Nesting depth at which scanning stops. A real Kubernetes object nests about 20
    /// levels; the limit keeps a body of 100,000 `[`s from growing the stack without bound.
    package static let maximumDepth = 512

    /// Validates `bytes` as one JSON document and returns its tape.
    package static func scan(_ bytes: UnsafeRawBufferPointer) throws(JSONScanError) -> JSONTape {
        // Offsets are 32 bits wide: the tape of a document past 4 GiB could not point into it.
        guard bytes.count < Int(UInt32.max) else {
            throw JSONScanError(offset: 0, reason: "document larger than 4 GiB")
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONScanError(offset: 0, reason: "unexpected end of input")
        }
        // Slot 0 stands for "no container", so the stack holds one more than the depth limit.
        let open = UnsafeMutablePointer<OpenContainer>.allocate(capacity: maximumDepth + 1)
        defer { open.deallocate() }
        return try document(base.assumingMemoryBound(to: UInt8.self), bytes.count, open).get()
    }

    /// The grammar as one loop: each turn reads one value (after the key, when the innermost
    /// container is an object), then closes every container that value ends, or reads the
    /// `,` after it and the next key.
    ///
    /// The position and the tape being written are locals, so they stay in registers; the
    /// open containers are a stack (`open`, slot 0 standing for "none"), each slot holding a
    /// container's tape index, its kind and the `,`s read in it so far. A container's entry is
    /// written when it opens and completed once, when it closes. Whitespace is looked for
    /// only where a byte is not the one expected (the apiserver sends compact JSON). The rare
    /// paths (escapes, non-ASCII text, every error) are functions the loop calls. A failure
    /// breaks out of the loop with the error, and frees the tape.
    static func document(
        _ p: UnsafePointer<UInt8>, _ end: Int, _ open: UnsafeMutablePointer<OpenContainer>
    ) -> Result<JSONTape, JSONScanError> {
        // About one value per 10 bytes in Kubernetes objects: room for one per 6 means no
        // reallocation for them, whatever their size (a large tape is mapped memory, and
        // pages never written cost nothing); any other document doubles it.
        var capacity = end / 6 &+ 16
        var entries = UnsafeMutablePointer<JSONTape.Entry>.allocate(capacity: capacity)
        // A turn writes at most two entries (a value, and a key after it or inside it), so
        // one test a turn keeps the tape large enough.
        var limit = capacity &- 1
        var count = 0
        // The innermost open container; `open` itself when none is.
        var top = open
        var failure: JSONScanError?

        var i = skipWhitespace(p, 0, end)
        scan: while true {
            if count >= limit {
                entries = grown(entries, count: count, capacity: capacity)
                capacity &*= 2
                limit = capacity &- 1
            }
            guard i < end else {
                failure = JSONScanError(offset: i, reason: "unexpected end of input")
                break scan
            }
            let first = p[i]
            switch first {
            case UInt8(ascii: "\""):
                if let error = string(p, &i, end, into: entries + count, next: count &+ 1) {
                    failure = error
                    break scan
                }
                count &+= 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard top - open < maximumDepth else {
                    failure = JSONScanError(offset: i, reason: "nested deeper than \(maximumDepth) levels")
                    break scan
                }
                let isObject = first == UInt8(ascii: "{")
                (entries + count).initialize(
                    to: JSONTape.Entry(
                        kind: isObject ? .object : .array, escaped: false, start: UInt32(truncatingIfNeeded: i),
                        count: 0, next: UInt32(truncatingIfNeeded: count &+ 1)))
                count &+= 1
                i &+= 1
                if i < end, p[i] <= 0x20 { i = skipWhitespace(p, i, end) }
                if i < end, p[i] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    i &+= 1
                    break
                }
                top += 1
                top.initialize(
                    to: OpenContainer(index: UInt32(truncatingIfNeeded: count &- 1), commas: 0, isObject: isObject))
                if isObject {
                    if let error = key(p, &i, end, into: entries + count, next: count &+ 1) {
                        failure = error
                        break scan
                    }
                    count &+= 1
                }
                continue scan
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                switch numberEnd(p, i, end) {
                case .success(let after):
                    (entries + count).initialize(to: scalar(.number, i, after, count))
                    count &+= 1
                    i = after
                case .failure(let error):
                    failure = error
                    break scan
                }
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                let (literal, kind): (StaticString, JSONTape.Kind) =
                    first == UInt8(ascii: "t")
                    ? ("true", .true) : first == UInt8(ascii: "f") ? ("false", .false) : ("null", .null)
                let length = literal.utf8CodeUnitCount
                guard end &- i >= length else {
                    failure = JSONScanError(offset: i, reason: "unexpected end of input")
                    break scan
                }
                for offset in 0..<length where p[i &+ offset] != literal.utf8Start[offset] {
                    failure = JSONScanError(offset: i, reason: "invalid literal")
                    break scan
                }
                (entries + count).initialize(to: scalar(kind, i, i &+ length, count))
                count &+= 1
                i &+= length
            case 0x20, 0x0A, 0x0D, 0x09:
                i = skipWhitespace(p, i, end)
                continue scan
            default:
                failure = JSONScanError(offset: i, reason: "unexpected character \(describe(first))")
                break scan
            }
            // A value ended: close every container it ends, or read the `,` after it.
            while true {
                guard top != open else {
                    i = skipWhitespace(p, i, end)
                    if i != end {
                        failure = JSONScanError(offset: i, reason: "unexpected data after the end of the document")
                    }
                    break scan
                }
                // Whitespace and the end of input are both found by one test: 0 stands for the end.
                var byte = i < end ? p[i] : 0
                if byte <= 0x20 {
                    i = skipWhitespace(p, i, end)
                    guard i < end else {
                        failure = JSONScanError(
                            offset: i,
                            reason: top.pointee.isObject
                                ? "unexpected end of input in object" : "unexpected end of input in array")
                        break scan
                    }
                    byte = p[i]
                }
                if byte == UInt8(ascii: ",") {
                    i &+= 1
                    top.pointee.commas &+= 1
                    if top.pointee.isObject {
                        if let error = key(p, &i, end, into: entries + count, next: count &+ 1) {
                            failure = error
                            break scan
                        }
                        count &+= 1
                    }
                    continue scan
                }
                guard byte == (top.pointee.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    failure = JSONScanError(
                        offset: i,
                        reason: top.pointee.isObject ? "expected ',' or '}' in object" : "expected ',' or ']' in array")
                    break scan
                }
                i &+= 1
                // A container closed here is not empty (an empty one is read as one value):
                // it has one member more than it has `,`s.
                let closed = entries + Int(top.pointee.index)
                closed.pointee.count = top.pointee.commas &+ 1
                closed.pointee.next = UInt32(truncatingIfNeeded: count)
                top -= 1
            }
        }
        if let failure {
            entries.deallocate()
            return .failure(failure)
        }
        return .success(JSONTape(entries: entries, count: count))
    }

    /// An open container: its tape index, the `,`s read in it so far, and its kind.
    struct OpenContainer {
        var index: UInt32
        var commas: UInt32
        var isObject: Bool
    }

    /// The entry of a number or literal from `start` to `after`, at tape index `index`.
    @inline(__always)
    static func scalar(_ kind: JSONTape.Kind, _ start: Int, _ after: Int, _ index: Int) -> JSONTape.Entry {
        JSONTape.Entry(
            kind: kind, escaped: false, start: UInt32(truncatingIfNeeded: start),
            count: UInt32(truncatingIfNeeded: after &- start), next: UInt32(truncatingIfNeeded: index &+ 1))
    }

    /// Reads the key expected at `i` (after any whitespace) and the `:` after it, and writes
    /// the key's entry; the problem, if any.
    @inline(__always)
    static func key(
        _ p: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int, into entry: UnsafeMutablePointer<JSONTape.Entry>,
        next: Int
    ) -> JSONScanError? {
        if i >= end || p[i] != UInt8(ascii: "\"") {
            i = skipWhitespace(p, i, end)
            guard i < end else { return JSONScanError(offset: i, reason: "unexpected end of input in object") }
            guard p[i] == UInt8(ascii: "\"") else { return JSONScanError(offset: i, reason: "expected a string key") }
        }
        if let error = string(p, &i, end, into: entry, next: next) { return error }
        if i < end, p[i] == UInt8(ascii: ":") {
            i &+= 1
        } else {
            i = skipWhitespace(p, i, end)
            guard i < end, p[i] == UInt8(ascii: ":") else {
                return JSONScanError(offset: i, reason: "expected ':' after key")
            }
            i &+= 1
        }
        return nil
    }

    /// Reads the string (a key or a value) whose opening quote is at `i`, moves past its
    /// closing quote and writes its entry; the problem, if any. Plain ASCII strings, most of
    /// them, are found inline; the rest go to `stringEnd`.
    @inline(__always)
    static func string(
        _ p: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int, into entry: UnsafeMutablePointer<JSONTape.Entry>,
        next: Int
    ) -> JSONScanError? {
        let start = i &+ 1
        let quote: Int
        var escaped = false
        if let plain = plainStringEnd(p, start, end) {
            quote = plain
        } else {
            switch stringEnd(p, start, end) {
            case .success(let (found, hasEscapes)):
                quote = found
                escaped = hasEscapes
            case .failure(let error):
                return error
            }
        }
        entry.initialize(
            to: JSONTape.Entry(
                kind: .string, escaped: escaped, start: UInt32(truncatingIfNeeded: start),
                count: UInt32(truncatingIfNeeded: quote &- start), next: UInt32(truncatingIfNeeded: next)))
        i = quote &+ 1
        return nil
    }

    @inline(__always)
    static func skipWhitespace(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var i = start
        while i < end {
            switch p[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i &+= 1
            default: return i
            }
        }
        return i
    }

    /// Room for more entries: `entries` moved to twice `capacity`.
    @inline(never)
    static func grown(
        _ entries: UnsafeMutablePointer<JSONTape.Entry>, count: Int, capacity: Int
    ) -> UnsafeMutablePointer<JSONTape.Entry> {
        let larger = UnsafeMutablePointer<JSONTape.Entry>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: entries, count: count)
        entries.deallocate()
        return larger
    }

    /// Where the closing quote of a string whose bytes start at `start` is, when the string
    /// is a plain ASCII run (no escape, no control character, no byte from 0x80) that ends
    /// at least 8 bytes before `end`: most strings. `nil` sends the string to `stringEnd`.
    @inline(__always)
    static func plainStringEnd(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var i = start
        let last = end &- 8
        while i <= last {
            let word = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            let special = specialBytes(word)
            if special != 0 {
                i &+= special.trailingZeroBitCount &>> 3
                return p[i] == UInt8(ascii: "\"") ? i : nil
            }
            i &+= 8
        }
        return nil
    }

    /// Any string, from its first byte at `start`: where its closing quote is and whether
    /// it holds escapes, or the first problem. Problems are reported in the order a reader
    /// meets them, except invalid UTF-8, which is reported (at the string's first byte) only
    /// for a string that is otherwise well formed: its bytes are checked whole once its end
    /// is found. A byte from 0x80 never looks like a quote, a backslash or a control
    /// character, so the end is found alike in valid and invalid text.
    @inline(never)
    static func stringEnd(
        _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int
    ) -> Result<(Int, Bool), JSONScanError> {
        var i = start
        var escaped = false
        // The bits of every byte outside an escape or'ed together: 0x80 set when any is
        // not ASCII.
        var bits: UInt8 = 0
        while true {
            while end &- i >= 8 {
                let special = specialBytes(UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)))
                if special != 0 {
                    i &+= special.trailingZeroBitCount &>> 3
                    break
                }
                i &+= 8
            }
            guard i < end else { return .failure(JSONScanError(offset: i, reason: "unterminated string")) }
            let byte = p[i]
            switch byte {
            case UInt8(ascii: "\""):
                // Overlong forms, surrogates and values past U+10FFFF are errors, exactly as
                // for `String(validating:)`.
                if bits >= 0x80,
                    transcode(
                        UnsafeBufferPointer(start: p + start, count: i &- start).makeIterator(),
                        from: UTF8.self, to: UTF32.self, stoppingOnError: true, into: { _ in })
                {
                    return .failure(JSONScanError(offset: start, reason: "string is not valid UTF-8"))
                }
                return .success((i, escaped))
            case UInt8(ascii: "\\"):
                escaped = true
                i &+= 1
                if case .failure(let error) = escape(p, &i, end) { return .failure(error) }
            case 0..<0x20:
                return .failure(JSONScanError(offset: i, reason: "control character in string"))
            default:
                bits |= byte
                i &+= 1
            }
        }
    }

    /// Reads the escape after a `\\` at `i - 1` and moves past it: the scalar it stands for,
    /// or the problem. The scanner checks every escape with it; `JSONView.unescaped` decodes
    /// them with it.
    static func escape(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int) -> Result<Unicode.Scalar, JSONScanError> {
        func fail(_ reason: String) -> Result<Unicode.Scalar, JSONScanError> {
            .failure(JSONScanError(offset: i, reason: reason))
        }
        func hex4() -> UInt32? {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = hexDigit(p[i]) else { return nil }
                value = value << 4 | digit
                i &+= 1
            }
            return value
        }
        guard i < end else { return fail("unterminated escape") }
        let escape = p[i]
        i &+= 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return .success(Unicode.Scalar(escape))
        case UInt8(ascii: "b"): return .success("\u{08}")
        case UInt8(ascii: "f"): return .success("\u{0C}")
        case UInt8(ascii: "n"): return .success("\n")
        case UInt8(ascii: "r"): return .success("\r")
        case UInt8(ascii: "t"): return .success("\t")
        case UInt8(ascii: "u"):
            guard end &- i >= 4 else { return fail("truncated \\u escape") }
            guard let code = hex4() else { return fail("invalid hex digit in \\u escape") }
            if (0xD800...0xDBFF).contains(code) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard end &- i >= 6, p[i] == UInt8(ascii: "\\"), p[i &+ 1] == UInt8(ascii: "u") else {
                    return fail("lone surrogate in \\u escape")
                }
                i &+= 2
                guard let low = hex4() else { return fail("invalid hex digit in \\u escape") }
                guard (0xDC00...0xDFFF).contains(low) else { return fail("invalid surrogate pair") }
                return .success(Unicode.Scalar(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))!)
            }
            guard let scalar = Unicode.Scalar(code) else { return fail("lone surrogate in \\u escape") }
            return .success(scalar)
        default:
            return fail("invalid escape \\\(describe(escape))")
        }
    }

    /// Where the number starting at `start` ends, or the problem.
    static func numberEnd(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Result<Int, JSONScanError> {
        var i = start
        func fail(_ reason: String) -> Result<Int, JSONScanError> { .failure(JSONScanError(offset: i, reason: reason)) }
        if p[i] == UInt8(ascii: "-") { i &+= 1 }
        guard i < end else { return fail("unexpected end of input in number") }
        if p[i] == UInt8(ascii: "0") {
            i &+= 1
        } else if isDigit(p[i]) {
            while i < end, isDigit(p[i]) { i &+= 1 }
        } else {
            return fail("invalid number")
        }
        if i < end, p[i] == UInt8(ascii: ".") {
            i &+= 1
            guard i < end, isDigit(p[i]) else { return fail("invalid number: digit expected after '.'") }
            while i < end, isDigit(p[i]) { i &+= 1 }
        }
        if i < end, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            i &+= 1
            if i < end, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i &+= 1 }
            guard i < end, isDigit(p[i]) else { return fail("invalid number: digit expected in exponent") }
            while i < end, isDigit(p[i]) { i &+= 1 }
        }
        return .success(i)
    }

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// The high bit of each of the 8 bytes of `word` (first byte lowest) that ends a plain
    /// run inside a string: `"`, `\`, a control character or a non-ASCII byte. Eight bytes
    /// are checked at once, which is what makes long values (annotations, env values,
    /// embedded documents) cheap; only the string scan knows about it.
    ///
    /// For a byte `x` below 0x80: `x ^ 0x02` is below 0x21 exactly when `x` is a control
    /// character or `"` (the xor swaps 0x20 and 0x22 and keeps 0x00...0x1F among
    /// themselves), so `(x ^ 0x02) - 0x21` has its high bit set exactly then; `(x ^ 0x5C) -
    /// 0x01` exactly when `x` is `\`. Bytes from 0x80 are marked by `word` itself. A borrow
    /// into the next byte starts only at a marked byte, so it can mark bytes after a marked
    /// one, never before: the lowest mark is exact, the first special byte.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let controlsOrQuotes = (word ^ (ones &* 0x02)) &- ones &* 0x21
        let backslashes = (word ^ (ones &* 0x5C)) &- ones
        return (controlsOrQuotes | backslashes | word) & 0x8080_8080_8080_8080
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
