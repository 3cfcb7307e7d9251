import Testing

@testable import FSXCore

/// The parser's fast paths against the general paths they stand in for: `skipValue`'s quick
/// pass against `skipValueExactly`, and the strings made directly as small strings against
/// `String(decoding:as:)`.
@Suite struct JSONFastPathTests {
    /// The skipper's outcome on `bytes` from `depth`: where it stopped, or its error.
    static func skipped(_ bytes: [UInt8], depth: Int, exactly: Bool) -> Result<Int, JSONParseError> {
        bytes.withUnsafeBytes { buffer in
            var cursor = JSONParser.Cursor(buffer)
            cursor.skipWhitespace()
            do throws(JSONParseError) {
                if exactly { try cursor.skipValueExactly(depth: depth) } else { try cursor.skipValue(depth: depth) }
                return .success(cursor.index)
            } catch {
                return .failure(error)
            }
        }
    }

    /// Whitespace added between tokens (and sometimes inside strings), so the quick pass's
    /// whitespace handling is exercised as well as compact text.
    static func spaced(_ bytes: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var result: [UInt8] = []
        for byte in bytes {
            result.append(byte)
            if Int.random(in: 0..<6, using: &random) == 0 {
                result.append([0x20, 0x0A, 0x0D, 0x09].randomElement(using: &random)!)
            }
        }
        return result
    }

    @Test func quickSkipAgreesWithTheExactSkipper() throws {
        var random = SeededGenerator(seed: 0x5EED_0101)
        var accepted = 0
        var refused = 0
        var inputs: [[UInt8]] = []
        for (_, bytes) in try FuzzInputs.documents() {
            inputs.append(bytes)
            for _ in 0..<60 { inputs.append(FuzzInputs.mutated(bytes, &random)) }
            for _ in 0..<20 { inputs.append(FuzzInputs.mutated(Self.spaced(bytes, &random), &random)) }
        }
        for _ in 0..<2000 {
            let text = Array(FuzzInputs.text(FuzzInputs.value(&random), &random).utf8)
            inputs.append(text)
            inputs.append(FuzzInputs.mutated(text, &random))
        }
        // Deep nesting around the quick pass's limit, valid and not.
        for levels in [1, 62, 63, 64, 65, 200] {
            let open = [UInt8](repeating: UInt8(ascii: "["), count: levels)
            let close = [UInt8](repeating: UInt8(ascii: "]"), count: levels)
            inputs.append(open + Array("{\"a\":1}".utf8) + close)
            inputs.append(open + close.dropLast())
        }
        for (number, input) in inputs.enumerated() {
            for depth in [0, 3, JSONParser.maximumDepth - JSONParser.quickNesting, JSONParser.maximumDepth - 2] {
                let quick = Self.skipped(input, depth: depth, exactly: false)
                let exact = Self.skipped(input, depth: depth, exactly: true)
                #expect(quick == exact, "input \(number) at depth \(depth): \(String(decoding: input, as: UTF8.self))")
                if case .success = exact { accepted += 1 } else { refused += 1 }
            }
        }
        #expect(accepted > 1000)
        #expect(refused > 1000)
    }

    @Test func smallStringsAreTheStringsTheStandardLibraryMakes() {
        #expect(JSONParser.SmallString.isAvailable)
        var random = SeededGenerator(seed: 0x5EED_0102)
        for round in 0..<20_000 {
            // Short strings at every offset of a buffer, ASCII or not, near its end or not.
            let count = Int.random(in: 0...40, using: &random)
            let bytes: [UInt8] = (0..<count).map { _ in
                switch Int.random(in: 0..<10, using: &random) {
                case 0: return UInt8.random(in: 0x80...0xFF, using: &random)
                case 1: return UInt8.random(in: 0x00...0x1F, using: &random)
                default: return UInt8.random(in: 0x20...0x7E, using: &random)
                }
            }
            let start = Int.random(in: 0...count, using: &random)
            let end = Int.random(in: start...count, using: &random)
            bytes.withUnsafeBytes { buffer in
                var cursor = JSONParser.Cursor(buffer)
                let made = cursor.string(start, end)
                let expected = String(decoding: bytes[start..<end], as: UTF8.self)
                #expect(made == expected, "round \(round)")
                #expect(Array(made.utf8) == Array(expected.utf8), "round \(round)")
                #expect(made.count == expected.count, "round \(round)")
                #expect(made.hashValue == expected.hashValue, "round \(round)")
            }
        }
    }
}

extension JSONFastPathTests {
    /// The envelope's parse tells its keys apart by their hashes.
    @Test func envelopeKeysHaveDistinctHashes() {
        let keys = AdmissionReview.reviewKeys.union(AdmissionReview.requestKeys)
        let hashes = Set(keys.map { key in Array(key.utf8).withUnsafeBytes { JSONParser.Cursor.hash($0) } })
        #expect(hashes.count == keys.count)
    }
}

extension JSONFastPathTests {
    /// The decoding's reading of an object's type is `ObjectType(of:)`'s.
    @Test func objectTypeIsReadAsByInitOf() {
        var random = SeededGenerator(seed: 0x5EED_0103)
        let pieces = ["", "/", "//", "v1", "apps", "storage.k8s.io", "é", "/\u{301}", "\r\n", "\u{301}", "a/b/c", " "]
        var values: [JSONValue] = [.null, .object(JSONObject()), ["apiVersion": 1], ["kind": "Job"]]
        for _ in 0..<3000 {
            let apiVersion = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                pieces.randomElement(using: &random)!
            }
            .joined()
            var object: [(String, JSONValue)] = [("apiVersion", .string(apiVersion))]
            if Bool.random(using: &random) { object.append(("kind", .string(pieces.randomElement(using: &random)!))) }
            values.append(.object(JSONObject(object.map { JSONObject.Member(key: $0.0, value: $0.1) })))
        }
        for value in values {
            let quick = ObjectType(quicklyOf: value)
            let reference = ObjectType(of: value)
            #expect(quick == reference, "\(value)")
            #expect(Array(quick.group.utf8) == Array(reference.group.utf8), "\(value)")
            #expect(Array(quick.version.utf8) == Array(reference.version.utf8), "\(value)")
        }
    }
}

extension JSONFastPathTests {
    /// `specialBytes` marks first, and exactly, the first byte that ends a plain string run:
    /// a quote, a backslash, a control character or a non-ASCII byte, checked byte by byte
    /// on words mixing those with plain bytes.
    @Test func specialBytesFindTheFirstSpecialByte() {
        var random = SeededGenerator(seed: 0x5EED_0104)
        let kinds: [ClosedRange<UInt8>] = [
            0x20...0x7F, 0x00...0x1F, 0x22...0x22, 0x5C...0x5C, 0x80...0xFF, 0x21...0x23,
        ]
        for _ in 0..<200_000 {
            var bytes: [UInt8] = []
            for _ in 0..<8 {
                // Mostly plain bytes, so the first special byte falls anywhere in the word.
                let kind = Int.random(in: 0..<16, using: &random) < 10 ? kinds[0] : kinds.randomElement(using: &random)!
                bytes.append(UInt8.random(in: kind, using: &random))
            }
            var word: UInt64 = 0
            for (offset, byte) in bytes.enumerated() { word |= UInt64(byte) << UInt64(offset * 8) }
            let first = bytes.firstIndex { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 >= 0x80 }
            let special = JSONParser.Cursor.specialBytes(word)
            #expect((special == 0 ? nil : special.trailingZeroBitCount >> 3) == first, "\(bytes)")
        }
    }
}

extension JSONFastPathTests {
    /// The envelope's parse keeps, in the fields `AdmissionReview.decode` reads, exactly the
    /// members it reads, and finds the special ones where it looks for them.
    @Test func envelopeKeysAreTheDecodedFields() {
        #expect(JSONParser.Cursor.reviewKeys.map(\.key) == ["apiVersion", "kind", "request"])
        #expect(Set(JSONParser.Cursor.reviewKeys.map(\.key)) == AdmissionReview.reviewKeys)
        let keys = JSONParser.Cursor.requestKeys.map(\.key)
        #expect(keys == AdmissionReview.RequestFields.keys)
        #expect(Set(keys) == AdmissionReview.requestKeys)
        #expect(keys.count == AdmissionReview.requestKeys.count)
        #expect(keys[JSONParser.Cursor.operationIndex] == "operation")
        #expect(keys[JSONParser.Cursor.kindIndex] == "kind")
        #expect(keys[JSONParser.Cursor.objectIndex] == "object")
        #expect(keys[JSONParser.Cursor.oldObjectIndex] == "oldObject")
        var fields = AdmissionReview.RequestFields()
        for index in keys.indices { fields[member: index] = .string(keys[index]) }
        #expect(fields.uid == "uid" && fields.operation == "operation" && fields.kind == "kind")
        #expect(fields.namespace == "namespace" && fields.name == "name" && fields.object == "object")
        #expect(fields.oldObject == "oldObject" && fields.dryRun == "dryRun")
    }
}

extension JSONFastPathTests {
    /// `memberIndex` finds a key among selected keys that share their first 8 bytes and their
    /// length, wherever the key lies in the buffer (its last bytes included), escaped or not.
    @Test func memberIndexTellsApartKeysThatShareTheirHead() {
        var random = SeededGenerator(seed: 0x5EED_0105)
        for _ in 0..<3000 {
            let count = Int.random(in: 0...20, using: &random)
            let letters = Array("abAB".utf8)
            var keys: Set<[UInt8]> = []
            let head = (0..<min(count, 8)).map { _ in letters.randomElement(using: &random)! }
            for _ in 0..<Int.random(in: 1...5, using: &random) {
                keys.insert(head + (0..<max(count - 8, 0)).map { _ in letters.randomElement(using: &random)! })
            }
            let named = keys.map {
                JSONSelection.Member(key: String(decoding: $0, as: UTF8.self), selection: .everything)
            }
            let probe =
                Bool.random(using: &random)
                ? Array(named.randomElement(using: &random)!.key.utf8)
                : head + (0..<max(count - 8, 0)).map { _ in letters.randomElement(using: &random)! }
            let expected = named.firstIndex { Array($0.key.utf8) == probe }
            // The key as a document of its own (so it ends close to the buffer's end) or
            // followed by padding, plain or with its first byte escaped.
            let escaped = !probe.isEmpty && Bool.random(using: &random)
            var text: [UInt8] = [UInt8(ascii: "\"")]
            if escaped {
                let hex = String(probe[0], radix: 16)
                text +=
                    Array(("\\u" + String(repeating: "0", count: 4 - hex.utf8.count) + hex).utf8) + probe.dropFirst()
            } else {
                text += probe
            }
            text.append(UInt8(ascii: "\""))
            if Bool.random(using: &random) {
                text += Array(repeating: 0x20, count: Int.random(in: 0...20, using: &random))
            }
            let found: Int?? = text.withUnsafeBytes { buffer in
                var cursor = JSONParser.Cursor(buffer)
                guard let key = try? cursor.scanString(decode: true) else { return .none }
                return .some(cursor.memberIndex(key, among: named))
            }
            #expect(found == .some(expected), "\(probe) among \(keys)")
        }
    }
}
