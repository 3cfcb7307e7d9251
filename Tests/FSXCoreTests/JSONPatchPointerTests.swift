import Testing

@testable import FSXCore

@Suite("JSON Pointer escaping (RFC 6901)")
struct JSONPatchPointerTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var tokens: [String]
        var escaped: String
    }

    @Test(arguments: [
        Case(testDescription: "plain tokens", tokens: ["spec", "template", "spec"], escaped: "/spec/template/spec"),
        Case(
            testDescription: "slash as ~1", tokens: ["labels", "fsx-webhook/inject"],
            escaped: "/labels/fsx-webhook~1inject"),
        Case(testDescription: "tilde as ~0", tokens: ["a~b"], escaped: "/a~0b"),
        Case(testDescription: "tilde before one stays distinct from slash", tokens: ["~1"], escaped: "/~01"),
        Case(testDescription: "slash before zero", tokens: ["/0"], escaped: "/~10"),
        Case(testDescription: "empty token", tokens: ["", "x"], escaped: "//x"),
        Case(testDescription: "the whole document", tokens: [], escaped: ""),
    ])
    func escapesAndParsesBack(_ testCase: Case) throws {
        let pointer = JSONPointer(testCase.tokens)
        #expect(pointer.description == testCase.escaped)
        #expect(JSONPointer(escaped: testCase.escaped)?.tokens == testCase.tokens)
        // The test applier parses pointers on its own; both readings must agree.
        #expect(try JSONPatchApplier.tokens(testCase.escaped) == testCase.tokens)
    }

    @Test func refusesTextWithoutLeadingSlash() {
        #expect(JSONPointer(escaped: "spec/template") == nil)
    }

    @Test func escapedPathsReachKeysWithSlashAndTilde() throws {
        let document = Jobs.parse(#"{"metadata":{"annotations":{"example.com/a~b":"x"}}}"#)
        let pointer = JSONPointer(["metadata", "annotations", "example.com/a~b"])
        #expect(document.value(at: pointer) == "x")
        var builder = PatchBuilder()
        _ = document["metadata"]!["annotations"]!.withView { annotations in
            builder.addMissing(
                [UInt8](#""y""#.utf8), at: ["fsx-webhook/x~y"], under: JSONPointer(["metadata", "annotations"]),
                in: annotations)
        }
        #expect(builder.operations.map(\.path.description) == ["/metadata/annotations/fsx-webhook~1x~0y"])
        let patched = try JSONPatchApplier.apply(builder.operations, to: document)
        #expect(patched["metadata"]?["annotations"]?["fsx-webhook/x~y"] == "y")
        #expect(patched["metadata"]?["annotations"]?["example.com/a~b"] == "x")
    }
}
