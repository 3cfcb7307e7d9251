/// Small hand-written matchers for the identifier shapes the rules check. They avoid
/// Regex (slow to build, and Foundation-free code wants none) and run in one pass.
enum Patterns {
    /// `prefix` followed by `minDigits...maxDigits` lowercase hex digits, nothing else, compared
    /// byte for byte. Used for `subnet-…`, `sg-…` and `fs-…` IDs (`^subnet-[0-9a-f]{8,17}$`).
    static func isAWSID(
        _ s: some StringProtocol, prefix: StaticString, minDigits: Int = 8, maxDigits: Int = 17
    ) -> Bool {
        prefix.withUTF8Buffer { prefix in
            let bytes = s.utf8
            let digits = bytes.count - prefix.count
            guard digits >= minDigits, digits <= maxDigits, bytes.starts(with: prefix) else { return false }
            return bytes.dropFirst(prefix.count).allSatisfy(isLowerHex)
        }
    }

    /// `isAWSID` of a `String`, over its UTF-8 buffer.
    static func isAWSID(_ s: String, prefix: StaticString, minDigits: Int = 8, maxDigits: Int = 17) -> Bool {
        var s = s
        return s.withUTF8 {
            isAWSID(UnsafeRawBufferPointer($0), prefix: prefix, minDigits: minDigits, maxDigits: maxDigits)
        }
    }

    /// `isAWSID` over UTF-8 bytes read in place.
    static func isAWSID(
        _ bytes: UnsafeRawBufferPointer, prefix: StaticString, minDigits: Int = 8, maxDigits: Int = 17
    ) -> Bool {
        let digits = bytes.count - prefix.utf8CodeUnitCount
        guard digits >= minDigits, digits <= maxDigits else { return false }
        return prefix.withUTF8Buffer { prefix in
            var offset = 0
            while offset < prefix.count {
                guard bytes[offset] == prefix[offset] else { return false }
                offset += 1
            }
            while offset < bytes.count {
                guard isLowerHex(bytes[offset]) else { return false }
                offset += 1
            }
            return true
        }
    }

    @inline(__always) static func isLowerHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66)
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// A plain base-10 integer (optional leading '-' only when `allowNegative`), no sign '+',
    /// no spaces, no underscores, that fits in Int32. Returns the value.
    static func int32(_ s: String, allowNegative: Bool = false) -> Int32? {
        var body = s.utf8[...]
        if allowNegative, body.first == UInt8(ascii: "-") { body = body.dropFirst() }
        guard !body.isEmpty, body.allSatisfy(isDigit) else { return nil }
        return Int32(s)
    }

    /// `int32` (no sign) of UTF-8 bytes read in place.
    static func int32(_ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard !bytes.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int64(byte - 0x30)
            guard value <= Int64(Int32.max) else { return nil }
        }
        return Int32(value)
    }

    /// An RFC 1123 DNS label: 1–63 lowercase alphanumerics or '-', starting and ending
    /// alphanumeric (the rule for pod volume names and container names).
    static func isDNSLabel(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard !u.isEmpty, u.count <= 63 else { return false }
        for (i, b) in u.enumerated() {
            let alnum = isDigit(b) || (b >= 0x61 && b <= 0x7A)
            if !alnum && !(b == UInt8(ascii: "-") && i != 0 && i != u.count - 1) { return false }
        }
        return true
    }

    /// An RFC 1123 DNS subdomain: dot-separated labels, at most 253 characters (the rule for
    /// PVC names).
    static func isDNSSubdomain(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 253 else { return false }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isDNSLabel(String($0)) }
    }
}
