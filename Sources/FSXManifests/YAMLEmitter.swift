import FSXCore
import Yams

/// Writes `JSONValue`s as block-style YAML that reads back as exactly the same value, with
/// key order kept.
///
/// A string is written plain only when no YAML reader could take it for anything else:
/// not a YAML 1.1 or 1.2 boolean, null, number or timestamp (`"true"`, `"yes"`, `"2.15"`,
/// `"1200"`, `"~"`), no indicator at its start, no `: ` or ` #` inside, no surrounding
/// spaces. Multi-line strings use a literal block when that keeps them exact, double quotes
/// otherwise.
public enum YAMLEmitter {
    /// One document, ending in a newline.
    public static func document(_ value: JSONValue) -> String {
        var writer = Writer()
        writer.root(value)
        return writer.out
    }

    /// Several documents separated by `---` lines.
    public static func stream(_ values: [JSONValue]) -> String {
        values.map(document).joined(separator: "---\n")
    }

    /// The longest key written in the implicit `key: value` form; YAML 1.2 §7.4 limits an
    /// implicit key to 1024 characters, the `:` included.
    static let maximumImplicitKeyLength = 1000

    /// The scalar text for a string: plain when safe, quoted otherwise (never a block).
    public static func quotedIfNeeded(_ string: String) -> String {
        isPlainSafe(string) ? string : doubleQuoted(string)
    }

    // MARK: - Plain scalars

    /// Whether `string` may be written without quotes and still read back as this string.
    static func isPlainSafe(_ string: String) -> Bool {
        guard let first = string.unicodeScalars.first, let last = string.unicodeScalars.last else { return false }
        if first == " " || first == "\t" || last == " " || last == "\t" { return false }
        // Every indicator is quoted at the start, even where YAML would allow some ("-x").
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) { return false }
        if string.hasPrefix("---") || string.hasPrefix("...") { return false }
        if last == ":" { return false }
        var previous: Unicode.Scalar = " "
        for scalar in string.unicodeScalars {
            if !isPrintable(scalar) || scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
            if previous == ":" && scalar == " " { return false }
            if previous == " " && scalar == "#" { return false }
            previous = scalar
        }
        return resolvesAsString(string)
    }

    /// Whether every reader we care about takes the plain text as a string: go-yaml v2 (what
    /// Kubernetes uses) and Yams' YAML 1.1 rules, which also cover sexagesimal numbers,
    /// timestamps and `=`, so the output is safe for other tools too.
    static func resolvesAsString(_ string: String) -> Bool {
        guard case .string = PlainScalar.resolve(string) else { return false }
        if let first = string.unicodeScalars.first, !first.properties.isAlphabetic || keywordInitials.contains(first) {
            return Resolver.default.resolveTag(of: Node(string)) == .str
                && !keywordsAnyCase.contains(string.lowercased())
        }
        return !keywordsAnyCase.contains(string.lowercased())
    }

    /// Words some YAML reader takes as booleans or null in some spelling; quoted in every case
    /// spelling so that no reader is in doubt.
    static let keywordsAnyCase: Set<String> = [
        "y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", ".inf", ".nan", "-.inf", "+.inf",
    ]
    static let keywordInitials: Set<Unicode.Scalar> = ["y", "Y", "n", "N", "t", "T", "f", "F", "o", "O"]

    /// Characters YAML allows unescaped in a document (YAML 1.1 §5.1 `c-printable`, minus
    /// the line and paragraph separators and BOM, which some readers treat as breaks).
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return true
        case 0x20...0x7E: return true
        case 0x85: return false
        case 0xA0...0xD7FF: return scalar.value != 0x2028 && scalar.value != 0x2029
        case 0xE000...0xFFFD: return scalar.value != 0xFEFF
        case 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    // MARK: - Quoted and block scalars

    static func doubleQuoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            default:
                if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value <= 0xFF {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value <= 0xFFFF {
                    out += "\\u" + hex(scalar.value, width: 4)
                } else {
                    out += "\\U" + hex(scalar.value, width: 8)
                }
            }
        }
        return out + "\""
    }

    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The header and lines of a literal block (`|`) for `string`, or `nil` when a literal
    /// block would not read back exactly: no line break, a character that needs escaping, a
    /// carriage return, or trailing spaces (which editors strip and which make blank-looking
    /// lines ambiguous).
    static func literalBlock(_ string: String) -> (header: String, lines: [Substring])? {
        guard string.contains("\n") else { return nil }
        for scalar in string.unicodeScalars where scalar == "\r" || (!isPrintable(scalar)) {
            return nil
        }
        var body = Substring(string)
        var trailingBreaks = 0
        while body.hasSuffix("\n") {
            body = body.dropLast()
            trailingBreaks += 1
        }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        guard let firstContent = lines.first(where: { !$0.isEmpty }) else { return nil }
        for line in lines where line.hasSuffix(" ") || line.hasSuffix("\t") { return nil }
        // A first content line that starts with a space would be taken as the indentation.
        let indicator = firstContent.hasPrefix(" ") || firstContent.hasPrefix("\t") ? "2" : ""
        let chomping: String
        switch trailingBreaks {
        case 0: chomping = "-"
        case 1: chomping = ""
        default: chomping = "+"
        }
        var all = lines
        if trailingBreaks > 1 { all += Array(repeating: "", count: trailingBreaks - 1) }
        return ("|" + indicator + chomping, all)
    }

    // MARK: - Block structure

    struct Writer {
        var out = ""

        mutating func root(_ value: JSONValue) {
            switch value {
            case .object(let object) where !object.isEmpty:
                mapping(object, indent: 0, indentFirst: true)
            case .array(let array) where !array.isEmpty:
                sequence(array, indent: 0, indentFirst: true)
            default:
                scalarAfterIndicator(value, indent: 0)
            }
        }

        mutating func mapping(_ object: JSONObject, indent: Int, indentFirst: Bool) {
            let pad = String(repeating: " ", count: indent)
            for (index, member) in object.members.enumerated() {
                if index > 0 || indentFirst { out += pad }
                let key = YAMLEmitter.quotedIfNeeded(member.key)
                if key.unicodeScalars.count > YAMLEmitter.maximumImplicitKeyLength {
                    // YAML (and libyaml) end an implicit key after 1024 characters, so a
                    // longer one is written as an explicit `? key` / `: value` pair.
                    out += "? " + key + "\n" + pad + ":"
                } else {
                    out += key + ":"
                }
                switch member.value {
                case .object(let child) where !child.isEmpty:
                    out += "\n"
                    mapping(child, indent: indent + 2, indentFirst: true)
                case .array(let child) where !child.isEmpty:
                    out += "\n"
                    sequence(child, indent: indent + 2, indentFirst: true)
                default:
                    out += " "
                    scalarAfterIndicator(member.value, indent: indent)
                }
            }
        }

        mutating func sequence(_ array: [JSONValue], indent: Int, indentFirst: Bool) {
            for (index, element) in array.enumerated() {
                if index > 0 || indentFirst { out += String(repeating: " ", count: indent) }
                out += "- "
                switch element {
                case .object(let child) where !child.isEmpty:
                    mapping(child, indent: indent + 2, indentFirst: false)
                case .array(let child) where !child.isEmpty:
                    sequence(child, indent: indent + 2, indentFirst: false)
                default:
                    scalarAfterIndicator(element, indent: indent)
                }
            }
        }

        /// A scalar (or empty collection) after `key: ` or `- `; `indent` is the column of
        /// the key or dash, which a literal block's content is indented from.
        mutating func scalarAfterIndicator(_ value: JSONValue, indent: Int) {
            switch value {
            case .null: out += "null\n"
            case .bool(let flag): out += flag ? "true\n" : "false\n"
            case .number(let text): out += text + "\n"
            case .object: out += "{}\n"
            case .array: out += "[]\n"
            case .string(let string):
                if let block = YAMLEmitter.literalBlock(string) {
                    out += block.header + "\n"
                    let pad = String(repeating: " ", count: indent + 2)
                    for line in block.lines { out += line.isEmpty ? "\n" : pad + line + "\n" }
                } else {
                    out += YAMLEmitter.quotedIfNeeded(string) + "\n"
                }
            }
        }
    }
}
