import FSXTestSupport
import Testing

@testable import FSXCore

/// Patches are written straight to bytes on the hot path; they must be exactly the bytes
/// `JSONWriter` writes for the operations' JSON, whatever the keys contain.
@Suite struct PatchBytesTests {
    @Test func writesTheSameBytesAsTheWriterDoesForTheJSON() {
        var random = SeededGenerator(seed: 0xBA7C_0001)
        for round in 0..<1000 {
            let operations = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                let path = JSONPointer(
                    (0..<Int.random(in: 0...4, using: &random)).map { _ in FuzzInputs.string(&random) })
                return Bool.random(using: &random)
                    ? PatchOperation.add(path, FuzzInputs.value(&random)) : PatchOperation(op: .remove, path: path)
            }
            #expect(operations.jsonBytes == JSONWriter.bytes(operations.json), "round \(round)")
        }
    }

    @Test func escapesPointerTokensByteByByteAsRFC6901Does() {
        // `~` followed by a combining mark is still a `~` to the apiserver's json-patch.
        #expect(JSONPointer(["a~\u{301}/b", "é/"]).description == "/a~0\u{301}~1b/é~1")
    }
}
