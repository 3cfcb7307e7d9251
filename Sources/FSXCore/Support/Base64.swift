/// Standard base64 (RFC 4648 §4, with padding), as `[]byte` fields are encoded in
/// Kubernetes JSON. Written here so FSXCore needs no Foundation.
public enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The length of the encoding of `count` bytes: 4 characters per 3 bytes or part of 3.
    @inline(__always)
    static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// The two alphabet characters for every 12-bit value, the first in the low byte:
    /// 3 input bytes become two 16-bit stores (little-endian), 6 bytes one 64-bit store.
    static let pairs: [UInt16] = (0..<4096).map { n in
        UInt16(alphabet[n >> 6]) | UInt16(alphabet[n & 63]) << 8
    }

    /// Writes the encoding of `bytes` into `out`, which holds exactly `encodedCount` bytes.
    static func encode(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count == encodedCount(bytes.count))
        guard let input = bytes.baseAddress, let output = out.baseAddress else { return }
        let count = bytes.count
        pairs.withUnsafeBufferPointer { pairs in
            let pairs = pairs.baseAddress!
            var i = 0
            var o = 0
            // 6 bytes to 8 characters per step, read as one word while 8 bytes remain, each
            // pair stored where it goes. The positions stay within the buffers, so wrapping
            // arithmetic cannot wrap.
            while count &- i >= 8 {
                let word = UInt64(bigEndian: input.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let (a, b) = (Int(truncatingIfNeeded: word >> 52), Int(truncatingIfNeeded: word >> 40) & 0xFFF)
                let (c, d) = (Int(truncatingIfNeeded: word >> 28) & 0xFFF, Int(truncatingIfNeeded: word >> 16) & 0xFFF)
                output.storeBytes(of: pairs[a].littleEndian, toByteOffset: o, as: UInt16.self)
                output.storeBytes(of: pairs[b].littleEndian, toByteOffset: o &+ 2, as: UInt16.self)
                output.storeBytes(of: pairs[c].littleEndian, toByteOffset: o &+ 4, as: UInt16.self)
                output.storeBytes(of: pairs[d].littleEndian, toByteOffset: o &+ 6, as: UInt16.self)
                i &+= 6
                o &+= 8
            }
            while count &- i >= 3 {
                let n =
                    Int(input.load(fromByteOffset: i, as: UInt8.self)) << 16
                    | Int(input.load(fromByteOffset: i &+ 1, as: UInt8.self)) << 8
                    | Int(input.load(fromByteOffset: i &+ 2, as: UInt8.self))
                output.storeBytes(of: pairs[n >> 12].littleEndian, toByteOffset: o, as: UInt16.self)
                output.storeBytes(of: pairs[n & 0xFFF].littleEndian, toByteOffset: o &+ 2, as: UInt16.self)
                i &+= 3
                o &+= 4
            }
            let rest = count - i
            if rest > 0 {
                var n = Int(input.load(fromByteOffset: i, as: UInt8.self)) << 16
                if rest == 2 { n |= Int(input.load(fromByteOffset: i &+ 1, as: UInt8.self)) << 8 }
                output.storeBytes(of: pairs[n >> 12].littleEndian, toByteOffset: o, as: UInt16.self)
                output.storeBytes(of: pairs[n & 0xFFF].littleEndian, toByteOffset: o &+ 2, as: UInt16.self)
                // Padding replaces what the zero bits encoded.
                output.storeBytes(of: UInt8(ascii: "="), toByteOffset: o &+ 3, as: UInt8.self)
                if rest == 1 { output.storeBytes(of: UInt8(ascii: "="), toByteOffset: o &+ 2, as: UInt8.self) }
            }
        }
    }
}
