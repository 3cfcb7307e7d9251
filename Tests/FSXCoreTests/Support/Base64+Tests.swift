@testable import FSXCore

/// What only the tests and the review fuzzer need of base64: text in and out. The product
/// only encodes, straight into the response (`Base64.encode(_:into:)`).
extension Base64 {
    /// The encoding of `bytes`, through the product's encoder.
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        let count = encodedCount(input.count)
        let encoded = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            input.withUnsafeBytes { encode($0, into: UnsafeMutableRawBufferPointer(out)) }
            initialized = count
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// Decodes padded or unpadded standard base64; `nil` on any other character.
    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(byte - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(byte - 97 + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(byte - 48 + 52)
            case UInt8(ascii: "+"): values.append(62)
            case UInt8(ascii: "/"): values.append(63)
            case UInt8(ascii: "="): continue
            default: return nil
            }
        }
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 3 / 4)
        var i = 0
        while i < values.count {
            let chunk = values[i..<min(i + 4, values.count)]
            var n: UInt32 = 0
            for (k, v) in chunk.enumerated() { n |= UInt32(v) << (18 - 6 * UInt32(k)) }
            out.append(UInt8(n >> 16 & 0xFF))
            if chunk.count > 2 { out.append(UInt8(n >> 8 & 0xFF)) }
            if chunk.count > 3 { out.append(UInt8(n & 0xFF)) }
            i += 4
        }
        return out
    }
}
