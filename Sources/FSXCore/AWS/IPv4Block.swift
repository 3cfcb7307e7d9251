/// An IPv4 CIDR block (`10.0.0.0/16`), for comparing a security group's sources with a VPC's
/// address ranges.
public struct IPv4Block: Sendable, Hashable, CustomStringConvertible {
    /// The network address, host bits cleared.
    var address: UInt32
    /// 0...32.
    var prefixLength: Int

    /// Parses `a.b.c.d/n`; `nil` for anything else (IPv6 ranges, prefix lists, garbage).
    public init?(_ text: String) {
        let parts = text.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = Self.decimal(parts[1], max: 32) else { return nil }
        let octets = parts[0].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var address: UInt32 = 0
        for octet in octets {
            guard let value = Self.decimal(octet, max: 255) else { return nil }
            address = address << 8 | UInt32(value)
        }
        self.init(address: address, prefixLength: prefix)
    }

    init(address: UInt32, prefixLength: Int) {
        self.prefixLength = min(max(prefixLength, 0), 32)
        self.address = address & Self.mask(self.prefixLength)
    }

    static func mask(_ prefixLength: Int) -> UInt32 {
        prefixLength == 0 ? 0 : UInt32.max << UInt32(32 - prefixLength)
    }

    /// Whether every address of `other` is in this block.
    func contains(_ other: IPv4Block) -> Bool {
        other.prefixLength >= prefixLength && other.address & Self.mask(prefixLength) == address
    }

    public var description: String {
        let octets = [24, 16, 8, 0].map { String(address >> UInt32($0) & 0xFF) }
        return octets.joined(separator: ".") + "/\(prefixLength)"
    }

    /// Digits only, no leading zeros beyond a single "0", at most `max`.
    private static func decimal(_ bytes: some Collection<UInt8>, max: Int) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 3, bytes.allSatisfy(Patterns.isDigit) else { return nil }
        if bytes.count > 1 && bytes.first == UInt8(ascii: "0") { return nil }
        let value = bytes.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        return value <= max ? value : nil
    }
}
