import Testing

@testable import FSXCore

@Suite struct JSONParserTests {
    @Test func parsesEveryValueKindLosslessly() throws {
        let value = try JSONParser.parse(
            #"{"a":[1,-2.50,3e10,true,false,null],"b":"x\"y\\z\u00e9\ud83d\ude00","c":{}}"#)
        #expect(value["a"]?[0] == .number("1"))
        #expect(value["a"]?[1] == .number("-2.50"), "numbers keep their source text")
        #expect(value["a"]?[2] == .number("3e10"))
        #expect(value["a"]?[3] == .bool(true))
        #expect(value["a"]?[5] == .null)
        #expect(value["b"] == .string("x\"y\\zé😀"))
        #expect(value["c"] == .object(JSONObject()))
    }

    @Test func keepsKeyOrderAndLetsTheLastDuplicateWinLikeGo() throws {
        let value = try JSONParser.parse(#"{"z":1,"a":2,"z":3}"#)
        #expect(value.objectValue?.keys == ["z", "a"])
        #expect(value["z"] == .number("3"))
    }

    @Test(arguments: [
        ("empty", ""),
        ("truncated object", #"{"a":1"#),
        ("truncated string", #"{"a":"abc"#),
        ("trailing comma", "[1,2,]"),
        ("trailing data", "{} x"),
        ("leading zero", "012"),
        ("bare minus", "-"),
        ("lone high surrogate", #""\ud800""#),
        ("lone low surrogate", #""\udc00x""#),
        ("control character in string", "\"a\u{01}b\""),
        ("single quotes", "{'a':1}"),
        ("bad escape", #""\x""#),
        ("bad literal", "tru"),
        ("unquoted key", "{a:1}"),
    ])
    func rejectsMalformedJSON(name: String, text: String) {
        #expect(throws: JSONParseError.self, "\(name)") { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8InStrings() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]  // "\xC3(" is not UTF-8
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
    }

    @Test func stopsDeepNestingWithAnErrorInsteadOfOverflowingTheStack() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let deepObjects = String(repeating: #"{"a":"#, count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deepObjects) }
    }

    @Test func acceptsNestingUpToTheLimit() throws {
        let depth = JSONParser.maximumDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        _ = try JSONParser.parse(text)
        let tooDeep = "[" + text + "]"
        #expect(throws: JSONParseError.self) { try JSONParser.parse(tooDeep) }
    }

    @Test func keepsNumbersBeyondDoubleAndInt64AsText() throws {
        let value = try JSONParser.parse("[1e400, 123456789012345678901234567890]")
        #expect(value[0] == .number("1e400"))
        #expect(value[1] == .number("123456789012345678901234567890"))
        #expect(value[1]?.intValue == nil)
    }

    @Test func reportsTheByteOffsetOfTheProblem() {
        do {
            _ = try JSONParser.parse(#"{"a": tru}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.offset == 6)
        }
    }
}

@Suite struct JSONWriterTests {
    @Test func writesCompactJSONWithoutEscapingSlashes() {
        let value: JSONValue = ["path": "/spec/template", "n": .number("1.50"), "ok": true, "none": nil]
        #expect(JSONWriter.string(value) == #"{"path":"/spec/template","n":1.50,"ok":true,"none":null}"#)
    }

    @Test func escapesControlCharactersQuotesAndBackslashes() {
        #expect(JSONWriter.quoted("a\"b\\c\nd\u{01}") == #""a\"b\\c\nd\u0001""#)
    }

    @Test(arguments: [
        #"{"a":[1,2,{"b":null}],"c":"é😀\n","d":-0.5e-3,"e":{}}"#,
        #"[]"#,
        #""just a string""#,
        #"{"nested":{"deep":{"deeper":[[[]]]}}}"#,
    ])
    func roundTripsThroughParseAndWrite(text: String) throws {
        let value = try JSONParser.parse(text)
        #expect(try JSONParser.parse(JSONWriter.bytes(value)) == value)
        #expect(try JSONParser.parse(JSONWriter.bytes(value, style: .pretty)) == value)
    }

    @Test func prettyOutputIsIndentedForPeople() {
        let value: JSONValue = ["a": [1, 2], "b": [:]]
        #expect(JSONWriter.string(value, style: .pretty) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}")
    }

    @Test func comparesObjectsRegardlessOfKeyOrderAndNumbersByValue() throws {
        #expect(try JSONParser.parse(#"{"a":1,"b":2.0}"#) == JSONParser.parse(#"{"b":2,"a":1.0}"#))
        #expect(try JSONParser.parse(#"{"a":1}"#) != JSONParser.parse(#"{"a":1,"b":2}"#))
        #expect(try JSONParser.parse("[1,2]") != JSONParser.parse("[2,1]"))
    }
}

@Suite struct Base64Tests {
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func encodesTheRFC4648TestVectors(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test func roundTripsEveryByteValue() {
        let bytes = (0..<512).map { UInt8($0 % 256) }
        #expect(Base64.decode(Base64.encode(bytes)) == bytes)
    }

    @Test func refusesCharactersOutsideTheAlphabet() {
        #expect(Base64.decode("Zm9v!") == nil)
    }
}

@Suite struct JSONPointerEscapingTests {
    @Test func escapesTildeAndSlashPerRFC6901() {
        let pointer = JSONPointer(["metadata", "labels", "fsx-webhook/inject", "a~b"])
        #expect(pointer.description == "/metadata/labels/fsx-webhook~1inject/a~0b")
        #expect(JSONPointer(escaped: pointer.description) == pointer)
    }

    @Test func decodesTildeOneBeforeTildeZero() {
        // "~01" must become "~1", not "/".
        #expect(JSONPointer(escaped: "/~01")?.tokens == ["~1"])
    }
}
