import FSXTestSupport
import Testing

@testable import FSXCore

/// The response is written straight to bytes (`AdmissionReview.responseBytes`, the compact
/// writer, `ByteWriter`, table base64); the generic path (the response value written by
/// `JSONWriter`) is the reference it must equal byte for byte.
@Suite struct ResponseBytesTests {
    /// A string of several fuzz strings, so lengths run well past the 8-byte steps and
    /// escapes fall at every offset.
    static func longString(_ random: inout SeededGenerator) -> String {
        (0..<Int.random(in: 0...6, using: &random)).map { _ in FuzzInputs.string(&random) }.joined()
    }

    @Test func compactWriterWritesWhatTheGenericWriterDoes() {
        var random = SeededGenerator(seed: 0xC0AC_0001)
        for round in 0..<3000 {
            let value: JSONValue =
                round % 3 == 0 ? .string(Self.longString(&random)) : FuzzInputs.value(&random)
            #expect(JSONWriter.compactBytes(value) == JSONWriter.bytes(value), "round \(round)")
        }
    }

    @Test func quotedBytesAreWhatWriteStringWrites() {
        var random = SeededGenerator(seed: 0xC0AC_0002)
        // Strings made only of bytes that need escaping, then mixed ones: the escapes grow
        // the output past the room made for the plain bytes.
        var strings = (0..<40).map { String(repeating: "\u{01}\"\\\n", count: $0) }
        strings += (0..<2000).map { _ in Self.longString(&random) }
        for (index, string) in strings.enumerated() {
            var expected: [UInt8] = []
            JSONWriter.writeString(string, into: &expected)
            var out = ByteWriter(capacity: 0)
            out.append("x")
            JSONWriter.writeString(string, into: &out)
            #expect(out.bytes == [UInt8(ascii: "x")] + expected, "string \(index)")
        }
    }

    @Test func responseBytesAreTheBytesOfTheResponseValue() {
        var random = SeededGenerator(seed: 0xC0AC_0003)
        func violations(_ severity: Violation.Severity) -> [Violation] {
            (0..<[0, 0, 1, 2, 25].randomElement(using: &random)!).map { _ in
                Violation(
                    rule: "rule", severity: severity, field: "field", message: Self.longString(&random))
            }
        }
        for round in 0..<1500 {
            let patch = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                PatchOperation.add(
                    JSONPointer((0..<Int.random(in: 0...3, using: &random)).map { _ in FuzzInputs.string(&random) }),
                    FuzzInputs.value(&random))
            }
            let decision = Decision(
                subject: Self.longString(&random), denials: violations(.deny), warnings: violations(.warn),
                patch: patch)
            let uid = Self.longString(&random)
            for version in [AdmissionReview.Version.v1, .v1beta1] {
                for includePatch in [true, false] {
                    let expected = JSONWriter.bytes(
                        AdmissionReview.response(
                            version: version, uid: uid, decision: decision, includePatch: includePatch))
                    let written = AdmissionReview.responseBytes(
                        version: version, uid: uid, decision: decision, includePatch: includePatch)
                    #expect(written == expected, "round \(round)")
                }
            }
        }
    }

    @Test(arguments: GoldenReviewTests.cases)
    func bodyIsTheBytesOfTheResponse(_ testCase: String) throws {
        let (_, reply) = try GoldenReviewTests.run(testCase)
        #expect(reply.body == JSONWriter.bytes(reply.response), "\(testCase)")
    }

    @Test func anAssignedResponseIsWhatTheBodyCarries() throws {
        var reply = try AdmissionEngine().review(
            body: AdmissionReviewTests.review(request: AdmissionReviewTests.configMapRequest), endpoint: .validate)
        reply.response = ["replaced": true]
        #expect(reply.response == ["replaced": true])
        #expect(reply.body == Array(#"{"replaced":true}"#.utf8))
    }

    @Test func theResponseKeepsTheDecisionItWasMadeFrom() throws {
        var reply = try AdmissionEngine().review(
            body: AdmissionReviewTests.review(request: AdmissionReviewTests.configMapRequest), endpoint: .validate)
        let body = reply.body
        reply.decision.denials = [.deny("rule", "field", "changed afterwards")]
        reply.request.uid = "changed"
        #expect(reply.body == body)
        #expect(reply.response["response"]?["allowed"] == true)
    }

    @Test func base64MatchesABitByBitEncoding() {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        func reference(_ bytes: [UInt8]) -> [UInt8] {
            var bits: [Bool] = bytes.flatMap { byte in (0..<8).map { byte >> (7 - $0) & 1 == 1 } }
            while bits.count % 6 != 0 { bits.append(false) }
            var out: [UInt8] = stride(from: 0, to: bits.count, by: 6).map { start in
                alphabet[bits[start..<(start + 6)].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }]
            }
            while out.count % 4 != 0 { out.append(UInt8(ascii: "=")) }
            return out
        }
        var random = SeededGenerator(seed: 0xC0AC_0004)
        for length in Array(0..<64) + (0..<200).map({ _ in Int.random(in: 0...3000, using: &random) }) {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(Base64.encodeBytes(bytes) == reference(bytes), "length \(length)")
        }
    }
}
