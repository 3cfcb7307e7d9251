/// Small hand-written matchers for the identifier shapes the rules check. They avoid
/// Regex (slow to build, and Foundation-free code wants none) and run in one pass.
public enum Patterns {
    /// `prefix` followed by `minDigits...maxDigits` lowercase hex digits, nothing else.
    /// Used for `subnet-…`, `sg-…` and `fs-…` IDs (`^subnet-[0-9a-f]{8,17}$`).
    public static func isAWSID(_ s: String, prefix: String, minDigits: Int = 8, maxDigits: Int = 17) -> Bool {
        var s = s
        var prefix = prefix
        let matched = s.withUTF8 { bytes in
            prefix.withUTF8 { prefixBytes in
                prefixBytes.allSatisfy { $0 < 0x80 }
                    && isASCIIAWSID(bytes, prefix: prefixBytes, minDigits: minDigits, maxDigits: maxDigits)
            }
        }
        if matched { return true }
        // Not byte for byte: `hasPrefix` compares `Character`s up to canonical equivalence,
        // so a prefix such as "K" also matches U+212A KELVIN SIGN.
        guard s.hasPrefix(prefix) else { return false }
        let rest = s.utf8.dropFirst(prefix.utf8.count)
        guard rest.count >= minDigits, rest.count <= maxDigits else { return false }
        return rest.allSatisfy { isLowerHex($0) }
    }

    /// `isAWSID` over bytes: the bytes of `prefix`, then `minDigits...maxDigits` lowercase hex
    /// digits. With an ASCII `prefix` a match is ASCII text whose only possible multi-scalar
    /// `Character` (CR LF) lies within the prefix, so `isAWSID` agrees; a mismatch is not
    /// conclusive (see there).
    static func isASCIIAWSID(
        _ bytes: UnsafeBufferPointer<UInt8>, prefix: UnsafeBufferPointer<UInt8>, minDigits: Int = 8,
        maxDigits: Int = 17
    ) -> Bool {
        let digits = bytes.count - prefix.count
        guard digits >= minDigits, digits <= maxDigits else { return false }
        for i in 0..<prefix.count where bytes[i] != prefix[i] { return false }
        for i in prefix.count..<bytes.count where !isLowerHex(bytes[i]) { return false }
        return true
    }

    /// `isASCIIAWSID` for a literal prefix, such as "sg-".
    @inline(__always) static func isASCIIAWSID(
        _ bytes: UnsafeBufferPointer<UInt8>, prefix: StaticString, minDigits: Int = 8, maxDigits: Int = 17
    ) -> Bool {
        prefix.withUTF8Buffer { isASCIIAWSID(bytes, prefix: $0, minDigits: minDigits, maxDigits: maxDigits) }
    }

    @inline(__always) public static func isLowerHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66)
    }

    @inline(__always) public static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// A plain base-10 integer (optional leading '-' only when `allowNegative`), no sign '+',
    /// no spaces, no underscores, that fits in Int32. Returns the value.
    public static func int32(_ s: String, allowNegative: Bool = false) -> Int32? {
        var body = Substring(s)
        if allowNegative, body.hasPrefix("-") { body = body.dropFirst() }
        guard !body.isEmpty, body.utf8.allSatisfy(isDigit) else { return nil }
        return Int32(s)
    }

    /// An RFC 1123 DNS label: 1–63 lowercase alphanumerics or '-', starting and ending
    /// alphanumeric (the rule for pod volume names and container names).
    public static func isDNSLabel(_ s: String) -> Bool {
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
    public static func isDNSSubdomain(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 253 else { return false }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isDNSLabel(String($0)) }
    }
}
