/// Serialises `JSONValue`s deterministically: members in stored order, no escaped slashes,
/// numbers as their source text. One writer, generic over where the bytes go (`JSONOutput`):
/// the patch's values, the CLI's documents and messages' quotes are all written by it.
public struct JSONWriter {
    public enum Style: Sendable {
        case compact
        /// Two-space indentation, for people.
        case pretty
    }

    /// The UTF-8 bytes of `value`.
    public static func bytes(_ value: JSONValue, style: Style = .compact) -> [UInt8] {
        var out = ByteWriter(capacity: 256)
        write(value, into: &out, style: style)
        return out.bytes
    }

    /// `value` as a string.
    public static func string(_ value: JSONValue, style: Style = .compact) -> String {
        String(decoding: bytes(value, style: style), as: UTF8.self)
    }

    /// `s` as a quoted JSON string, for messages that quote user input safely.
    public static func quoted(_ s: String) -> String {
        var out = ByteWriter(capacity: s.utf8.count + 2)
        writeString(s, into: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Writes `value`, nested `indent` levels deep (for `.pretty`).
    static func write<Output: JSONOutput & ~Copyable>(
        _ value: JSONValue, into out: inout Output, style: Style = .compact, indent: Int = 0
    ) {
        switch value {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .number(let text): out.append(utf8Of: text)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, style, indent + 1)
                write(element, into: &out, style: style, indent: indent + 1)
            }
            if !elements.isEmpty { newline(&out, style, indent) }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (i, member) in object.members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, style, indent + 1)
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                if style == .pretty { out.append(UInt8(ascii: " ")) }
                write(member.value, into: &out, style: style, indent: indent + 1)
            }
            if !object.isEmpty { newline(&out, style, indent) }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Writes `s` as a JSON string literal: only `"`, `\` and control characters are escaped.
    @inline(__always)
    static func writeString<Output: JSONOutput & ~Copyable>(_ s: String, into out: inout Output) {
        // Native strings (all the decision makes) are contiguous UTF-8; the copy is for
        // bridged ones.
        if s.utf8.withContiguousStorageIfAvailable({ out.appendQuoted(UnsafeRawBufferPointer($0)) }) == nil {
            var copy = s
            copy.withUTF8 { out.appendQuoted(UnsafeRawBufferPointer($0)) }
        }
    }

    @inline(__always)
    static func newline<Output: JSONOutput & ~Copyable>(_ out: inout Output, _ style: Style, _ indent: Int) {
        guard style == .pretty else { return }
        out.append(0x0A)
        for _ in 0..<(indent * 2) { out.append(0x20) }
    }

    /// The lowercase hex digit for `nibble` (0...15).
    @inline(__always)
    static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
}

/// Where JSON text goes. The response's envelope is laid out once, by code generic
/// over this: `ByteCounter` measures it, then `ByteWriter` writes it, so the size the server
/// asks for and the bytes written cannot disagree.
protocol JSONOutput: ~Copyable {
    mutating func append(_ byte: UInt8)
    mutating func append(_ bytes: UnsafeRawBufferPointer)
    mutating func append(_ text: StaticString)
    /// `bytes` as a JSON string literal: only `"`, `\` and control characters are escaped.
    mutating func appendQuoted(_ bytes: UnsafeRawBufferPointer)
}

extension JSONOutput where Self: ~Copyable {
    /// Appends `text`'s UTF-8 bytes unescaped.
    mutating func append(utf8Of text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ append(UnsafeRawBufferPointer($0)) }) == nil {
            var copy = text
            copy.withUTF8 { append(UnsafeRawBufferPointer($0)) }
        }
    }
}

/// Counts what would be written: the measuring pass of `AdmissionResponse`'s envelope.
struct ByteCounter: JSONOutput {
    private(set) var count = 0
    @inline(__always) mutating func append(_ byte: UInt8) { count &+= 1 }
    @inline(__always) mutating func append(_ bytes: UnsafeRawBufferPointer) { count &+= bytes.count }
    @inline(__always) mutating func append(_ text: StaticString) { count &+= text.utf8CodeUnitCount }
    mutating func appendQuoted(_ bytes: UnsafeRawBufferPointer) { count &+= JSONWriter.quotedCount(bytes) }
}

/// A byte buffer written through a pointer: growable memory of its own, or a caller's region
/// of fixed size. The response is written in many small pieces; `Array`'s appends each check
/// uniqueness (a runtime call) and copy through the generic sequence path, which cost more
/// than the bytes themselves.
struct ByteWriter: ~Copyable, JSONOutput {
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int
    /// False for a caller's region, which is never freed and never grows.
    private let owned: Bool

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
        owned = true
    }

    /// Writes into `region`, which must outlive the writer. Writing past its end stops the
    /// program: a region is sized by measuring first, and a size measured wrong must not
    /// become a write into someone else's memory.
    init(writingInto region: UnsafeMutableRawBufferPointer) {
        guard let start = region.baseAddress else {
            preconditionFailure("ByteWriter needs a region with memory")
        }
        base = start.bindMemory(to: UInt8.self, capacity: region.count)
        capacity = region.count
        owned = false
    }

    deinit { if owned { base.deallocate() } }

    /// The bytes written so far.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if capacity - count < extra { grow(extra) }
    }

    @inline(never)
    private mutating func grow(_ extra: Int) {
        precondition(owned, "written past the end of a region measured for \(capacity) bytes")
        let newCapacity = Swift.max(capacity * 2, count + extra)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.initialize(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count)
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Plain runs are copied 8 bytes at a time as they are scanned.
    @inline(__always)
    mutating func appendQuoted(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        // Room for every byte once and both quotes; each escape makes room for itself and the
        // rest again, so the stores below need no check, and the positions, bounded by that
        // room, cannot overflow. The room asked for never exceeds what is written, so a region
        // measured by `ByteCounter` is enough. The position is kept in a local: `count` is
        // memory behind `inout`.
        reserve(n + 2)
        var out = base
        var o = count
        out[o] = UInt8(ascii: "\"")
        o &+= 1
        var index = 0
        while index < n {
            if n &- index >= 8 {
                let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let special = JSONWriter.escapedBytes(UInt64(littleEndian: word))
                // The whole word is stored; only its plain prefix is counted.
                UnsafeMutableRawPointer(out + o).storeBytes(of: word, as: UInt64.self)
                if special == 0 {
                    index &+= 8
                    o &+= 8
                    continue
                }
                let plain = special.trailingZeroBitCount >> 3
                index &+= plain
                o &+= plain
            }
            let byte = bytes[index]
            index &+= 1
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                out[o] = byte
                o &+= 1
                continue
            }
            let (escape, length) = JSONWriter.escape(byte)
            count = o
            reserve(length + (n - index) + 1)
            out = base
            for k in 0..<length { out[o &+ k] = UInt8(truncatingIfNeeded: escape &>> (k &* 8)) }
            o &+= length
        }
        out[o] = UInt8(ascii: "\"")
        count = o &+ 1
    }
}

extension JSONWriter {
    /// What `byte`, one that must be escaped, is written as (its bytes, the first lowest) and
    /// its length: `\"`, `\\`, `\n`, `\r`, `\t`, or `\u00XX` for the other control characters.
    @inline(__always)
    static func escape(_ byte: UInt8) -> (bytes: UInt64, count: Int) {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): return (0x5C | UInt64(byte) << 8, 2)
        case 0x0A: return (0x5C | UInt64(UInt8(ascii: "n")) << 8, 2)
        case 0x0D: return (0x5C | UInt64(UInt8(ascii: "r")) << 8, 2)
        case 0x09: return (0x5C | UInt64(UInt8(ascii: "t")) << 8, 2)
        default:
            let digits = UInt64(hexDigit(byte >> 4)) | UInt64(hexDigit(byte & 0xF)) << 8
            return (0x3030_755C | digits << 32, 6)
        }
    }

    /// The length of `bytes` as `ByteWriter.appendQuoted` writes them: both quotes, every
    /// byte, and what the escapes add. Scanned as the writer scans, 8 bytes at a time.
    static func quotedCount(_ bytes: UnsafeRawBufferPointer) -> Int {
        let n = bytes.count
        var length = n &+ 2
        var index = 0
        while index < n {
            if n &- index >= 8 {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let special = escapedBytes(word)
                if special == 0 {
                    index &+= 8
                    continue
                }
                index &+= special.trailingZeroBitCount >> 3
            }
            let byte = bytes[index]
            index &+= 1
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                length &+= escape(byte).count &- 1
            }
        }
        return length
    }
}

extension JSONWriter {
    /// The high bit of each of the 8 bytes of `word` (first byte lowest) a writer must
    /// escape: `"`, `\` and control characters. Eight bytes are checked at once, so long
    /// plain values are copied in runs.
    ///
    /// For a byte `x`, `(x ^ c) - 0x01` has its high bit set when `x == c` (or `x ^ c` is
    /// 0x80 and up, masked by `& ~(x ^ c)`); `x - 0x20` when `x` is below 0x20 (masked by
    /// `& ~x` for bytes from 0x80). Only a marked byte borrows, so the lowest mark is exact.
    @inline(__always)
    static func escapedBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let controls = (word &- ones &* 0x20) & ~word
        return (controls | ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes))
            & 0x8080_8080_8080_8080
    }
}
