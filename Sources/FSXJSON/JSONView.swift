/// One value of a scanned document, read in place: a position on the tape, and the bytes
/// and tape it points into. Looking up `view["metadata"]?["labels"]?["team"]` compares key
/// bytes and jumps over whole values by their `next` index; strings are made only when a
/// reader asks for one.
///
/// A view borrows: it is valid only while the bytes and the tape it reads are alive, inside
/// the `JSONTape.withEntries` (or `JSONView.scanning`) call that made it.
package struct JSONView {
    package let bytes: UnsafeRawBufferPointer
    package let entries: UnsafeBufferPointer<JSONTape.Entry>
    /// This value's position on the tape.
    package let position: Int

    package init(bytes: UnsafeRawBufferPointer, entries: UnsafeBufferPointer<JSONTape.Entry>, position: Int) {
        self.bytes = bytes
        self.entries = entries
        self.position = position
    }

    @inline(__always) var entry: JSONTape.Entry { entries[position] }

    @inline(__always) func at(_ position: Int) -> JSONView {
        JSONView(bytes: bytes, entries: entries, position: position)
    }

    /// Scans `bytes` and calls `body` with the view of the whole document.
    package static func scanning<Result>(
        _ bytes: UnsafeRawBufferPointer, _ body: (JSONView) throws -> Result
    ) throws -> Result {
        let tape = try JSONScanner.scan(bytes)
        return try tape.withEntries { entries throws in
            try body(JSONView(bytes: bytes, entries: entries, position: 0))
        }
    }

    package var kind: JSONTape.Kind { entry.kind }
    package var isObject: Bool { entry.kind == .object }
    package var isArray: Bool { entry.kind == .array }
    package var isString: Bool { entry.kind == .string }
    package var isNull: Bool { entry.kind == .null }

    /// A short name of the value's JSON type, for messages ("object", "string", ...).
    package var typeName: String {
        switch entry.kind {
        case .null: return "null"
        case .true, .false: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Elements of an array or members of an object; 0 for anything else.
    package var count: Int {
        switch entry.kind {
        case .array, .object: return Int(entry.count)
        default: return 0
        }
    }

    /// The bytes a scalar was written with (a string's between its quotes, escapes as
    /// written); empty for an array or object, whose end the tape does not keep.
    package var rawBytes: UnsafeRawBufferPointer {
        let entry = entry
        let start = Int(entry.start)
        switch entry.kind {
        case .array, .object: return UnsafeRawBufferPointer(rebasing: bytes[start..<start])
        default: return UnsafeRawBufferPointer(rebasing: bytes[start..<(start + Int(entry.count))])
        }
    }

    package var bool: Bool? {
        switch entry.kind {
        case .true: return true
        case .false: return false
        default: return nil
        }
    }

    /// A number's text exactly as written.
    package var numberText: String? {
        guard entry.kind == .number else { return nil }
        return String(decoding: rawBytes, as: UTF8.self)
    }

    /// A string's text, escapes decoded.
    package var string: String? {
        guard entry.kind == .string else { return nil }
        guard entry.escaped else { return String(decoding: rawBytes, as: UTF8.self) }
        return String(decoding: unescaped(), as: UTF8.self)
    }

    /// Whether this is a string whose text is `text`, compared byte for byte as Go compares
    /// keys ("K" and the Kelvin sign differ).
    package func isString(_ text: String) -> Bool {
        guard entry.kind == .string else { return false }
        return equals(text)
    }

    /// Whether this is a string whose text is the UTF-8 bytes `utf8`.
    @inline(__always)
    package func isString(utf8: [UInt8]) -> Bool {
        let entry = entry
        guard entry.kind == .string else { return false }
        if entry.escaped { return unescaped() == utf8 }
        guard Int(entry.count) == utf8.count else { return false }
        guard entry.count > 0 else { return true }
        return utf8.withUnsafeBytes { memcmpEqual(bytes.baseAddress! + Int(entry.start), $0.baseAddress!, $0.count) }
    }

    /// A string entry's text against `text`, with no string made unless it has escapes.
    @inline(__always)
    func equals(_ text: String) -> Bool {
        let entry = entry
        if entry.escaped { return unescaped().elementsEqual(text.utf8) }
        guard Int(entry.count) == text.utf8.count else { return false }
        guard entry.count > 0 else { return true }
        let raw = bytes.baseAddress! + Int(entry.start)
        // `withUTF8` gives a small string's bytes too (copied to the stack), where
        // `utf8.withContiguousStorageIfAvailable` gives up.
        var text = text
        return text.withUTF8 { memcmpEqual(raw, UnsafeRawPointer($0.baseAddress!), $0.count) }
    }

    @inline(__always)
    func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        var offset = 0
        while count - offset >= 8 {
            if a.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != b.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            {
                return false
            }
            offset += 8
        }
        while offset < count {
            if a.load(fromByteOffset: offset, as: UInt8.self) != b.load(fromByteOffset: offset, as: UInt8.self) {
                return false
            }
            offset += 1
        }
        return true
    }

    /// The member named `key` of an object (the last one, when a key repeats, as Go's
    /// `encoding/json` and so the apiserver read it); `nil` for a missing key or a value that
    /// is not an object.
    package subscript(key: String) -> JSONView? {
        guard entry.kind == .object else { return nil }
        // The key's bytes are taken once (a small string's are copied to the stack), then
        // each member's key is told apart by its length before its bytes are compared.
        var key = key
        return key.withUTF8 { utf8 -> JSONView? in
            var found: Int?
            var member = position + 1
            let end = Int(entry.next)
            while member < end {
                let name = entries[member]
                if name.escaped {
                    if at(member).unescaped().elementsEqual(utf8) { found = member + 1 }
                } else if Int(name.count) == utf8.count,
                    utf8.isEmpty || memcmpEqual(bytes.baseAddress! + Int(name.start), utf8.baseAddress!, utf8.count)
                {
                    found = member + 1
                }
                member = Int(entries[member + 1].next)
            }
            return found.map(at)
        }
    }

    /// The element at `index` of an array, when in range.
    package subscript(index: Int) -> JSONView? {
        guard entry.kind == .array, index >= 0, index < Int(entry.count) else { return nil }
        var element = position + 1
        for _ in 0..<index { element = Int(entries[element].next) }
        return at(element)
    }

    /// An array's elements in order; empty for anything else.
    package var elements: Elements { Elements(view: self) }

    /// An object's members in document order, repeats included; empty for anything else.
    package var members: Members { Members(view: self) }

    package struct Elements: Sequence, IteratorProtocol {
        let view: JSONView
        var cursor: Int
        let end: Int

        init(view: JSONView) {
            self.view = view
            let isArray = view.entry.kind == .array
            cursor = view.position + 1
            end = isArray ? Int(view.entry.next) : cursor
        }

        package mutating func next() -> JSONView? {
            guard cursor < end else { return nil }
            let element = view.at(cursor)
            cursor = Int(view.entries[cursor].next)
            return element
        }
    }

    package struct Members: Sequence, IteratorProtocol {
        let view: JSONView
        var cursor: Int
        let end: Int

        init(view: JSONView) {
            self.view = view
            let isObject = view.entry.kind == .object
            cursor = view.position + 1
            end = isObject ? Int(view.entry.next) : cursor
        }

        package mutating func next() -> (key: JSONView, value: JSONView)? {
            guard cursor < end else { return nil }
            let key = view.at(cursor)
            let value = view.at(cursor + 1)
            cursor = Int(view.entries[cursor + 1].next)
            return (key, value)
        }
    }

    /// A string's bytes with its escapes decoded (the scanner has checked every escape).
    package func unescaped() -> [UInt8] {
        let raw = rawBytes
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = hex4(raw, at: index)
                index += 4
                if (0xD800...0xDBFF).contains(code) {
                    let low = hex4(raw, at: index + 2)
                    index += 6
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                out.append(contentsOf: UTF8.encode(Unicode.Scalar(code)!)!)
            default: out.append(escape)  // `"`, `\` and `/` stand for themselves
            }
        }
        return out
    }

    private func hex4(_ raw: UnsafeRawBufferPointer, at index: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 { value = value << 4 | JSONScanner.hexDigit(raw[index + offset])! }
        return value
    }
}

extension JSONView {
    /// Whether an object names a key twice (byte for byte, escapes decoded). A few keys are
    /// compared pairwise; many are hashed, so a hostile body with 100,000 keys stays linear.
    package var hasRepeatedKeys: Bool {
        guard entry.kind == .object, entry.count > 1 else { return false }
        if entry.count <= 16 {
            // Keys are told apart by their length and first bytes first (one comparison of two
            // words); only keys alike in both are compared in full. A key with escapes, whose
            // bytes are not its text, sends the object to the general check below.
            let repeated: Bool? = withUnsafeTemporaryAllocation(of: (UInt64, Int).self, capacity: 16) { seen in
                var count = 0
                for (key, _) in members {
                    if key.entry.escaped { return nil }
                    let mark = key.mark
                    for index in 0..<count where seen[index].0 == mark {
                        if at(seen[index].1).sameText(as: key) { return true }
                    }
                    seen[count] = (mark, key.position)
                    count += 1
                }
                return false
            }
            if let repeated { return repeated }
        }
        var seen = Set<[UInt8]>(minimumCapacity: Int(entry.count))
        for (key, _) in members {
            let text = key.entry.escaped ? key.unescaped() : Array(key.rawBytes)
            if !seen.insert(text).inserted { return true }
        }
        return false
    }

    /// An unescaped key's length and first bytes in one word: equal keys have equal marks.
    var mark: UInt64 {
        var word = UInt64(truncatingIfNeeded: entry.count) << 48
        let raw = rawBytes
        for offset in 0..<min(raw.count, 6) { word |= UInt64(raw[offset]) << UInt64(offset * 8) }
        return word
    }

    /// Whether two string views hold the same text.
    func sameText(as other: JSONView) -> Bool {
        let (a, b) = (entry, other.entry)
        if !a.escaped, !b.escaped {
            guard a.count == b.count else { return false }
            return a.count == 0 || memcmpEqual(rawBytes.baseAddress!, other.rawBytes.baseAddress!, Int(a.count))
        }
        let left = a.escaped ? unescaped() : Array(rawBytes)
        let right = b.escaped ? other.unescaped() : Array(other.rawBytes)
        return left == right
    }
}
