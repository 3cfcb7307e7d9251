import FSXCore

/// Number text for values read from YAML, as it will appear in the JSON the apiserver sees.
enum JSONNumberText {
    /// Whether `text` is already valid JSON number text, so it can be kept exactly as written
    /// (`1.0` stays `1.0`, and the output of `mutate` reads back unchanged).
    static func isValid(_ text: String) -> Bool {
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39) else {
            return false
        }
        if case .number? = try? JSONParser.parse(text) { return true }
        return false
    }

    /// A finite double written as Go's `encoding/json` writes a float64: plain decimal
    /// between 1e-6 and 1e21, exponent form outside, shortest digits that read back exactly.
    /// `nil` for infinities and NaN, which JSON cannot carry.
    static func format(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let magnitude = Swift.abs(value)
        // Swift's description is the shortest round-tripping form; re-layout its digits.
        let text = magnitude.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        var digits = Array(parts[0].utf8) + (parts.count > 1 ? Array(parts[1].utf8) : [])
        var point = parts[0].utf8.count + exponent
        while digits.count > 1, digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }
        let sign = value < 0 ? "-" : ""
        let digitText = String(decoding: digits, as: UTF8.self)
        if magnitude < 1e-6 || magnitude >= 1e21 {
            let power = point - 1
            let head = String(digitText.prefix(1))
            let tail = digitText.dropFirst()
            let body = tail.isEmpty ? head : "\(head).\(tail)"
            return "\(sign)\(body)e\(power < 0 ? "-" : "+")\(Swift.abs(power))"
        }
        if point <= 0 { return "\(sign)0.\(String(repeating: "0", count: -point))\(digitText)" }
        if point >= digits.count { return "\(sign)\(digitText)\(String(repeating: "0", count: point - digits.count))" }
        return "\(sign)\(digitText.prefix(point)).\(digitText.dropFirst(point))"
    }
}
