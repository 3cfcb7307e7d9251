import FSXJSON
import FSXTestSupport
import Foundation
import Testing

@testable import FSXCore

/// The scanner and its tape against independent readers: Foundation's `JSONSerialization`
/// on what is valid JSON, the reference parser on where and why a document is refused and
/// on what an accepted one holds.
@Suite struct JSONScannerTests {
    static func scanned(_ bytes: [UInt8]) -> Result<JSONValue, JSONScanError> {
        bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONScanError) in
                let tape = try JSONScanner.scan(buffer)
                return tape.withEntries {
                    JSONValue(JSONView(bytes: buffer, entries: $0, position: 0))
                }
            }
        }
    }

    static func foundationAccepts(_ bytes: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
    }

    /// The same value with the same key order and number text, or the same error at the
    /// same offset.
    static func expectAsReference(_ bytes: [UInt8], _ context: String) {
        let scanned = Self.scanned(bytes)
        let reference = Result { () throws(JSONParseError) in try ReferenceJSONParser.parse(bytes) }
        switch (scanned, reference) {
        case (.success(let a), .success(let b)):
            #expect(a == b, "\(context)")
            #expect(JSONWriter.bytes(a) == JSONWriter.bytes(b), "\(context)")
        case (.failure(let a), .failure(let b)):
            #expect(a.offset == b.offset && a.reason == b.reason, "\(context): scanner \(a), reference \(b)")
        default:
            Issue.record("\(context): scanner \(scanned), reference \(reference)")
        }
    }

    @Test func refusesWhereAndWhyTheReferenceParserDoesOnMutatedFixtures() throws {
        var random = SeededGenerator(seed: 0x5CA7_0001)
        var accepted = 0
        var refused = 0
        for (name, bytes) in try FuzzInputs.documents() {
            for round in 0..<120 {
                let input = round == 0 ? bytes : FuzzInputs.mutated(bytes, &random)
                Self.expectAsReference(input, "\(name) round \(round)")
                if case .success = Self.scanned(input) { accepted += 1 } else { refused += 1 }
            }
        }
        // Both outcomes must be well represented, or the comparison proves little.
        #expect(accepted > 1000)
        #expect(refused > 1000)
    }

    @Test func readsGeneratedDocumentsAsTheReferenceParserDoes() {
        var random = SeededGenerator(seed: 0x5CA7_0002)
        for round in 0..<3000 {
            let value = FuzzInputs.value(&random)
            let text = Array(FuzzInputs.text(value, &random).utf8)
            #expect((try? Self.scanned(text).get()) == value, "round \(round)")
            Self.expectAsReference(text, "round \(round)")
            Self.expectAsReference(FuzzInputs.mutated(text, &random), "round \(round), mutated")
        }
    }

    /// Foundation's reader shares no code with ours: it must accept exactly the documents
    /// the scanner accepts, whole or broken.
    @Test func acceptsWhatFoundationAccepts() throws {
        var random = SeededGenerator(seed: 0x5CA7_0003)
        var documents: [[UInt8]] = []
        for _ in 0..<1500 {
            let text = Array(FuzzInputs.text(FuzzInputs.value(&random), &random).utf8)
            documents.append(text)
            documents.append(FuzzInputs.mutated(text, &random))
        }
        for (_, bytes) in try FuzzInputs.documents() {
            for _ in 0..<20 { documents.append(FuzzInputs.mutated(bytes, &random)) }
        }
        var accepted = 0
        for (round, bytes) in documents.enumerated() {
            let scannerAccepts = (try? Self.scanned(bytes).get()) != nil
            #expect(
                scannerAccepts == Self.foundationAccepts(bytes),
                "document \(round): \(String(decoding: bytes.prefix(200), as: UTF8.self))")
            if scannerAccepts { accepted += 1 }
        }
        #expect(accepted > 1000)
        #expect(documents.count - accepted > 1000)
    }

    @Test(arguments: [
        "", " ", "\"", "\"abc", "\"abcdefgh", "\"abcdefghijklmnop\\", "\"\\u12", "\"\\ud83d\\u0041\"", "\"\u{7F}\"",
        "[\"\u{1F}\"]", "{\"a\"  :1 , \"a\":2}", "1e", "-0.0e-0", "[01]", "[1.]", "\"\\/\"", "\"é😀\"", "{", "[",
        "{\"a\"", "{\"a\":", "{\"a\":1", "[1,", "[1 2]", "{\"a\" 1}", "{1:2}", "tru", "nul", "falsy", "-", "- 1",
        "[] x", "{}", "[]", "[[]]", "{\"\":{}}", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0000\"", "\"\\x\"",
        "\"\\u00G0\"", "[1,]", "{\"a\":1,}",
    ])
    func agreesOnEdgeCases(_ text: String) {
        Self.expectAsReference(Array(text.utf8), text)
    }

    @Test func stopsAtTheDepthLimitWhereTheReferenceDoes() {
        for depth in [511, 512, 513, 100_000] {
            Self.expectAsReference(Array(repeating: UInt8(ascii: "["), count: depth), "\(depth) [")
            let closed = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            Self.expectAsReference(Array(closed.utf8), "\(depth) nested arrays")
            let objects = String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
            Self.expectAsReference(Array(objects.utf8), "\(depth) nested objects")
        }
    }

    /// Every byte sequence of up to 4 bytes inside a string, where both the 8-byte steps and
    /// the byte-by-byte tail see it: UTF-8 validity as `String(validating:)` decides it.
    /// The densest documents (an entry per two bytes, containers left open up to the depth
    /// limit) outgrow every size the tape starts at; the scanner's assertion (in debug
    /// builds) checks that every turn has room for its entries.
    @Test func growsTheTapeForTheDensestDocuments() {
        for count in [1, 2, 100, 1000, 10_000, 100_000] {
            let zeros = "[" + Array(repeating: "0", count: count).joined(separator: ",") + "]"
            let empties = "[" + Array(repeating: "[]", count: count).joined(separator: ",") + "]"
            let keys = "{" + Array(repeating: #""":0"#, count: count).joined(separator: ",") + "}"
            let deep = String(repeating: "[", count: 511) + zeros
            for text in [zeros, empties, keys, deep, deep + String(repeating: "]", count: 511)] {
                Self.expectAsReference(Array(text.utf8), "\(count): \(text.prefix(20))")
            }
        }
    }

    @Test func validatesUTF8AsTheStandardLibraryDoes() {
        var random = SeededGenerator(seed: 0x5CA7_0004)
        let interesting: [UInt8] = [
            0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
            0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
        ]
        for round in 0..<20000 {
            let middle = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                interesting.randomElement(using: &random)!
            }
            let padding = Array(repeating: UInt8(ascii: "x"), count: Int.random(in: 0...9, using: &random))
            let input = [UInt8(ascii: "\"")] + padding + middle + padding + [UInt8(ascii: "\"")]
            let valid = String(validating: padding + middle + padding, as: UTF8.self) != nil
            #expect(((try? Self.scanned(input).get()) != nil) == valid, "round \(round): \(middle)")
        }
    }

    @Test func looksUpMembersByTheirBytesAndKeepsTheLastOfARepeat() throws {
        let text = Array(
            #"{"metadata":{"labels":{"fsx-webhook/inject":"true","k\u212Aey":1,"kKey":2}},"a":1,"a":[10,"x\n",null]}"#
                .utf8)
        try text.withUnsafeBytes { buffer in
            try JSONView.scanning(buffer) { root in
                #expect(root["metadata"]?["labels"]?["fsx-webhook/inject"]?.string == "true")
                // Keys are bytes: the Kelvin sign is not "K".
                #expect(root["metadata"]?["labels"]?["kKey"]?.numberText == "2")
                #expect(root["metadata"]?["labels"]?["k\u{212A}ey"]?.numberText == "1")
                #expect(root["metadata"]?["annotations"] == nil)
                #expect(root["a"]?.isArray == true)
                #expect(root["a"]?[1]?.string == "x\n")
                #expect(root["a"]?[2]?.isNull == true)
                #expect(root["a"]?[3] == nil)
                #expect(root["a"]?.elements.map(\.typeName) == ["number", "string", "null"])
                #expect(root.members.map { $0.key.string! } == ["metadata", "a", "a"])
                #expect(root.hasRepeatedKeys)
                #expect(root["metadata"]?["labels"]?.hasRepeatedKeys == false)
                #expect(root["a"]?["x"] == nil)
            }
        }
    }

    /// Repeated keys found as a set of the keys' decoded bytes finds them: few keys and
    /// many, alike in length and last byte, escaped or not.
    @Test func findsRepeatedKeysAsASetDoes() throws {
        var random = SeededGenerator(seed: 0x5CA7_0006)
        let keys = [
            "", "a", "b", "ab", "ba", "bb", "abc", "xbc", #"\u0061"#, #"a\u0062"#, "name", #"nam\u0065"#, "kind",
        ]
        for round in 0..<3000 {
            let chosen = (0..<Int.random(in: 1...20, using: &random)).map { _ in keys.randomElement(using: &random)! }
            let text = Array(("{" + chosen.map { #""\#($0)":0"# }.joined(separator: ",") + "}").utf8)
            try text.withUnsafeBytes { buffer in
                try JSONView.scanning(buffer) { root in
                    var seen = Set<[UInt8]>()
                    let expected = root.members.contains { !seen.insert($0.key.textBytes).inserted }
                    #expect(root.hasRepeatedKeys == expected, "round \(round): \(chosen)")
                }
            }
        }
    }

    @Test func recordsWhereEachValueEndsOnTheTape() throws {
        let text = Array(#"[{"a":[1,2]},"s",{}]"#.utf8)
        let tape = try text.withUnsafeBytes { buffer throws(JSONScanError) in try JSONScanner.scan(buffer) }
        // [ { "a" [ 1 2 ] } "s" { } ]
        #expect(tape.entryList.map(\.kind) == [.array, .object, .string, .array, .number, .number, .string, .object])
        #expect(tape.entryList.map(\.next) == [8, 6, 3, 6, 5, 6, 7, 8])
        #expect(tape.entryList.map(\.count) == [3, 1, 1, 2, 1, 1, 1, 0])
    }

    /// A container's member count and the index after it are written at different times
    /// (the index when it opens, both completed when it closes): on every fixture and on
    /// generated documents with whitespace everywhere, walking each container's children by
    /// their `next` index finds exactly `count` of them (a key and a value each in an
    /// object) and ends at the container's own `next`, and the bytes at a container's start
    /// open it.
    @Test func recordsCountsThatAgreeWithWhereEachValueEnds() throws {
        var random = SeededGenerator(seed: 0x5CA7_0005)
        var documents = try FuzzInputs.documents().map(\.1)
        for _ in 0..<2000 {
            documents.append(Array(FuzzInputs.text(FuzzInputs.value(&random), &random).utf8))
        }
        var containers = 0
        for (round, bytes) in documents.enumerated() {
            let entries = try bytes.withUnsafeBytes { buffer throws(JSONScanError) in
                try JSONScanner.scan(buffer).entryList
            }
            /// The index after the value at `position`, found by walking its children.
            func end(_ position: Int) -> Int {
                let entry = entries[position]
                guard entry.kind == .array || entry.kind == .object else {
                    #expect(Int(entry.next) == position + 1, "document \(round), entry \(position)")
                    return position + 1
                }
                containers += 1
                #expect(bytes[Int(entry.start)] == (entry.kind == .object ? UInt8(ascii: "{") : UInt8(ascii: "[")))
                var child = position + 1
                for _ in 0..<entry.count {
                    if entry.kind == .object {
                        #expect(entries[child].kind == .string, "document \(round), key at \(child)")
                        child += 1
                    }
                    child = end(child)
                }
                #expect(child == Int(entry.next), "document \(round), container at \(position)")
                return Int(entry.next)
            }
            #expect(end(0) == entries.count, "document \(round)")
        }
        #expect(containers > 5000)
    }
}
