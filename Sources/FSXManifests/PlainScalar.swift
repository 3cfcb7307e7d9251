/// How a plain (unquoted, untagged) YAML scalar is read by go-yaml v2, the parser behind
/// sigs.k8s.io/yaml and so behind `kubectl apply -f`: YAML 1.1 booleans (`yes`, `on`, `y`),
/// Go's integer syntax (`0x1F`, `0o17`, `0777`, `1_000`), and timestamps kept as strings.
///
/// Mirrors go-yaml v2's `resolve.go`, so that a manifest means here what it means to the
/// apiserver: `enabled: yes` is `true`, `version: 2.15` is a number, `port: "80"` a string.
public enum PlainScalar: Sendable, Equatable {
    case null
    case bool(Bool)
    /// An integer, as decimal text that is valid JSON.
    case integer(String)
    /// A finite or infinite/NaN float; only finite ones can become JSON.
    case float(Double)
    /// The merge key `<<`.
    case merge
    case string

    /// Resolves `text` the way go-yaml v2 resolves an untagged plain scalar.
    public static func resolve(_ text: String) -> PlainScalar {
        guard let first = text.utf8.first else { return .null }
        switch first {
        case UInt8(ascii: "."):
            if let keyword = keywords[text] { return keyword }
            return isDotFloat(text) ? Double(text).map(PlainScalar.float) ?? .string : .string
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if let keyword = keywords[text] { return keyword }
            return numeric(text) ?? .string
        case UInt8(ascii: "<"):
            return text == "<<" ? .merge : .string
        default:
            return keywords[text] ?? .string
        }
    }

    /// go-yaml v2's `resolveMap`: exact spellings only (`TRUE` and `True` but not `tRUE`).
    static let keywords: [String: PlainScalar] = {
        var table: [String: PlainScalar] = [:]
        for word in ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"] {
            table[word] = .bool(true)
        }
        for word in ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"] {
            table[word] = .bool(false)
        }
        for word in ["~", "null", "Null", "NULL"] { table[word] = .null }
        for word in [".nan", ".NaN", ".NAN"] { table[word] = .float(.nan) }
        for word in [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"] { table[word] = .float(.infinity) }
        for word in ["-.inf", "-.Inf", "-.INF"] { table[word] = .float(-.infinity) }
        return table
    }()

    /// Integers first (Go's `ParseInt(s, 0, 64)`, then `ParseUint`), then YAML-style floats,
    /// all after removing `_` as go-yaml does.
    static func numeric(_ text: String) -> PlainScalar? {
        let plain = Substring(String(text.unicodeScalars.filter { $0 != "_" }))
        if let value = parseInt(plain) { return .integer(String(value)) }
        if let value = parseUnsigned(plain) { return .integer(String(value)) }
        if isYAMLStyleFloat(plain), let value = Double(plain) { return .float(value) }
        return nil
    }

    /// Go's `strconv.ParseInt(s, 0, 64)`: optional sign, then a base prefix.
    static func parseInt(_ text: Substring) -> Int64? {
        var body = text
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        guard let magnitude = parseUnsigned(body) else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// Go's `strconv.ParseUint(s, 0, 64)`: `0x`, `0o`, `0b` prefixes, a leading `0` for octal.
    static func parseUnsigned(_ text: Substring) -> UInt64? {
        var digits = text
        var radix: UInt64 = 10
        let lowered = text.lowercased()
        if lowered.hasPrefix("0x") {
            radix = 16
            digits = text.dropFirst(2)
        } else if lowered.hasPrefix("0b") {
            radix = 2
            digits = text.dropFirst(2)
        } else if lowered.hasPrefix("0o") {
            radix = 8
            digits = text.dropFirst(2)
        } else if text.hasPrefix("0"), text.count > 1 {
            radix = 8
            digits = text.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for scalar in digits.unicodeScalars {
            guard let digit = hexDigit(scalar), UInt64(digit) < radix else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: radix)
            let (sum, overflow2) = shifted.addingReportingOverflow(UInt64(digit))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }

    static func hexDigit(_ scalar: Unicode.Scalar) -> Int? {
        switch scalar {
        case "0"..."9": return Int(scalar.value - 48)
        case "a"..."f": return Int(scalar.value - 97 + 10)
        case "A"..."F": return Int(scalar.value - 65 + 10)
        default: return nil
        }
    }

    /// go-yaml v2's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
    static func isYAMLStyleFloat(_ text: Substring) -> Bool {
        var bytes = Array(text.utf8)[...]
        if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let leading = bytes.prefix(while: isDigit)
        bytes = bytes.dropFirst(leading.count)
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            let fraction = bytes.prefix(while: isDigit)
            bytes = bytes.dropFirst(fraction.count)
            if leading.isEmpty && fraction.isEmpty { return false }
        } else if leading.isEmpty {
            return false
        }
        return isExponentOrEmpty(bytes)
    }

    /// A float starting with `.`, as Go's `ParseFloat` takes it: `.5`, `.5e3`.
    static func isDotFloat(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        guard bytes.first == UInt8(ascii: ".") else { return false }
        bytes = bytes.dropFirst()
        let fraction = bytes.prefix(while: isDigit)
        guard !fraction.isEmpty else { return false }
        return isExponentOrEmpty(bytes.dropFirst(fraction.count))
    }

    static func isExponentOrEmpty(_ bytes: ArraySlice<UInt8>) -> Bool {
        var rest = bytes
        guard let e = rest.first else { return true }
        guard e == UInt8(ascii: "e") || e == UInt8(ascii: "E") else { return false }
        rest = rest.dropFirst()
        if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { rest = rest.dropFirst() }
        return !rest.isEmpty && rest.allSatisfy(isDigit)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
