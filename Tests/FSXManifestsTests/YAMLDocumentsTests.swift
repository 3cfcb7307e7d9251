import FSXCore
import Testing

@testable import FSXManifests

/// YAML read as Kubernetes reads it (go-yaml v2 through sigs.k8s.io/yaml).
struct YAMLDocumentsTests {
    struct ScalarCase: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        var expected: JSONValue
        var testDescription: String { name }
    }

    static let scalarCases: [ScalarCase] = [
        .init(name: "yes is true (YAML 1.1)", yaml: "yes", expected: true),
        .init(name: "On is true", yaml: "On", expected: true),
        .init(name: "y is true", yaml: "y", expected: true),
        .init(name: "off is false", yaml: "off", expected: false),
        .init(name: "NO is false", yaml: "NO", expected: false),
        .init(name: "mixed-case tRUE stays text", yaml: "tRUE", expected: "tRUE"),
        .init(name: "quoted true stays text", yaml: "\"true\"", expected: "true"),
        .init(name: "single-quoted number stays text", yaml: "'250'", expected: "250"),
        .init(name: "quoted version stays text", yaml: "\"2.15\"", expected: "2.15"),
        .init(name: "plain version is a float", yaml: "2.15", expected: .number("2.15")),
        .init(name: "integer keeps its text", yaml: "1200", expected: .number("1200")),
        .init(name: "negative integer", yaml: "-5", expected: .number("-5")),
        .init(name: "leading zero is octal", yaml: "0777", expected: .number("511")),
        .init(name: "hex integer", yaml: "0x1F", expected: .number("31")),
        .init(name: "0o octal", yaml: "0o17", expected: .number("15")),
        .init(name: "binary integer", yaml: "0b101", expected: .number("5")),
        .init(name: "underscores are dropped", yaml: "1_000", expected: .number("1000")),
        .init(name: "plus sign is dropped", yaml: "+12", expected: .number("12")),
        .init(name: "08 is not octal, so a float", yaml: "08", expected: .number("8")),
        .init(name: "float with exponent keeps its text", yaml: "1e3", expected: .number("1e3")),
        .init(name: "leading dot float", yaml: ".5", expected: .number("0.5")),
        .init(name: "trailing dot float", yaml: "1.", expected: .number("1")),
        .init(name: "uint64 beyond Int64", yaml: "12345678901234567890", expected: .number("12345678901234567890")),
        .init(name: "tilde is null", yaml: "~", expected: .null),
        .init(name: "Null is null", yaml: "Null", expected: .null),
        .init(name: "quoted null stays text", yaml: "'null'", expected: "null"),
        .init(name: "quantity stays text", yaml: "1200Gi", expected: "1200Gi"),
        .init(name: "timestamp stays text", yaml: "2001-12-14", expected: "2001-12-14"),
        .init(name: "sexagesimal stays text in go-yaml v2", yaml: "12:30", expected: "12:30"),
        .init(name: "explicit str tag keeps a number as text", yaml: "!!str 1200", expected: "1200"),
        .init(name: "explicit int tag", yaml: "!!int \"42\"", expected: .number("42")),
        .init(name: "literal block keeps its lines", yaml: "|\n  a\n  b\n", expected: "a\nb\n"),
    ]

    @Test(arguments: scalarCases)
    func readsScalarsAsGoYAMLv2(_ testCase: ScalarCase) throws {
        let value = try YAMLDocuments.parseSingle("value: \(testCase.yaml)\n")
        #expect(value["value"] == testCase.expected)
        // Equality on numbers compares values; the text must match exactly as well.
        if case .number(let expected) = testCase.expected, case .number(let actual)? = value["value"] {
            #expect(actual == expected)
        }
    }

    @Test func keepsKeyOrder() throws {
        let value = try YAMLDocuments.parseSingle("zeta: 1\nalpha: 2\nmid: 3\n")
        #expect(value.objectValue?.keys == ["zeta", "alpha", "mid"])
    }

    @Test func turnsBooleanAndNumberKeysIntoTheirJSONText() throws {
        let value = try YAMLDocuments.parseSingle("on: a\n1.5: b\n0x10: c\n\"yes\": d\n")
        #expect(value.objectValue?.keys == ["true", "1.5", "16", "yes"])
    }

    @Test func expandsAliases() throws {
        let value = try YAMLDocuments.parseSingle(
            """
            base: &labels
              app: trainer
              tier: gpu
            copy: *labels
            list: [*labels, *labels]
            """)
        let labels: JSONValue = ["app": "trainer", "tier": "gpu"]
        #expect(value["copy"] == labels)
        #expect(value["list"] == [labels, labels])
    }

    @Test func appliesMergeKeysWithWrittenKeysWinning() throws {
        let value = try YAMLDocuments.parseSingle(
            """
            defaults: &defaults
              image: trainer:1
              restartPolicy: Never
            first: &first
              image: first:1
              extra: yes
            job:
              image: mine:2
              <<: [*first, *defaults]
            """)
        let job = try #require(value["job"]?.objectValue)
        #expect(job.keys == ["image", "extra", "restartPolicy"])
        #expect(job["image"] == "mine:2")
        #expect(job["extra"] == true)
    }

    @Test func numbersDocumentsInTheStreamCountingEmptyOnes() throws {
        let documents = try YAMLDocuments.documents(
            """
            # leading comment
            kind: A
            ---
            ---
            kind: B
            """)
        #expect(documents.map(\.index) == [1, 3])
        #expect(documents.map(\.line) == [2, 5])
        #expect(documents.map { $0.value["kind"] } == ["A", "B"])
    }

    struct ErrorCase: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        /// Text the one-line message must contain.
        var mentions: [String]
        var testDescription: String { name }
    }

    static let errorCases: [ErrorCase] = [
        .init(name: "bad indentation names the line", yaml: "a: 1\n b: 2\n", mentions: ["line 2", "invalid YAML"]),
        .init(name: "unclosed flow names the problem", yaml: "a: [1, 2\n", mentions: ["invalid YAML"]),
        .init(name: "mapping as a key", yaml: "? {a: 1}\n: x\n", mentions: ["line 1", "mapping key"]),
        .init(name: "null key", yaml: "~: x\n", mentions: ["line 1", "null"]),
        .init(name: "duplicate key", yaml: "a: 1\nb: 2\na: 3\n", mentions: ["duplicate key", "\"a\""]),
        .init(
            name: "keys equal once resolved", yaml: "yes: 1\ntrue: 2\n", mentions: ["line 2", "duplicate key \"true\""]),
        .init(name: "infinity has no JSON form", yaml: "a: .inf\n", mentions: ["line 1", ".inf"]),
        .init(name: "NaN has no JSON form", yaml: "a: .nan\n", mentions: [".nan"]),
        .init(name: "undefined alias", yaml: "a: *nowhere\n", mentions: ["undefined alias"]),
        .init(name: "int tag on text", yaml: "a: !!int abc\n", mentions: ["!!int"]),
        .init(name: "merge of a scalar", yaml: "a:\n  <<: 5\n", mentions: ["merge key"]),
    ]

    @Test(arguments: errorCases)
    func reportsUnreadableYAMLInOneLine(_ testCase: ErrorCase) {
        #expect {
            _ = try YAMLDocuments.parse(testCase.yaml)
        } throws: { error in
            guard let error = error as? ManifestError else { return false }
            return !error.message.contains("\n") && testCase.mentions.allSatisfy { error.message.contains($0) }
        }
    }

    @Test func refusesAliasBombs() {
        // Nine levels of nine aliases: 9^9 values if expanded.
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            yaml += "a\(level): &a\(level) [\(refs)]\n"
        }
        #expect(throws: ManifestError.self) { _ = try YAMLDocuments.parse(yaml) }
    }

    @Test func refusesAliasBombsInKeyPosition() {
        // The same bomb, but each level used as a mapping key: Yams would hash the key's
        // whole expanded tree (9^9 nodes) while checking for duplicate keys. The guard
        // refuses the key from libyaml's events before any node is hashed.
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            yaml += "a\(level): &a\(level) [\(refs)]\n"
        }
        yaml += "b:\n  ? *a9\n  : boom\n"
        #expect {
            _ = try YAMLDocuments.parse(yaml)
        } throws: { error in
            (error as? ManifestError)?.message
                == "line 12: a mapping key must be a plain value, not a list or a mapping"
        }
    }

    @Test func keepsAliasesOfScalarsAsKeysAndValues() throws {
        // Aliases of scalars are valid keys (go-yaml reads them); a redefined anchor names
        // its latest node, so an anchor first on a list and then on a scalar is a valid key.
        let yaml = "k: &k name\nlist: &k [1]\nscalar: &k again\nm:\n  *k : v\n  other: *k\n"
        let value = try YAMLDocuments.parseSingle(yaml)
        #expect(value["m"] == ["again": "v", "other": "again"])
        #expect(value["list"] == [.number("1")])
    }

    @Test func textWithAStarButNoAliasIsReadAsBefore() throws {
        let value = try YAMLDocuments.parseSingle("glob: \"*.lustre\"\nnote: a*b\n")
        #expect(value["glob"] == "*.lustre")
        #expect(value["note"] == "a*b")
    }

    @Test func refusesNestingDeeperThanTheLimit() {
        let depth = YAMLDocuments.maximumDepth + 10
        let yaml = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(throws: ManifestError.self) { _ = try YAMLDocuments.parse(yaml) }
    }

    @Test func acceptsNestingWithinTheLimit() throws {
        let yaml = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(try YAMLDocuments.parse(yaml).count == 1)
    }

    @Test func readsSingleDocumentAndRefusesSeveral() throws {
        #expect(try YAMLDocuments.parseSingle("") == .null)
        #expect(throws: ManifestError.self) { _ = try YAMLDocuments.parseSingle("a: 1\n---\nb: 2\n") }
    }
}
