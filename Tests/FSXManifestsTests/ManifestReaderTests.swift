import FSXCore
import Foundation
import Testing

@testable import FSXManifests

/// Files, folders and standard input to objects with their source.
struct ManifestReaderTests {
    static func manifests(_ text: String, source: String = "x.yaml") throws -> [Manifest] {
        try ManifestReader.manifests(in: Array(text.utf8), source: source)
    }

    @Test func readsEveryDocumentWithItsPosition() throws {
        let read = try Self.manifests(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a, namespace: ml}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: b}
            """)
        #expect(read.map(\.name) == ["a", "b"])
        #expect(read.map(\.location) == ["x.yaml#1", "x.yaml#2"])
        #expect(read.map(\.line) == [1, 5])
        #expect(read[0].namespace == "ml")
    }

    @Test func expandsListsIntoTheirItems() throws {
        let read = try Self.manifests(
            """
            apiVersion: v1
            kind: List
            items:
              - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
              - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
            """)
        #expect(read.map(\.name) == ["a", "b"])
        #expect(read.map(\.location) == ["x.yaml#1[0]", "x.yaml#1[1]"])
    }

    @Test func expandsTypedListsAsKubectlGetWritesThem() throws {
        let read = try Self.manifests(
            """
            {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClassList", "items": [
              {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fsx"}}
            ]}
            """, source: "x.json")
        #expect(read.map(\.type.kind) == ["StorageClass"])
    }

    @Test func keepsJSONNumbersExactlyAsWritten() throws {
        let read = try Self.manifests(
            #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "x": 1.50, "y": 1e400}"#,
            source: "x.json")
        guard case .number(let x)? = read.first?.object["x"], case .number(let y)? = read.first?.object["y"] else {
            Issue.record("numbers were not read")
            return
        }
        #expect(x == "1.50")
        #expect(y == "1e400")
    }

    @Test func readsFlowYAMLThatIsNotJSON() throws {
        let read = try Self.manifests("{apiVersion: v1, kind: ConfigMap, metadata: {name: flow}}\n")
        #expect(read.map(\.name) == ["flow"])
    }

    struct BadCase: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var mentions: [String]
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        .init(
            name: "missing kind", text: "apiVersion: v1\nmetadata: {name: a}\n",
            mentions: ["x.yaml: document 1 (line 1)", "\"kind\""]),
        .init(
            name: "missing apiVersion in the second document",
            text: "apiVersion: v1\nkind: A\n---\nkind: B\n", mentions: ["document 2 (line 4)", "\"apiVersion\""]),
        .init(
            name: "kind that is not a string", text: "apiVersion: v1\nkind: 5\n",
            mentions: ["\"kind\" must be a string"]),
        .init(name: "scalar document", text: "just text\n", mentions: ["is a string, not a Kubernetes object"]),
        .init(name: "list document", text: "- a\n- b\n", mentions: ["is a array, not a Kubernetes object"]),
        .init(
            name: "list item without kind", text: "apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1}\n",
            mentions: ["items[0]", "\"kind\""]),
        .init(name: "List without items", text: "apiVersion: v1\nkind: List\n", mentions: ["items"]),
        .init(
            name: "invalid YAML names the file and line", text: "a: 1\n  b: 2\n",
            mentions: ["x.yaml: invalid YAML at line 2"]),
        .init(
            name: "invalid JSON names the line", text: "{\n\"a\": 1\n\"b\": 2}\n",
            mentions: ["x.yaml: invalid JSON at line 3"]),
    ]

    @Test(arguments: badCases)
    func refusesWhatIsNotAKubernetesObject(_ testCase: BadCase) {
        #expect {
            _ = try Self.manifests(testCase.text)
        } throws: { error in
            guard let error = error as? ManifestError else { return false }
            return testCase.mentions.allSatisfy { error.message.contains($0) }
        }
    }

    @Test func refusesInvalidUTF8WithItsLine() {
        let bytes: [UInt8] = Array("apiVersion: v1\nkind: A\nname: ".utf8) + [0xFF, 0x0A]
        #expect(throws: ManifestError("x.yaml: not UTF-8 text: invalid byte at line 3 (byte 29)")) {
            _ = try ManifestReader.manifests(in: bytes, source: "x.yaml")
        }
    }

    @Test func walksFoldersInSortedOrderSkippingHiddenAndOtherFiles() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fsx-reader-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for folder in ["b", ".git", "a/nested"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(folder)", withIntermediateDirectories: true)
        }
        let object = "apiVersion: v1\nkind: ConfigMap\n"
        for file in ["b/2.yaml", "a/nested/1.yml", "a/0.json", "z.YAML", ".git/x.yaml", "notes.txt", ".hidden.yaml"] {
            let text = file.hasSuffix(".json") ? #"{"apiVersion":"v1","kind":"ConfigMap"}"# : object
            try text.write(toFile: "\(root)/\(file)", atomically: true, encoding: .utf8)
        }
        let files = try ManifestReader.files(for: root + "/")
        #expect(files == ["a/0.json", "a/nested/1.yml", "b/2.yaml", "z.YAML"].map { "\(root)/\($0)" })
        let result = ManifestReader().read(paths: [root])
        #expect(result.errors.isEmpty)
        #expect(result.manifests.count == 4)
    }

    @Test func refusesAFolderWithoutManifests() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fsx-empty-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(throws: ManifestError.self) { _ = try ManifestReader.files(for: root) }
    }

    @Test func readsStandardInputOnceAndReportsEveryBadFile() {
        let reader = ManifestReader(readStandardInput: { Array("apiVersion: v1\nkind: ConfigMap\n".utf8) })
        let result = reader.read(paths: ["-", "/nonexistent/a.yaml", "/nonexistent/b.yaml"])
        #expect(result.manifests.map(\.source) == ["<stdin>"])
        #expect(result.errors.count == 2)
        #expect(result.errors.allSatisfy { $0.message.contains("cannot open") })
        #expect(reader.read(paths: ["-", "-"]).errors.count == 1)
    }
}
