import FSXTestSupport
import Testing

@testable import FSXCore

/// The mutation's byte-level shortcuts against the `Character`-level code they stand in for,
/// and pointers built step by step against pointers built from their tokens; seeded, so a
/// failure reproduces.
@Suite struct WorkloadFastPathTests {
    /// Pieces that exercise splitting and trimming: ASCII whitespace of every kind, `\r\n`,
    /// non-ASCII whitespace (U+0085, U+00A0, U+2028), combining marks after a comma or a
    /// space, and a prepend character before `/`.
    static let pieces: [String] = [
        ",", ",", " ", "\t", "\r", "\n", "\r\n", "\u{0B}", "\u{0C}", "a", "b", "ab", "train", "-", "/", "~", "0",
        "\u{85}", "\u{A0}", "\u{2028}", "é", "e\u{301}", "\u{301}", "\u{600}", "日本", "\u{1F600}",
    ]

    static func text(_ random: inout SeededGenerator, asciiOnly: Bool) -> String {
        let choices = asciiOnly ? pieces.filter { $0.utf8.allSatisfy { $0 < 0x80 } } : pieces
        return (0..<Int.random(in: 0...12, using: &random)).map { _ in choices.randomElement(using: &random)! }
            .joined()
    }

    @Test func asciiNamesMatchCharacterNames() {
        var random = SeededGenerator(seed: 0x6E61_6D65)
        var ascii = 0
        for round in 0..<20_000 {
            let list = Self.text(&random, asciiOnly: round % 2 == 0)
            if list.utf8.allSatisfy({ $0 < 0x80 }) { ascii += 1 }
            #expect(
                WorkloadOptions.names(in: list) == WorkloadOptions.unicodeNames(in: list), "\(list.debugDescription)")
        }
        #expect(ascii > 10_000)
        // Past 16 items the duplicates are found by a set; the same result either way.
        let many = (0..<40).map { "v\($0 % 23)" }.joined(separator: " , ")
        #expect(WorkloadOptions.names(in: many) == WorkloadOptions.unicodeNames(in: many))
        #expect(WorkloadOptions.names(in: many).count == 23)
    }

    /// Mount names, mount paths and requirement keys are compared in place; the same answers
    /// as comparing their strings, escapes, canonical equivalents (U+212A is K) and trailing
    /// slashes included.
    @Test func textReadInPlaceComparesAsStrings() throws {
        // By scalar: `String` replacement would match U+212A for K.
        let escapes: [(Unicode.Scalar, String)] = [
            ("/", #"\/"#), ("K", #"\u004B"#), ("a", #"\u0061"#), ("\u{212A}", #"\u212a"#),
        ]
        var random = SeededGenerator(seed: 0x7465_7874)
        let pieces = Self.pieces + ["K", "\u{212A}", "/", "//", "data"]
        for round in 0..<20_000 {
            func text() -> String {
                (0..<Int.random(in: 0...5, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
                    + String(repeating: "/", count: Int.random(in: 0...2, using: &random))
            }
            let value = text()
            let other = round % 3 == 0 ? value : text()
            var json = JSONWriter.quoted(value)
            if round % 2 == 0, let (plain, escaped) = escapes.randomElement(using: &random) {
                json = json.unicodeScalars.map { $0 == plain ? escaped : String($0) }.joined()
            }
            let document = try JSONParser.parse(json)
            #expect(document == .string(value), "\(json)")
            for asPath in [false, true] {
                let expected = (asPath ? PodSpecMutation.normalized(value) : value) == other
                let found = document.withView { $0.hasText(other, asPath: asPath) }
                #expect(found == expected, "\(json) \(other.debugDescription) asPath: \(asPath)")
            }
        }
        #expect(Jobs.parse("1").withView { $0.hasText("1") } == false)
    }

    @Test func normalizedMatchesCharacterTrimming() {
        func reference(_ path: String) -> String {
            var path = Substring(path)
            while path.count > 1, path.last == "/" { path.removeLast() }
            return String(path)
        }
        var random = SeededGenerator(seed: 0x7061_7468)
        for round in 0..<20_000 {
            let path = Self.text(&random, asciiOnly: round % 3 == 0) + String(repeating: "/", count: round % 4)
            #expect(PodSpecMutation.normalized(path) == reference(path), "\(path.debugDescription)")
        }
        #expect(PodSpecMutation.normalized("\u{600}/") == "\u{600}/")
    }

    @Test func pointersBuiltByStepsMatchPointersFromTokens() {
        func dotted(_ tokens: [String]) -> String {
            var out = ""
            for token in tokens {
                if let _ = Int(token) {
                    out.append("[\(token)]")
                } else {
                    if !out.isEmpty { out.append(".") }
                    out.append(token)
                }
            }
            return out
        }
        var random = SeededGenerator(seed: 0x706F_696E)
        for _ in 0..<5_000 {
            var pointer = JSONPointer.root
            var tokens: [String] = []
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                switch Int.random(in: 0..<4, using: &random) {
                case 0:
                    let index = Int.random(in: 0...1_000_000, using: &random)
                    pointer = pointer.appending(index)
                    tokens.append(String(index))
                case 1:
                    let token = Self.text(&random, asciiOnly: false) + (Bool.random(using: &random) ? "\"\\" : "")
                    pointer = pointer.appending(token)
                    tokens.append(token)
                case 2:
                    let index = Int.random(in: 0...40, using: &random)
                    let keys = (0..<Int.random(in: 0...2, using: &random)).map { _ in
                        Self.text(&random, asciiOnly: false)
                    }
                    pointer = pointer.appending(index, then: JSONPointer(keys))
                    tokens += [String(index)] + keys
                default:
                    let more = [Self.text(&random, asciiOnly: true), "7"]
                    pointer = pointer.appending(JSONPointer(more))
                    tokens += more
                }
            }
            let built = JSONPointer(tokens)
            #expect(pointer.tokens == tokens)
            #expect(pointer == built)
            #expect(pointer.hashValue == built.hashValue)
            #expect(pointer.description == built.description)
            #expect(pointer.dotted == dotted(tokens))
            var written = ByteWriter(capacity: 0)
            pointer.writeJSONString(into: &written)
            #expect(written.bytes == Array(JSONWriter.quoted(built.description).utf8))
            if !tokens.isEmpty {
                var shorter = tokens
                shorter.removeLast()
                #expect(pointer != JSONPointer(shorter))
                #expect(pointer != JSONPointer(shorter + ["x\(tokens.last!)"]))
            }
        }
        #expect(JSONPointer(["a", "12"]) == JSONPointer(["a"]).appending(12))
        #expect(JSONPointer(["a", "012"]) != JSONPointer(["a"]).appending(12))
    }
}
