import FSXCore
import FSXTestSupport
import Foundation

/// Inputs for the differential tests: documents to start from and ways to break them.
enum FuzzInputs {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Every committed JSON document: the golden requests, responses and configurations,
    /// the realistic Job and the benchmark reviews.
    static func documents() throws -> [(name: String, bytes: [UInt8])] {
        var found: [(String, [UInt8])] = []
        let walker = FileManager.default.enumerator(atPath: fixtures.path)
        while let path = walker?.nextObject() as? String {
            guard path.hasSuffix(".json") else { continue }
            found.append((path, Array(try Data(contentsOf: fixtures.appendingPathComponent(path)))))
        }
        return found.sorted { $0.0 < $1.0 }
    }

    /// Bytes that change a document's meaning or break its syntax when put in.
    static let significant: [UInt8] =
        Array(#"{}[]",:\ 0123456789-+.eEtrfualsn/bu"#.utf8) + [
            0x00, 0x01, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF5, 0xFF,
        ]

    /// `bytes` with one to three random edits: a byte replaced, removed, inserted or
    /// duplicated, or the end cut off.
    static func mutated(_ bytes: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...3, using: &random) where !out.isEmpty {
            let at = Int.random(in: 0..<out.count, using: &random)
            let byte =
                Bool.random(using: &random)
                ? significant.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0, 1: out[at] = byte
            case 2: out.remove(at: at)
            case 3: out.insert(byte, at: at)
            case 4:
                let end = min(out.count, at + Int.random(in: 1...16, using: &random))
                out.insert(contentsOf: out[at..<end], at: at)
            default: out.removeSubrange(at...)
            }
        }
        return out
    }

    /// A random JSON value with no repeated keys and numbers a `Double` holds exactly,
    /// so an independent parser must read it back equal.
    static func value(depth: Int = 0, _ random: inout SeededGenerator) -> JSONValue {
        let choice = Int.random(in: 0..<(depth > 4 ? 5 : 8), using: &random)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .number(number(&random))
        case 3, 4: return .string(string(&random))
        case 5:
            return .array((0..<Int.random(in: 0...6, using: &random)).map { _ in value(depth: depth + 1, &random) })
        default:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0...7, using: &random) {
                object[string(&random)] = value(depth: depth + 1, &random)
            }
            return .object(object)
        }
    }

    static func number(_ random: inout SeededGenerator) -> String {
        let integer = Int.random(in: -100_000...100_000, using: &random)
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return String(integer)
        case 1: return "\(integer).\(Int.random(in: 0...999, using: &random))"
        case 2: return "\(integer)e\(Int.random(in: -5...5, using: &random))"
        default: return "\(integer).5E+\(Int.random(in: 0...3, using: &random))"
        }
    }

    /// Strings of every length around the parser's 8-byte steps, mixing ASCII, characters
    /// that must be escaped, and 2-, 3- and 4-byte UTF-8.
    static func string(_ random: inout SeededGenerator) -> String {
        let alphabet: [Unicode.Scalar] = [
            "a", "Z", "0", " ", "/", "~", "\"", "\\", "\n", "\t", "\u{01}", "\u{1F}", "\u{7F}", "é", "ß", "€",
            "\u{2028}", "\u{FFFD}", "😀", "𝄞",
        ]
        var scalars = String.UnicodeScalarView()
        let plain = Int.random(in: 0...20, using: &random)
        for _ in 0..<Int.random(in: 0...24, using: &random) {
            scalars.append(
                Int.random(in: 0...plain, using: &random) > 2
                    ? Unicode.Scalar(UInt8.random(in: 0x61...0x7A, using: &random))
                    : alphabet.randomElement(using: &random)!)
        }
        return String(scalars)
    }

    /// `value` as JSON text with random whitespace and random (valid) escapes, so the
    /// parser meets `\u` escapes, surrogate pairs and the short forms, not only what
    /// `JSONWriter` writes.
    static func text(_ value: JSONValue, _ random: inout SeededGenerator) -> String {
        func space() -> String {
            Int.random(in: 0..<4, using: &random) == 0
                ? [" ", "\n", "\t", "\r\n  "][Int.random(in: 0..<4, using: &random)] : ""
        }
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return text
        case .string(let string): return quoted(string, &random)
        case .array(let elements):
            return "[" + space() + elements.map { text($0, &random) + space() }.joined(separator: "," + space()) + "]"
        case .object(let object):
            return "{" + space()
                + object.members.map { quoted($0.key, &random) + space() + ":" + space() + text($0.value, &random) }
                .joined(separator: "," + space()) + space() + "}"
        }
    }

    static func quoted(_ string: String, _ random: inout SeededGenerator) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            let escape = Int.random(in: 0..<5, using: &random) == 0
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += escape ? "\\u000a" : "\\n"
            case "\t": out += "\\t"
            case "/" where escape: out += "\\/"
            case _ where scalar.value < 0x20: out += "\\u" + hex(scalar.value, &random)
            case _ where escape && scalar.value > 0xFFFF:
                let v = scalar.value - 0x10000
                out += "\\u" + hex(0xD800 + (v >> 10), &random) + "\\u" + hex(0xDC00 + (v & 0x3FF), &random)
            case _ where escape: out += "\\u" + hex(scalar.value, &random)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func hex(_ value: UInt32, _ random: inout SeededGenerator) -> String {
        let digits = String(value, radix: 16, uppercase: Bool.random(using: &random))
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
