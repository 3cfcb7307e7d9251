import FSXCore
import Testing

@testable import FSXManifests

/// `mutate -o yaml` output must read back as exactly the same value.
struct YAMLEmitterTests {
    struct StringCase: CustomTestStringConvertible, Sendable {
        var name: String
        var value: String
        var testDescription: String { name }
    }

    static let trickyStrings: [StringCase] = [
        .init(name: "true", value: "true"), .init(name: "True", value: "True"),
        .init(name: "yes", value: "yes"), .init(name: "y", value: "y"), .init(name: "N", value: "N"),
        .init(name: "on", value: "on"), .init(name: "off", value: "OFF"),
        .init(name: "version", value: "2.15"), .init(name: "integer", value: "1200"),
        .init(name: "octal-looking", value: "0777"), .init(name: "hex-looking", value: "0x1F"),
        .init(name: "exponent", value: "1e3"), .init(name: "dot number", value: ".5"),
        .init(name: "sexagesimal", value: "12:30"), .init(name: "timestamp", value: "2001-12-14"),
        .init(name: "null", value: "null"), .init(name: "tilde", value: "~"), .init(name: "empty", value: ""),
        .init(name: "infinity", value: ".inf"), .init(name: "merge", value: "<<"), .init(name: "value", value: "="),
        .init(name: "leading spaces", value: "  x"), .init(name: "trailing spaces", value: "x  "),
        .init(name: "colon space", value: "a: b"), .init(name: "space hash", value: "a #b"),
        .init(name: "trailing colon", value: "key:"),
        .init(name: "leading dash", value: "-x"), .init(name: "lone dash", value: "-"),
        .init(name: "alias", value: "*x"), .init(name: "anchor", value: "&x"), .init(name: "tag", value: "!x"),
        .init(name: "flow mapping", value: "{x"), .init(name: "flow sequence", value: "[x"),
        .init(name: "comment", value: "#x"), .init(name: "percent", value: "%x"), .init(name: "at", value: "@x"),
        .init(name: "backtick", value: "`x"), .init(name: "quote", value: "\"x"),
        .init(name: "apostrophe", value: "'x"),
        .init(name: "pipe", value: "|x"), .init(name: "greater", value: ">x"), .init(name: "question", value: "?x"),
        .init(name: "document start", value: "--- x"), .init(name: "document end", value: "..."),
        .init(name: "tab", value: "a\tb"), .init(name: "control character", value: "a\u{1}b"),
        .init(name: "carriage return", value: "a\r\nb"), .init(name: "line separator", value: "a\u{2028}b"),
        .init(name: "non-ASCII", value: "héllo ✓ 😀"), .init(name: "backslash", value: "C:\\path"),
        .init(name: "comma list", value: "training-data,checkpoints"), .init(name: "S3 URL", value: "s3://bucket/x"),
        .init(name: "multi-line", value: "line one\n  indented\nlast\n"),
        .init(name: "multi-line without final break", value: "a\nb"),
        .init(name: "multi-line with extra breaks", value: "a\n\n\n"),
        .init(name: "multi-line starting with spaces", value: "  a\nb\n"),
        .init(name: "multi-line starting with a break", value: "\n  a\n"),
        .init(name: "multi-line with trailing spaces", value: "a  \nb\n"),
        .init(name: "only line breaks", value: "\n\n"),
        .init(name: "multi-line with a hash line", value: "#!/bin/sh\necho hi # comment\n"),
    ]

    @Test(arguments: trickyStrings)
    func roundTripsTrickyStringsAsValuesAndKeys(_ testCase: StringCase) throws {
        let object: JSONValue = [
            "value": .string(testCase.value),
            "list": [.string(testCase.value)],
            "nested": .object(JSONObject([.init(key: testCase.value, value: "key")])),
        ]
        let yaml = YAMLEmitter.document(object)
        let back = try YAMLDocuments.parseSingle(yaml)
        #expect(back == object, "emitted:\n\(yaml)")
    }

    @Test(arguments: ["true", "yes", "2.15", "1200", "null", "", "~", " x", "a: b", "-x"])
    func quotesStringsThatWouldReadAsSomethingElse(_ value: String) {
        #expect(YAMLEmitter.quotedIfNeeded(value).hasPrefix("\""))
    }

    @Test(arguments: [
        "fsx.csi.aws.com", "training-data,checkpoints", "1200Gi", "subnet-0123456789abcdef0", "PERSISTENT_2",
    ])
    func leavesOrdinaryStringsPlain(_ value: String) {
        #expect(YAMLEmitter.quotedIfNeeded(value) == value)
    }

    /// YAML ends an implicit key after 1024 characters; longer keys must still read back,
    /// whatever their value (found by Fuzz/ManifestFuzzer: a 1,160-character plain key).
    @Test(arguments: [999, 1000, 1001, 1024, 1025, 5000])
    func writesLongKeysSoTheyReadBack(_ length: Int) throws {
        let keys = [
            String(repeating: "k", count: length),
            "b " + String(repeating: "- ", count: length / 2),
            String(repeating: "é: ", count: length / 3),
        ]
        for key in keys {
            let value = JSONValue.object(
                JSONObject([
                    .init(key: key, value: "v"),
                    .init(key: "m", value: .object(JSONObject([.init(key: key, value: 1)]))),
                    .init(key: key + "2", value: ["a": [1, 2]]), .init(key: key + "3", value: [[key: nil]]),
                ]))
            let emitted = YAMLEmitter.document(value)
            #expect(try YAMLDocuments.parseSingle(emitted) == value, "\(emitted.prefix(200))")
        }
    }

    @Test func keepsKeyOrderAndNumberText() {
        let object: JSONValue = [
            "zeta": .number("1.0"), "alpha": .number("2.50"), "flag": false, "none": .null,
            "empty": [:], "list": [],
        ]
        #expect(
            YAMLEmitter.document(object)
                == """
                zeta: 1.0
                alpha: 2.50
                flag: false
                none: null
                empty: {}
                list: []

                """)
    }

    @Test func writesNestedCollectionsInBlockStyle() throws {
        let object: JSONValue = [
            "spec": ["containers": [["name": "trainer", "args": ["--epochs", "10"]]], "matrix": [[1, 2], [3]]]
        ]
        let yaml = YAMLEmitter.document(object)
        #expect(
            yaml == """
                spec:
                  containers:
                    - name: trainer
                      args:
                        - "--epochs"
                        - "10"
                  matrix:
                    - - 1
                      - 2
                    - - 3

                """)
        #expect(try YAMLDocuments.parseSingle(yaml) == object)
    }

    @Test func separatesDocumentsWithDashes() throws {
        let documents: [JSONValue] = [["kind": "A"], ["kind": "B"]]
        let yaml = YAMLEmitter.stream(documents)
        #expect(yaml == "kind: A\n---\nkind: B\n")
        #expect(try YAMLDocuments.parse(yaml) == documents)
    }
}
