import FSXJSON

/// Byte-for-byte comparisons of text, as the Go code that reads these values compares them.
///
/// Swift's `==` and `hasPrefix` compare `Character`s up to canonical equivalence, under which
/// "kms\u{212A}eyId" (with KELVIN SIGN) equals "kmsKeyId" and a "," followed by a combining
/// mark is not a ","; the driver and the external-provisioner (Go strings) see different keys
/// and split at every ',' byte. Rules therefore compare and split UTF-8 bytes, never
/// `Character`s: a look-alike key is an unknown key, not the key it resembles.
extension StringProtocol {
    /// The same UTF-8 bytes.
    @inlinable func bytesEqual(_ other: some StringProtocol) -> Bool {
        utf8.count == other.utf8.count && utf8.elementsEqual(other.utf8)
    }

    /// Starts with the UTF-8 bytes of `prefix`.
    @inlinable func bytesHavePrefix(_ prefix: some StringProtocol) -> Bool {
        utf8.count >= prefix.utf8.count && utf8.starts(with: prefix.utf8)
    }

    /// Ends with the UTF-8 bytes of `suffix`.
    @inlinable func bytesHaveSuffix(_ suffix: some StringProtocol) -> Bool {
        utf8.count >= suffix.utf8.count && utf8.reversed().starts(with: suffix.utf8.reversed())
    }

    /// Holds the byte `byte` (an ASCII character such as ',' or ' ').
    @inlinable func containsByte(_ byte: UInt8) -> Bool { utf8.contains(byte) }

    /// Holds the UTF-8 bytes of `needle` somewhere.
    func bytesContain(_ needle: some StringProtocol) -> Bool {
        let haystack = Array(utf8)
        let needle = Array(needle.utf8)
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }

    /// Equal to the ASCII text `lowercase` when ASCII letters are folded to lower case: the
    /// exact outcome of Go's `strings.ToLower(s) == lowercase` for an ASCII `lowercase`, since
    /// the only non-ASCII letters whose lower case is ASCII (KELVIN SIGN → k) are not in the
    /// words compared this way.
    func asciiCaseInsensitiveEquals(_ lowercase: StaticString) -> Bool {
        lowercase.withUTF8Buffer { expected in
            guard utf8.count == expected.count else { return false }
            return zip(utf8, expected).allSatisfy { byte, wanted in
                (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) == wanted
            }
        }
    }

    /// The parts between `separator` bytes, empty parts kept, as Go's `strings.Split`.
    func splitBytes(_ separator: UInt8) -> [Substring] {
        var parts: [Substring] = []
        let text = Substring(self)
        var start = text.utf8.startIndex
        var index = start
        while index != text.utf8.endIndex {
            if text.utf8[index] == separator {
                parts.append(Substring(text.utf8[start..<index]))
                start = text.utf8.index(after: index)
            }
            index = text.utf8.index(after: index)
        }
        parts.append(Substring(text.utf8[start..<text.utf8.endIndex]))
        return parts
    }
}

extension String {
    /// The same UTF-8 bytes, compared as two buffers: `withUTF8` gives a small string's
    /// bytes too (copied to the stack), where `utf8.withContiguousStorageIfAvailable` gives
    /// up and leaves the generic walk of two UTF-8 views. The member look-ups of every
    /// decision (`JSONObject`) come here.
    func bytesEqual(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var (mine, theirs) = (self, other)
        return mine.withUTF8 { a in
            theirs.withUTF8 { b in UnsafeRawBufferPointer(a).sameBytes(as: UnsafeRawBufferPointer(b)) }
        }
    }
}

extension UnsafeRawBufferPointer {
    /// The same bytes as `text`.
    func sameBytes(as text: String) -> Bool {
        var text = text
        return text.withUTF8 { sameBytes(as: UnsafeRawBufferPointer($0)) }
    }

    /// The same bytes as the static text `text`.
    func sameBytes(as text: StaticString) -> Bool {
        text.withUTF8Buffer { sameBytes(as: UnsafeRawBufferPointer($0)) }
    }
}

extension Sequence where Element: StringProtocol {
    /// Whether one element has the same UTF-8 bytes as `text`.
    @inlinable func containsBytes(of text: some StringProtocol) -> Bool {
        contains { $0.bytesEqual(text) }
    }
}

extension Sequence<String> {
    /// `containsBytes(of:)` for a `String`, compared through `String.bytesEqual`'s two
    /// buffers rather than the generic walk of two UTF-8 views (the enum checks of every
    /// StorageClass come here).
    func containsBytes(of text: String) -> Bool {
        contains { $0.bytesEqual(text) }
    }
}

extension String {
    /// Plain replacement without Foundation, so FSXCore needs nothing beyond the stdlib.
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty, self.contains(target) else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}
