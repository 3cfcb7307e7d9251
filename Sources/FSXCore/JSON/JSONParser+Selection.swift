extension JSONParser.Cursor {
    /// Validates the value at `index` exactly as `parseValue(depth:)` would, without
    /// building it: the same grammar, the same depth limit, the same UTF-8 checks.
    mutating func skipValue(depth: Int) throws(JSONParseError) {
        guard index < end else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            try skipObject(depth: depth + 1)
        case UInt8(ascii: "["):
            try skipArray(depth: depth + 1)
        case UInt8(ascii: "\""):
            _ = try scanString(decode: false)
        case UInt8(ascii: "t"):
            try expectLiteral("true")
        case UInt8(ascii: "f"):
            try expectLiteral("false")
        case UInt8(ascii: "n"):
            try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try scanNumber()
        default:
            throw fail("unexpected character \(describe(bytes[index]))")
        }
    }

    mutating func skipObject(depth: Int) throws(JSONParseError) {
        if try openObject(depth: depth) { return }
        repeat {
            _ = try scanKey(decode: false)
            try skipValue(depth: depth)
        } while try !endOfMember()
    }

    mutating func skipArray(depth: Int) throws(JSONParseError) {
        if try openArray(depth: depth) { return }
        repeat {
            skipWhitespace()
            try skipValue(depth: depth)
        } while try !endOfElement()
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
            guard let selection = self.selection(of: key, named: named) ?? others else {
                try skipValue(depth: depth)
                continue
            }
            let (name, hash) = keyString(key)
            pushMember(name, hash, try parseValue(depth: depth, selection: selection))
        } while try !endOfMember()
        return .object(popObject(from: start))
    }

    /// The selection named for `key`, matched on its bytes so skipped keys make no string.
    private func selection(of key: JSONParser.ScannedString, named: [JSONSelection.Member]) -> JSONSelection? {
        let keyBytes: UnsafeRawBufferPointer
        switch key {
        case .raw(let start, let end): keyBytes = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        case .decoded: return scratch.withUnsafeBytes { decoded in Self.match(decoded, named) }
        }
        return Self.match(keyBytes, named)
    }

    private static func match(_ key: UnsafeRawBufferPointer, _ named: [JSONSelection.Member]) -> JSONSelection? {
        for member in named where member.utf8.count == key.count {
            if member.utf8.withUnsafeBytes({ $0.elementsEqual(key) }) { return member.selection }
        }
        return nil
    }
}
