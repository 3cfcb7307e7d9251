extension JSONParser.Cursor {
    /// Validates the value at `index` exactly as `parseValue(depth:)` would, without
    /// building it: the same grammar, the same depth limit, the same UTF-8 checks, the same
    /// errors.
    ///
    /// A fast pass (`skipValueQuickly`) takes what real bodies are made of; on anything else,
    /// every error included, the value is skipped again from its start by
    /// `skipValueExactly`, so errors and their offsets are exactly the parser's.
    mutating func skipValue(depth: Int) throws(JSONParseError) {
        let start = index
        if depth + JSONParser.quickNesting <= JSONParser.maximumDepth, skipValueQuickly() { return }
        index = start
        try skipValueExactly(depth: depth)
    }

    /// Skips the value at `index` if it is valid, nests at most `JSONParser.quickNesting`
    /// levels and is made of plain strings (escapes and non-ASCII go through `scanString`),
    /// numbers and literals; `false` otherwise, with `index` anywhere.
    ///
    /// Per token it does only what a valid compact body needs: the apiserver's bodies have
    /// about one string every 8 bytes, so the cost per string is the cost of the body. It
    /// works on a local position and keeps the kinds of the open containers in one word.
    @inline(__always)
    private mutating func skipValueQuickly() -> Bool {
        guard index < end, let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        let end = self.end
        var i = index
        // One bit per open container, 1 for an object, above a sentinel 1.
        var open: UInt64 = 1
        // Whitespace is looked for only where the expected byte is not found: compact
        // bodies have none. Positions stay within the buffer, so arithmetic wraps unchecked.
        while true {
            // At a value.
            guard i < end else { return false }
            switch p[i] {
            case UInt8(ascii: "\""):
                guard skipStringQuickly(p, &i, end) else { return false }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard open < 1 << 63 else { return false }
                let isObject = p[i] == UInt8(ascii: "{")
                i &+= 1
                Self.skipSpace(p, &i, end)
                guard i < end else { return false }
                if p[i] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    i &+= 1
                } else {
                    open = open &<< 1 | (isObject ? 1 : 0)
                    if isObject {
                        guard skipKeyQuickly(p, &i, end) else { return false }
                    }
                    continue
                }
            case UInt8(ascii: "t"):
                guard end &- i >= 4, UnsafeRawPointer(p + i).loadUnaligned(as: UInt32.self) == Self.trueWord
                else { return false }
                i &+= 4
            case UInt8(ascii: "f"):
                guard end &- i >= 5, UnsafeRawPointer(p + i + 1).loadUnaligned(as: UInt32.self) == Self.alseWord
                else { return false }
                i &+= 5
            case UInt8(ascii: "n"):
                guard end &- i >= 4, UnsafeRawPointer(p + i).loadUnaligned(as: UInt32.self) == Self.nullWord
                else { return false }
                i &+= 4
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard skipNumberExactly(&i) else { return false }
            case 0x20, 0x0A, 0x0D, 0x09:
                Self.skipSpace(p, &i, end)
                continue
            default:
                return false
            }
            // After a value: close containers until one continues.
            while open != 1 {
                guard i < end else { return false }
                let byte = p[i]
                if byte == UInt8(ascii: ",") {
                    i &+= 1
                    if open & 1 == 1 {
                        guard skipKeyQuickly(p, &i, end) else { return false }
                    }
                    break
                } else if byte == (open & 1 == 1 ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    i &+= 1
                    open &>>= 1
                } else if byte <= 0x20 {
                    Self.skipSpace(p, &i, end)
                    guard i < end, p[i] > 0x20 else { return false }
                } else {
                    return false
                }
            }
            if open == 1 {
                index = i
                return true
            }
        }
    }

    /// Moves `i` over whitespace.
    @inline(__always)
    private static func skipSpace(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int) {
        while i < end, p[i] <= 0x20, p[i] == 0x20 || p[i] == 0x0A || p[i] == 0x0D || p[i] == 0x09 { i &+= 1 }
    }

    /// `"true"`, `"alse"` and `"null"` as the little-endian words `loadUnaligned` reads.
    private static var trueWord: UInt32 { UInt32(littleEndian: 0x6575_7274) }
    private static var alseWord: UInt32 { UInt32(littleEndian: 0x6573_6C61) }
    private static var nullWord: UInt32 { UInt32(littleEndian: 0x6C6C_756E) }

    /// A key, the `:` after it and any whitespace around, from `i` at the key's quote (or
    /// whitespace before it).
    @inline(__always)
    private mutating func skipKeyQuickly(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int) -> Bool {
        guard i < end else { return false }
        if p[i] != UInt8(ascii: "\"") {
            Self.skipSpace(p, &i, end)
            guard i < end, p[i] == UInt8(ascii: "\"") else { return false }
        }
        guard skipStringQuickly(p, &i, end), i < end else { return false }
        if p[i] != UInt8(ascii: ":") {
            Self.skipSpace(p, &i, end)
            guard i < end, p[i] == UInt8(ascii: ":") else { return false }
        }
        i &+= 1
        return true
    }

    /// The string whose quote is at `i`: a plain ASCII run ending in a quote is found 8
    /// bytes at a time; anything else (an escape, non-ASCII, the last bytes of the input)
    /// goes through `scanString` from the quote.
    @inline(__always)
    private mutating func skipStringQuickly(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int) -> Bool {
        if let after = JSONParser.Cursor.plainStringEnd(p, from: i &+ 1, end: end) {
            i = after
            return true
        }
        return skipStringExactly(&i)
    }

    /// A number, by `scanNumber`, out of line.
    @inline(never)
    private mutating func skipNumberExactly(_ i: inout Int) -> Bool {
        index = i
        do { _ = try scanNumber() } catch { return false }
        i = index
        return true
    }

    /// `skipStringQuickly`'s general path, out of line.
    @inline(never)
    private mutating func skipStringExactly(_ i: inout Int) -> Bool {
        index = i
        do { _ = try scanStringExactly(decode: false) } catch { return false }
        i = index
        return true
    }

    /// `skipValue` without the fast pass: the reference for its errors.
    mutating func skipValueExactly(depth: Int) throws(JSONParseError) {
        if openObjects.isEmpty { openObjects = [UInt64](repeating: 0, count: JSONParser.maximumDepth / 64 + 1) }
        enum Next { case value, key, afterValue }
        var next = Next.value
        var valueDepth = depth
        var open = 0  // containers opened here; bit `open` of `isObject` says which kind
        while true {
            switch next {
            case .value:
                guard index < end else { throw fail("unexpected end of input") }
                switch bytes[index] {
                case UInt8(ascii: "{"):
                    try checkDepth(valueDepth + 1)
                    index += 1
                    skipWhitespace()
                    if index < end, bytes[index] == UInt8(ascii: "}") {
                        index += 1
                        next = .afterValue
                    } else {
                        setOpenContainer(open, isObject: true)
                        open += 1
                        valueDepth += 1
                        next = .key
                    }
                case UInt8(ascii: "["):
                    try checkDepth(valueDepth + 1)
                    index += 1
                    skipWhitespace()
                    if index < end, bytes[index] == UInt8(ascii: "]") {
                        index += 1
                        next = .afterValue
                    } else {
                        setOpenContainer(open, isObject: false)
                        open += 1
                        valueDepth += 1
                        skipWhitespace()
                    }
                case UInt8(ascii: "\""):
                    _ = try scanString(decode: false)
                    next = .afterValue
                case UInt8(ascii: "t"):
                    try expectLiteral("true")
                    next = .afterValue
                case UInt8(ascii: "f"):
                    try expectLiteral("false")
                    next = .afterValue
                case UInt8(ascii: "n"):
                    try expectLiteral("null")
                    next = .afterValue
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    _ = try scanNumber()
                    next = .afterValue
                default:
                    throw fail("unexpected character \(describe(bytes[index]))")
                }
            case .key:
                _ = try scanKey(decode: false)
                next = .value
            case .afterValue:
                guard open > 0 else { return }
                if isOpenObject(open - 1) {
                    if try endOfMember() {
                        open -= 1
                        valueDepth -= 1
                    } else {
                        next = .key
                    }
                } else {
                    if try endOfElement() {
                        open -= 1
                        valueDepth -= 1
                    } else {
                        skipWhitespace()
                        next = .value
                    }
                }
            }
        }
    }

    @inline(__always)
    private mutating func setOpenContainer(_ level: Int, isObject: Bool) {
        let bit: UInt64 = 1 << UInt64(level & 63)
        if isObject { openObjects[level >> 6] |= bit } else { openObjects[level >> 6] &= ~bit }
    }

    @inline(__always)
    private func isOpenObject(_ level: Int) -> Bool {
        openObjects[level >> 6] & (1 << UInt64(level & 63)) != 0
    }

    /// Parses the value at `index`, building only what `selection` reads; the rest is
    /// validated by `skipValue`, so the input is accepted or refused exactly as by
    /// `parseValue(depth:)`.
    mutating func parseValue(depth: Int, selection: JSONSelection) throws(JSONParseError) -> JSONValue {
        guard index < end else { throw fail("unexpected end of input") }
        switch selection {
        case .everything:
            return try parseValue(depth: depth)
        case .object(let named, let others):
            guard bytes[index] == UInt8(ascii: "{") else { return try parseValue(depth: depth) }
            return try parseObject(depth: depth + 1, named: named, others: others)
        case .array(let element):
            guard bytes[index] == UInt8(ascii: "[") else { return try parseValue(depth: depth) }
            if try openArray(depth: depth + 1) { return .array([]) }
            let start = values.count
            repeat {
                skipWhitespace()
                values.push(try parseValue(depth: depth + 1, selection: element))
            } while try !endOfElement()
            return .array(values.pop(from: start))
        }
    }

    private mutating func parseObject(
        depth: Int, named: [JSONSelection.Member], others: JSONSelection?
    ) throws(JSONParseError) -> JSONValue {
        if try openObject(depth: depth) { return .object(JSONObject()) }
        let start = members.count
        repeat {
            let key = try scanKey()
            if let found = memberIndex(key, among: named) {
                // The selection's own key string: no string is made for a named key.
                pushMember(
                    named[found].key, named[found].hash, try parseValue(depth: depth, selection: named[found].selection)
                )
            } else if let others {
                let (name, hash) = keyString(key)
                pushMember(name, hash, try parseValue(depth: depth, selection: others))
            } else {
                try skipValue(depth: depth)
            }
        } while try !endOfMember()
        return .object(popObject(from: start))
    }

    /// Where in `named` the member `key` is, matched on its bytes so skipped keys make no
    /// string: a key's first 8 bytes and its length tell it from almost every other.
    ///
    /// `mutating` only so that the cursor is not copied for the call (`keyString`).
    mutating func memberIndex(_ key: JSONParser.ScannedString, among named: [JSONSelection.Member]) -> Int? {
        switch key {
        case .raw(let start, let end): return Self.match(bytes, start, end, named)
        case .decoded: return scratch.withUnsafeBytes { decoded in Self.match(decoded, 0, decoded.count, named) }
        }
    }

    @inline(__always)
    private static func match(
        _ buffer: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ named: [JSONSelection.Member]
    ) -> Int? {
        // Positions are within the buffer: wrapping arithmetic, no overflow checks.
        let count = end &- start
        var head: UInt64 = 0
        if buffer.count &- start >= 8 {
            head = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: start, as: UInt64.self))
            if count < 8 { head &= (1 &<< UInt64(truncatingIfNeeded: count &* 8)) &- 1 }
        } else {
            for offset in 0..<count { head |= UInt64(buffer[start + offset]) << UInt64(offset &* 8) }
        }
        return named.withUnsafeBufferPointer { members in
            for i in members.indices where members[i].head == head && members[i].count == count {
                if count <= 8 || restMatches(buffer, start, end, members[i]) { return i }
            }
            return nil
        }
    }

    /// Whether the bytes after the first 8 of the key in `start..<end` are `member`'s; out
    /// of line, as only a key whose head and length match gets here.
    @inline(never)
    private static func restMatches(
        _ buffer: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ member: JSONSelection.Member
    ) -> Bool {
        let count = end - start
        // Most keys fit in two words: compared in one more, not byte by byte.
        if count <= 16, buffer.count - start >= 16 {
            var tail = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: start + 8, as: UInt64.self))
            if count < 16 { tail &= (1 << UInt64((count - 8) * 8)) - 1 }
            return member.tail == tail
        }
        let key = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
        return member.utf8.withUnsafeBytes { $0.elementsEqual(key) }
    }
}
