extension JSONParser.Cursor {
    /// Validates the value at `index` exactly as `parseValue(depth:)` would, without
    /// building it: the same grammar, the same depth limit, the same UTF-8 checks, the same
    /// errors.
    ///
    /// A loop with its own stack of open containers rather than recursion: most of what the
    /// server skips is thousands of tiny env var objects, where calls would cost more than
    /// the bytes.
    mutating func skipValue(depth: Int) throws(JSONParseError) {
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
            if let member = self.member(key, among: named) {
                // The selection's own key string: no string is made for a named key.
                pushMember(member.key, member.hash, try parseValue(depth: depth, selection: member.selection))
            } else if let others {
                let (name, hash) = keyString(key)
                pushMember(name, hash, try parseValue(depth: depth, selection: others))
            } else {
                try skipValue(depth: depth)
            }
        } while try !endOfMember()
        return .object(popObject(from: start))
    }

    /// The named member `key` is, matched on its bytes so skipped keys make no string.
    private func member(_ key: JSONParser.ScannedString, among named: [JSONSelection.Member]) -> JSONSelection.Member? {
        switch key {
        case .raw(let start, let end): return Self.match(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), named)
        case .decoded: return scratch.withUnsafeBytes { decoded in Self.match(decoded, named) }
        }
    }

    private static func match(_ key: UnsafeRawBufferPointer, _ named: [JSONSelection.Member]) -> JSONSelection.Member? {
        for member in named where member.utf8.count == key.count {
            if member.utf8.withUnsafeBytes({ $0.elementsEqual(key) }) { return member }
        }
        return nil
    }
}
