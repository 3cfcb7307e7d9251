/// A Kubernetes resource quantity (`100Gi`, `1.2Ti`, `1200G`, `1e12`) as a whole number of
/// bytes, rounded up as `resource.Quantity.Value()` rounds it, which is what the
/// external-provisioner sends the driver as the required capacity.
///
/// Exact over integers: the digits are one 64-bit number scaled by a power of ten, times the
/// suffix's multiplier, in 128-bit intermediate arithmetic. Quantities beyond 2^64 bytes
/// (16 EiB, far above any file system) are reported as too large rather than approximated.
struct StorageQuantity: Equatable {
    var bytes: UInt64

    enum Problem: Error, Equatable {
        /// Not the quantity grammar (`<number><suffix>`).
        case syntax
        /// Below zero.
        case negative
        /// More than 2^64 - 1 bytes.
        case tooLarge
    }

    static let gibibyte: UInt64 = 1 << 30

    /// Parses `text`; `Problem.syntax` for anything the apiserver would refuse.
    static func parse(_ text: String) -> Result<StorageQuantity, Problem> {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        // The number: digits, optionally '.' and more digits (at least one digit in all).
        var mantissa: UInt64 = 0
        var scale = 0
        var digits = 0
        var dropped = false  // non-zero fraction digits beyond what 64 bits hold
        var seenDot = false
        while let byte = bytes.first, Patterns.isDigit(byte) || (byte == UInt8(ascii: ".") && !seenDot) {
            bytes = bytes.dropFirst()
            if byte == UInt8(ascii: ".") {
                seenDot = true
                continue
            }
            digits += 1
            let digit = UInt64(byte - 0x30)
            let (times, overflowTimes) = mantissa.multipliedReportingOverflow(by: 10)
            let (next, overflowPlus) = times.addingReportingOverflow(digit)
            if overflowTimes || overflowPlus {
                // Past 19 digits: whole digits make it too large; fraction digits only round up.
                guard seenDot else { return .failure(.tooLarge) }
                if digit != 0 { dropped = true }
                continue
            }
            mantissa = next
            if seenDot { scale += 1 }
        }
        guard digits > 0 else { return .failure(.syntax) }
        // The suffix: binary (Ki … Ei), decimal (n u m "" k M G T P E) or an exponent (e3, E-2).
        var power10 = 0
        var power2 = 0
        let suffix = String(decoding: bytes, as: UTF8.self)
        switch suffix {
        case "": break
        case "Ki": power2 = 10
        case "Mi": power2 = 20
        case "Gi": power2 = 30
        case "Ti": power2 = 40
        case "Pi": power2 = 50
        case "Ei": power2 = 60
        case "n": power10 = -9
        case "u": power10 = -6
        case "m": power10 = -3
        case "k": power10 = 3
        case "M": power10 = 6
        case "G": power10 = 9
        case "T": power10 = 12
        case "P": power10 = 15
        case "E": power10 = 18
        default:
            guard let first = bytes.first, first == UInt8(ascii: "e") || first == UInt8(ascii: "E") else {
                return .failure(.syntax)
            }
            var exponent = bytes.dropFirst()
            var sign = 1
            if exponent.first == UInt8(ascii: "+") {
                exponent = exponent.dropFirst()
            } else if exponent.first == UInt8(ascii: "-") {
                sign = -1
                exponent = exponent.dropFirst()
            }
            // Three digits reach far past any byte count; more is refused rather than looped over.
            guard !exponent.isEmpty, exponent.count <= 3, exponent.allSatisfy(Patterns.isDigit) else {
                return .failure(.syntax)
            }
            power10 = sign * exponent.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        if mantissa == 0 && !dropped { return .success(StorageQuantity(bytes: 0)) }
        if negative { return .failure(.negative) }
        // bytes = ceil(mantissa × 2^power2 × 10^power10 / 10^scale)
        let exponent10 = power10 - scale
        var high: UInt64 = 0
        var low = mantissa
        func multiply(_ factor: UInt64) -> Bool {
            let lowProduct = low.multipliedFullWidth(by: factor)
            let highProduct = high.multipliedFullWidth(by: factor)
            let (sum, carry) = highProduct.low.addingReportingOverflow(lowProduct.high)
            guard highProduct.high == 0, !carry else { return false }
            high = sum
            low = lowProduct.low
            return true
        }
        if power2 > 0, !multiply(1 << UInt64(power2)) { return .failure(.tooLarge) }
        if exponent10 > 0 {
            for _ in 0..<exponent10 {
                guard multiply(10) else { return .failure(.tooLarge) }
            }
        }
        var remainder = dropped
        if exponent10 < 0 {
            for _ in 0..<(-exponent10) {
                // Divide the 128-bit value by 10, keeping whether anything was cut off.
                let highQuotient = high / 10
                let (lowQuotient, rest) = (10 as UInt64).dividingFullWidth((high % 10, low))
                high = highQuotient
                low = lowQuotient
                if rest != 0 { remainder = true }
                if high == 0 && low == 0 && remainder { break }
            }
        }
        guard high == 0 else { return .failure(.tooLarge) }
        if remainder {
            guard low < UInt64.max else { return .failure(.tooLarge) }
            low += 1
        }
        return .success(StorageQuantity(bytes: low))
    }

    /// The size in GiB as people write it: "100", "1228.8" (one decimal, rounded half up).
    var gibibytesText: String {
        let whole = bytes / Self.gibibyte
        let tenths = (bytes % Self.gibibyte * 10 + Self.gibibyte / 2) / Self.gibibyte
        if tenths == 0 { return String(whole) }
        if tenths == 10 { return String(whole + 1) }
        return "\(whole).\(tenths)"
    }
}
