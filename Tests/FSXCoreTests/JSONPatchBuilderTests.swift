import Testing

@testable import FSXCore

@Suite("JSON Patch builder")
struct JSONPatchBuilderTests {
    static let base = JSONPointer(["spec"])

    struct AppendCase: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var current: JSONValue?
        var patch: String
    }

    @Test(arguments: [
        AppendCase(
            testDescription: "missing array is added whole", current: nil,
            patch: #"[{"op":"add","path":"/spec/list","value":[1,2]}]"#),
        AppendCase(
            testDescription: "null array is replaced whole", current: .null,
            patch: #"[{"op":"add","path":"/spec/list","value":[1,2]}]"#),
        AppendCase(
            testDescription: "existing array gets one append per element", current: [0],
            patch: #"[{"op":"add","path":"/spec/list/-","value":1},{"op":"add","path":"/spec/list/-","value":2}]"#),
    ])
    func appendsWithoutStaleIndexes(_ testCase: AppendCase) throws {
        var builder = PatchBuilder()
        if let current = testCase.current {
            _ = current.withView {
                builder.append(
                    [[UInt8]("1".utf8), [UInt8]("2".utf8)], toArrayAt: Self.base.appending("list"), current: $0)
            }
        } else {
            builder.append(
                [[UInt8]("1".utf8), [UInt8]("2".utf8)], toArrayAt: Self.base.appending("list"), current: nil)
        }
        #expect(JSONWriter.string(builder.operations.json) == compact(testCase.patch))
        var document: JSONValue = ["spec": [:]]
        if let current = testCase.current { Jobs.set(&document, ["spec", "list"], current) }
        let patched = try JSONPatchApplier.apply(builder.operations, to: document)
        #expect(patched["spec"]?["list"]?.arrayValue?.suffix(2) == [1, 2])
    }

    @Test func appendsNothingForNoElements() {
        var builder = PatchBuilder()
        builder.append([], toArrayAt: Self.base, current: nil)
        #expect(builder.operations == [])
    }

    /// `PatchBuilder.Outcome` with the values it found built, to compare.
    enum Outcome: Equatable, Sendable {
        case added
        case present(JSONValue)
        case blocked(at: JSONPointer, found: JSONValue)

        init(_ outcome: PatchBuilder.Outcome) {
            switch outcome {
            case .added: self = .added
            case .present(let view): self = .present(JSONValue(view))
            case .blocked(let pointer, let view): self = .blocked(at: pointer, found: JSONValue(view))
            }
        }
    }

    struct NestedCase: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var document: String
        var outcome: Outcome
        var patch: String
    }

    @Test(arguments: [
        NestedCase(
            testDescription: "adds the smallest missing subtree in one operation", document: #"{"a":{"keep":1}}"#,
            outcome: .added, patch: #"[{"op":"add","path":"/spec/a/b","value":{"c":true}}]"#),
        NestedCase(
            testDescription: "adds from the top when nothing exists", document: #"{}"#,
            outcome: .added, patch: #"[{"op":"add","path":"/spec/a","value":{"b":{"c":true}}}]"#),
        NestedCase(
            testDescription: "replaces a null parent", document: #"{"a":null}"#,
            outcome: .added, patch: #"[{"op":"add","path":"/spec/a","value":{"b":{"c":true}}}]"#),
        NestedCase(
            testDescription: "reports an existing target", document: #"{"a":{"b":{"c":5}}}"#,
            outcome: .present(5), patch: "[]"),
        NestedCase(
            testDescription: "stops at a non-object", document: #"{"a":[1]}"#,
            outcome: .blocked(at: JSONPointer(["spec", "a"]), found: [1]), patch: "[]"),
    ])
    func addsMissingParentsOnly(_ testCase: NestedCase) throws {
        let document = Jobs.parse(testCase.document)
        var builder = PatchBuilder()
        let outcome = try #require(
            document.withView {
                Outcome(builder.addMissing([UInt8]("true".utf8), at: ["a", "b", "c"], under: Self.base, in: $0))
            })
        #expect(outcome == testCase.outcome)
        #expect(JSONWriter.string(builder.operations.json) == compact(testCase.patch))
        if outcome == .added {
            let patched = try JSONPatchApplier.apply(builder.operations, to: ["spec": document])
            #expect(patched.value(at: JSONPointer(["spec", "a", "b", "c"])) == true)
            if document["a"]?["keep"] != nil { #expect(patched["spec"]?["a"]?["keep"] == 1) }
        }
    }
}
