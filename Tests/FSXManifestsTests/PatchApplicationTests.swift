import FSXCore
import Testing

@testable import FSXManifests

/// JSON Patch applied strictly, as the apiserver's evanphx/json-patch does.
struct PatchApplicationTests {
    static let job: JSONValue = [
        "spec": [
            "template": [
                "spec": [
                    "containers": [["name": "trainer"]],
                    "restartPolicy": "Never",
                ]
            ]
        ]
    ]

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var operations: [PatchOperation]
        var pointer: String
        var expected: JSONValue?
        var testDescription: String { name }
    }

    static func path(_ text: String) -> JSONPointer { JSONPointer(escaped: text)! }

    static let cases: [Case] = [
        .init(
            name: "add creates a member", operations: [.add(path("/spec/template/spec/volumes"), [])],
            pointer: "/spec/template/spec/volumes", expected: []),
        .init(
            name: "add appends with -",
            operations: [.add(path("/spec/template/spec/containers/-"), ["name": "sidecar"])],
            pointer: "/spec/template/spec/containers/1/name", expected: "sidecar"),
        .init(
            name: "add inserts at an index",
            operations: [.add(path("/spec/template/spec/containers/0"), ["name": "first"])],
            pointer: "/spec/template/spec/containers/1/name", expected: "trainer"),
        .init(
            name: "add replaces an existing member",
            operations: [.add(path("/spec/template/spec/restartPolicy"), "OnFailure")],
            pointer: "/spec/template/spec/restartPolicy", expected: "OnFailure"),
        .init(
            name: "add with an escaped key",
            operations: [
                .add(path("/metadata"), [:]), .add(path("/metadata/annotations"), [:]),
                .add(path("/metadata/annotations/fsx-webhook~1volumes"), "a~b"),
            ],
            pointer: "/metadata/annotations/fsx-webhook~1volumes", expected: "a~b"),
        .init(
            name: "replace changes a value",
            operations: [PatchOperation(op: .replace, path: path("/spec/template/spec/containers/0/name"), value: "x")],
            pointer: "/spec/template/spec/containers/0/name", expected: "x"),
        .init(
            name: "remove deletes a member",
            operations: [PatchOperation(op: .remove, path: path("/spec/template/spec/restartPolicy"))],
            pointer: "/spec/template/spec/restartPolicy", expected: nil),
        .init(
            name: "remove deletes an element",
            operations: [PatchOperation(op: .remove, path: path("/spec/template/spec/containers/0"))],
            pointer: "/spec/template/spec/containers", expected: []),
        .init(
            name: "test passes on an equal value",
            operations: [PatchOperation(op: .test, path: path("/spec/template/spec/restartPolicy"), value: "Never")],
            pointer: "/spec/template/spec/restartPolicy", expected: "Never"),
    ]

    @Test(arguments: cases)
    func appliesOperations(_ testCase: Case) throws {
        let result = try PatchApplication.apply(testCase.operations, to: Self.job)
        #expect(result.value(at: Self.path(testCase.pointer)) == testCase.expected)
    }

    struct FailureCase: CustomTestStringConvertible, Sendable {
        var name: String
        var operation: PatchOperation
        var reason: PatchError.Reason
        var testDescription: String { name }
    }

    static let failures: [FailureCase] = [
        .init(
            name: "add without its parent", operation: .add(path("/spec/template/spec/affinity/nodeAffinity"), [:]),
            reason: .missingParent),
        .init(
            name: "add past the end of an array",
            operation: .add(path("/spec/template/spec/containers/2"), [:]), reason: .invalidIndex),
        .init(
            name: "add at an index with a leading zero",
            operation: .add(path("/spec/template/spec/containers/00"), [:]), reason: .invalidIndex),
        .init(
            name: "add into a string", operation: .add(path("/spec/template/spec/restartPolicy/x"), 1),
            reason: .parentNotContainer),
        .init(
            name: "replace of a missing member",
            operation: PatchOperation(op: .replace, path: path("/spec/template/spec/volumes"), value: []),
            reason: .missingTarget),
        .init(
            name: "remove of a missing member",
            operation: PatchOperation(op: .remove, path: path("/spec/template/spec/volumes")), reason: .missingTarget),
        .init(
            name: "remove of a missing element",
            operation: PatchOperation(op: .remove, path: path("/spec/template/spec/containers/5")),
            reason: .invalidIndex),
        .init(
            name: "remove of the root", operation: PatchOperation(op: .remove, path: .root), reason: .cannotRemoveRoot),
        .init(
            name: "add without a value", operation: PatchOperation(op: .add, path: path("/x")), reason: .missingValue),
        .init(
            name: "test of a different value",
            operation: PatchOperation(op: .test, path: path("/spec/template/spec/restartPolicy"), value: "Always"),
            reason: .testFailed),
        .init(name: "move", operation: PatchOperation(op: .move, path: path("/x")), reason: .unsupportedOperation),
    ]

    @Test(arguments: failures)
    func refusesOperationsThatCannotApply(_ testCase: FailureCase) {
        #expect(throws: PatchError(testCase.reason, Self.path(testCase.operation.path.description), operationIndex: 1))
        {
            _ = try PatchApplication.apply([.add(Self.path("/status"), [:]), testCase.operation], to: Self.job)
        }
    }

    @Test func addAtTheRootReplacesTheDocument() throws {
        #expect(try PatchApplication.apply([.add(.root, ["a": 1])], to: Self.job) == ["a": 1])
    }

    @Test func leavesUntouchedMembersAndTheirOrder() throws {
        let original: JSONValue = ["b": 1, "unknownField": ["x": true], "a": 2]
        let result = try PatchApplication.apply([.add(Self.path("/c"), 3)], to: original)
        #expect(result.objectValue?.keys == ["b", "unknownField", "a", "c"])
        #expect(result["unknownField"] == ["x": true])
    }
}
