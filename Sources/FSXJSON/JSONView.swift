/// One value of a scanned document, read in place: a position on the tape, and the bytes
/// and tape it points into. Looking up `view["metadata"]?["labels"]?["team"]` compares key
/// bytes and jumps over whole values by their `next` index; strings are made only when a
/// reader asks for one.
///
/// A view borrows: it is valid only while the bytes and the tape it reads are alive, inside
/// the `JSONTape.withEntries` call that made it.
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
    package var count: Int { isArray || isObject ? Int(entry.count) : 0 }

    /// The bytes a scalar was written with (a string's between its quotes, escapes as
    /// written); empty for an array or object, whose end the tape does not keep.
    package var rawBytes: UnsafeRawBufferPointer {
        let start = Int(entry.start)
        return UnsafeRawBufferPointer(rebasing: bytes[start..<(start + (isArray || isObject ? 0 : Int(entry.count)))])
    }

    package var bool: Bool? { entry.kind == .true ? true : entry.kind == .false ? false : nil }

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
        // Told apart by length first, with no string made unless it has escapes. `withUTF8`
        // gives a small string's bytes too (copied to the stack), where
        // `utf8.withContiguousStorageIfAvailable` gives up.
        guard entry.kind == .string, entry.escaped || Int(entry.count) == text.utf8.count else { return false }
        var text = text
        return text.withUTF8 { hasText(UnsafeRawBufferPointer($0)) }
    }

    /// Whether this string's text is the bytes `utf8`.
    @inline(__always)
    func hasText(_ utf8: UnsafeRawBufferPointer) -> Bool {
        let entry = entry
        if entry.escaped { return unescaped().elementsEqual(utf8) }
        return UnsafeRawBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.start) + Int(entry.count)])
            .sameBytes(as: utf8)
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
            while member < Int(entry.next) {
                // On the tape first: only a key of the same length, or with escapes, is read.
                let name = entries[member]
                if Int(name.count) == utf8.count || name.escaped, at(member).hasText(UnsafeRawBufferPointer(utf8)) {
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
    package var elements: Elements { Elements(self, .array) }

    /// An object's members in document order, repeats included; empty for anything else.
    package var members: Members { Members(values: Elements(self, .object)) }

    /// The values one level inside a container of `kind`: an array's elements, or an
    /// object's keys and values in turn.
    package struct Elements: Sequence, IteratorProtocol {
        let view: JSONView
        var cursor: Int
        let end: Int

        init(_ view: JSONView, _ kind: JSONTape.Kind) {
            self.view = view
            cursor = view.position + 1
            end = view.entry.kind == kind ? Int(view.entry.next) : cursor
        }

        package mutating func next() -> JSONView? {
            guard cursor < end else { return nil }
            defer { cursor = Int(view.entries[cursor].next) }
            return view.at(cursor)
        }
    }

    package struct Members: Sequence, IteratorProtocol {
        var values: Elements

        package mutating func next() -> (key: JSONView, value: JSONView)? {
            guard let key = values.next(), let value = values.next() else { return nil }
            return (key, value)
        }
    }

    /// A string's bytes with its escapes decoded (the scanner has checked every escape).
    package func unescaped() -> [UInt8] {
        let raw = rawBytes
        guard let p = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = p[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            if case .success(let scalar) = JSONScanner.escape(p, &index, raw.count) {
                out.append(contentsOf: UTF8.encode(scalar)!)
            }
        }
        return out
    }
}

extension JSONView {
    /// Whether an object names a key twice (byte for byte, escapes decoded). Keys are
    /// hashed, so a hostile body with 100,000 keys stays linear.
    package var hasRepeatedKeys: Bool {
        guard entry.kind == .object, entry.count > 1 else { return false }
        if entry.count <= 16 {
            // Small objects (all of Kubernetes') through 32 slots on the stack, by each key's
            // length and last byte; a key with escapes, whose bytes are not its text, sends
            // the object to the general check below.
            let repeated: Bool? = withUnsafeTemporaryAllocation(of: Int.self, capacity: 32) { slots in
                slots.initialize(repeating: 0)
                for (key, _) in members {
                    guard !key.entry.escaped else { return nil }
                    let raw = key.rawBytes
                    var slot = (raw.count &* 7 &+ Int(raw.last ?? 0)) & 31
                    while slots[slot] != 0 {
                        let other = slots[slot]
                        if Int(entries[other].count) == raw.count, at(other).sameText(as: key) { return true }
                        slot = (slot &+ 1) & 31
                    }
                    slots[slot] = key.position
                }
                return false
            }
            if let repeated { return repeated }
        }
        var seen = Set<[UInt8]>(minimumCapacity: Int(entry.count))
        for (key, _) in members {
            if !seen.insert(key.textBytes).inserted { return true }
        }
        return false
    }

    /// A string's text as bytes.
    package var textBytes: [UInt8] { entry.escaped ? unescaped() : Array(rawBytes) }

    /// Whether two string views hold the same text.
    func sameText(as other: JSONView) -> Bool {
        other.entry.escaped ? textBytes == other.textBytes : hasText(other.rawBytes)
    }
}

extension UnsafeRawBufferPointer {
    /// Whether both buffers hold the same bytes: the one byte comparison of the project (key
    /// look-ups here, parameter names and texts in FSXCore). Whole words, the last one
    /// overlapping the one before, and shorter runs (most keys) as two overlapping halves; no
    /// byte loop, and none of the generic `elementsEqual`'s iterator cost.
    @inline(__always)
    package func sameBytes(as other: UnsafeRawBufferPointer) -> Bool {
        let count = self.count
        guard count == other.count else { return false }
        guard count > 0, let a = baseAddress, let b = other.baseAddress else { return true }
        @inline(__always) func same<Word: FixedWidthInteger>(_ offset: Int, _: Word.Type) -> Bool {
            a.loadUnaligned(fromByteOffset: offset, as: Word.self)
                == b.loadUnaligned(fromByteOffset: offset, as: Word.self)
        }
        guard count >= 8 else {
            if count >= 4 { return same(0, UInt32.self) && same(count &- 4, UInt32.self) }
            if count >= 2 { return same(0, UInt16.self) && same(count &- 2, UInt16.self) }
            return same(0, UInt8.self)
        }
        var offset = 0
        while offset < count &- 8 {
            guard same(offset, UInt64.self) else { return false }
            offset &+= 8
        }
        return same(count &- 8, UInt64.self)
    }
}
