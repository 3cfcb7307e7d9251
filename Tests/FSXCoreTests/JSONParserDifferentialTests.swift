import FSXTestSupport
import Foundation
import Testing

@testable import FSXCore

/// The fast parser against independent decoders, on many varied inputs: the committed
/// fixtures broken byte by byte, and generated documents full of escapes, multi-byte
/// characters and strings of every length around its 8-byte steps.
@Suite struct JSONParserDifferentialTests {
    static func parsed(_ bytes: [UInt8]) -> Result<JSONValue, JSONParseError> {
        Result { () throws(JSONParseError) in try JSONParser.parse(bytes) }
    }

    static func referenceParsed(_ bytes: [UInt8]) -> Result<JSONValue, JSONParseError> {
        Result { () throws(JSONParseError) in try ReferenceJSONParser.parse(bytes) }
    }

    /// Same outcome: the same error, or values that are equal and serialise identically
    /// (so key order and number text agree too).
    static func expectSame(
        _ fast: Result<JSONValue, JSONParseError>, _ reference: Result<JSONValue, JSONParseError>, _ context: String
    ) {
        switch (fast, reference) {
        case (.success(let a), .success(let b)):
            #expect(a == b, "\(context)")
            #expect(JSONWriter.bytes(a) == JSONWriter.bytes(b), "\(context)")
        case (.failure(let a), .failure(let b)):
            #expect(a == b, "\(context)")
        default:
            Issue.record("\(context): fast \(fast), reference \(reference)")
        }
    }

    @Test func agreesWithTheReferenceParserOnMutatedFixtures() throws {
        var random = SeededGenerator(seed: 0x5EED_0001)
        var accepted = 0
        var refused = 0
        for (name, bytes) in try FuzzInputs.documents() {
            for round in 0..<120 {
                let input = round == 0 ? bytes : FuzzInputs.mutated(bytes, &random)
                let fast = Self.parsed(input)
                Self.expectSame(fast, Self.referenceParsed(input), "\(name) round \(round)")
                if case .success = fast { accepted += 1 } else { refused += 1 }
            }
        }
        // Both outcomes must be well represented, or the comparison proves little.
        #expect(accepted > 1000)
        #expect(refused > 1000)
    }

    @Test func agreesWithTheReferenceParserOnGeneratedDocuments() {
        var random = SeededGenerator(seed: 0x5EED_0002)
        for round in 0..<3000 {
            let value = FuzzInputs.value(&random)
            let text = Array(FuzzInputs.text(value, &random).utf8)
            let fast = Self.parsed(text)
            #expect((try? fast.get()) == value, "round \(round): \(String(decoding: text, as: UTF8.self))")
            Self.expectSame(fast, Self.referenceParsed(text), "round \(round)")
            let broken = FuzzInputs.mutated(text, &random)
            Self.expectSame(Self.parsed(broken), Self.referenceParsed(broken), "round \(round), mutated")
        }
    }

    /// Foundation's parser shares no code with either of ours.
    @Test func readsGeneratedDocumentsAsFoundationDoes() throws {
        var random = SeededGenerator(seed: 0x5EED_0003)
        for round in 0..<1500 {
            let value = FuzzInputs.value(&random)
            let text = Data(FuzzInputs.text(value, &random).utf8)
            let foundation = Self.jsonValue(try JSONSerialization.jsonObject(with: text, options: [.fragmentsAllowed]))
            #expect(try JSONParser.parse(Array(text)) == foundation, "round \(round)")
        }
    }

    static func jsonValue(_ any: Any) -> JSONValue {
        switch any {
        case is NSNull: return .null
        case let string as String: return .string(string)
        case let number as NSNumber:
            // JSONSerialization answers `true`/`false` as NSNumbers of type char.
            if String(cString: number.objCType) == "c" { return .bool(number.boolValue) }
            return .number(number.stringValue)
        case let array as [Any]: return .array(array.map(jsonValue))
        case let dictionary as [String: Any]:
            return .object(JSONObject(dictionary.map { JSONObject.Member(key: $0.key, value: jsonValue($0.value)) }))
        default:
            Issue.record("unexpected \(type(of: any)) from JSONSerialization")
            return .null
        }
    }

    @Test(arguments: [
        "", "\"", "\"abc", "\"abcdefgh", "\"abcdefghijklmnop\\", "\"\\u12", "\"\\ud83d\\u0041\"", "\"\u{7F}\"",
        "[\"\u{1F}\"]", "{\"a\"  :1 , \"a\":2}", "1e", "-0.0e-0", "[01]", "[1.]", "\"\\/\"", "\"é😀\"",
    ])
    func agreesOnEdgeCases(_ text: String) {
        Self.expectSame(Self.parsed(Array(text.utf8)), Self.referenceParsed(Array(text.utf8)), text)
    }

    /// Every byte sequence of up to 4 bytes after a quote, in a string the 8-byte scan and
    /// the byte-by-byte tail both see: UTF-8 validity must be decided as the standard
    /// library's `String(validating:)` decides it.
    @Test func validatesUTF8AsTheStandardLibraryDoes() {
        var random = SeededGenerator(seed: 0x5EED_0004)
        let interesting: [UInt8] = [
            0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
            0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
        ]
        for round in 0..<20000 {
            let count = Int.random(in: 1...4, using: &random)
            let middle = (0..<count).map { _ in interesting.randomElement(using: &random)! }
            let padding = Array(repeating: UInt8(ascii: "x"), count: Int.random(in: 0...9, using: &random))
            let input = [UInt8(ascii: "\"")] + padding + middle + padding + [UInt8(ascii: "\"")]
            let valid = String(validating: padding + middle + padding, as: UTF8.self) != nil
            let parsed = Self.parsed(input)
            #expect(((try? parsed.get()) != nil) == valid, "round \(round): \(middle)")
            Self.expectSame(parsed, Self.referenceParsed(input), "round \(round)")
        }
    }

    @Test func keepsTheLastOfRepeatedKeysInManyKeyedObjects() throws {
        // Past 16 keys repeats are found by hashing; the result must not change.
        let keys = (0..<40).map { "k\($0)" }
        let text =
            "{" + (keys + ["k3", "k39", "k0"]).enumerated().map { "\"\($1)\":\($0)" }.joined(separator: ",") + "}"
        let value = try JSONParser.parse(text)
        #expect(value.objectValue?.keys == keys)
        #expect(value["k3"] == 40)
        #expect(value["k39"] == 41)
        #expect(value["k0"] == 42)
        Self.expectSame(Self.parsed(Array(text.utf8)), Self.referenceParsed(Array(text.utf8)), text)
    }
}
