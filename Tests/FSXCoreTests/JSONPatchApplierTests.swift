import FSXCore
import Testing

/// The test applier must itself be right, or every patch check built on it is hollow: the
/// cases are RFC 6902 Appendix A, plus the strictness of evanphx/json-patch v4.
@Suite("JSON Patch applier (tests' own)")
struct JSONPatchApplierTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var document: String
        var patch: String
        /// The expected result; `nil` when the patch must fail.
        var result: String?
    }

    @Test(arguments: [
        Case(
            testDescription: "A.1 adds an object member", document: #"{"foo":"bar"}"#,
            patch: #"[{"op":"add","path":"/baz","value":"qux"}]"#, result: #"{"baz":"qux","foo":"bar"}"#),
        Case(
            testDescription: "A.2 adds an array element", document: #"{"foo":["bar","baz"]}"#,
            patch: #"[{"op":"add","path":"/foo/1","value":"qux"}]"#, result: #"{"foo":["bar","qux","baz"]}"#),
        Case(
            testDescription: "A.3 removes an object member", document: #"{"baz":"qux","foo":"bar"}"#,
            patch: #"[{"op":"remove","path":"/baz"}]"#, result: #"{"foo":"bar"}"#),
        Case(
            testDescription: "A.4 removes an array element", document: #"{"foo":["bar","qux","baz"]}"#,
            patch: #"[{"op":"remove","path":"/foo/1"}]"#, result: #"{"foo":["bar","baz"]}"#),
        Case(
            testDescription: "A.5 replaces a value", document: #"{"baz":"qux","foo":"bar"}"#,
            patch: #"[{"op":"replace","path":"/baz","value":"boo"}]"#, result: #"{"baz":"boo","foo":"bar"}"#),
        Case(
            testDescription: "A.6 moves a value",
            document: #"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
            patch: #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
            result: #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#),
        Case(
            testDescription: "A.8 test succeeds", document: #"{"baz":"qux","foo":["a",2,"c"]}"#,
            patch: #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#,
            result: #"{"baz":"qux","foo":["a",2,"c"]}"#),
        Case(
            testDescription: "A.9 test fails", document: #"{"baz":"qux"}"#,
            patch: #"[{"op":"test","path":"/baz","value":"bar"}]"#, result: nil),
        Case(
            testDescription: "A.10 adds a nested member object", document: #"{"foo":"bar"}"#,
            patch: #"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#,
            result: #"{"foo":"bar","child":{"grandchild":{}}}"#),
        Case(
            testDescription: "A.12 refuses to add below a missing parent", document: #"{"foo":"bar"}"#,
            patch: #"[{"op":"add","path":"/baz/bat","value":"qux"}]"#, result: nil),
        Case(
            testDescription: "A.14 unescapes ~0 and ~1", document: #"{"/":9,"~1":10}"#,
            patch: #"[{"op":"test","path":"/~01","value":10},{"op":"add","path":"/a~1b","value":1}]"#,
            result: #"{"/":9,"~1":10,"a/b":1}"#),
        Case(
            testDescription: "A.16 adds an array value", document: #"{"foo":["bar"]}"#,
            patch: #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#, result: #"{"foo":["bar",["abc","def"]]}"#),
        Case(
            testDescription: "replaces an existing member on add", document: #"{"a":null}"#,
            patch: #"[{"op":"add","path":"/a","value":[1]}]"#, result: #"{"a":[1]}"#),
        Case(
            testDescription: "refuses an index past the end", document: #"{"a":[1]}"#,
            patch: #"[{"op":"add","path":"/a/2","value":2}]"#, result: nil),
        Case(
            testDescription: "refuses an index with a leading zero", document: #"{"a":[1,2]}"#,
            patch: #"[{"op":"add","path":"/a/01","value":2}]"#, result: nil),
        Case(
            testDescription: "refuses - outside add", document: #"{"a":[1]}"#,
            patch: #"[{"op":"remove","path":"/a/-"}]"#, result: nil),
        Case(
            testDescription: "refuses a bad escape", document: #"{"a~2":1}"#,
            patch: #"[{"op":"remove","path":"/a~2"}]"#, result: nil),
        Case(
            testDescription: "refuses to replace a missing member", document: #"{}"#,
            patch: #"[{"op":"replace","path":"/a","value":1}]"#, result: nil),
        Case(
            testDescription: "refuses to add into a string", document: #"{"a":"x"}"#,
            patch: #"[{"op":"add","path":"/a/b","value":1}]"#, result: nil),
        Case(
            testDescription: "fails the whole patch on one bad operation", document: #"{}"#,
            patch: #"[{"op":"add","path":"/a","value":1},{"op":"add","path":"/b/c","value":2}]"#, result: nil),
    ])
    func appliesAsTheRFCSays(_ testCase: Case) throws {
        let document = Jobs.parse(testCase.document)
        let patch = Jobs.parse(testCase.patch)
        if let expected = testCase.result {
            #expect(try JSONPatchApplier.apply(patch, to: document) == Jobs.parse(expected))
        } else {
            #expect(throws: JSONPatchApplier.Failure.self) { try JSONPatchApplier.apply(patch, to: document) }
        }
    }
}
