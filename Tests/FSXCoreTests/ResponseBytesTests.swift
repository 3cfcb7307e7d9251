import FSXTestSupport
import Testing

@testable import FSXCore

/// The response is measured, then written straight to bytes (`AdmissionResponse`: the patch
/// written by `JSONWriter`, the envelope counted by `ByteCounter` and written by `ByteWriter`
/// into a region of that size, table base64); the reference it must equal byte for byte is
/// the response built as a value here, in the tests, and written whole by `JSONWriter`.
@Suite struct ResponseBytesTests {
    /// A string of several fuzz strings, so lengths run well past the 8-byte steps and
    /// escapes fall at every offset.
    static func longString(_ random: inout SeededGenerator) -> String {
        (0..<Int.random(in: 0...6, using: &random)).map { _ in FuzzInputs.string(&random) }.joined()
    }

    /// A string literal escaped byte by byte, the reference of the writer's 8-byte scan.
    static func referenceQuoted(_ s: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0..<0x20: out += Array((#"\u00"# + String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)).utf8)
            default: out.append(byte)
            }
        }
        return out + [UInt8(ascii: "\"")]
    }

    @Test func theCounterMeasuresWhatTheWriterWrites() throws {
        var random = SeededGenerator(seed: 0xC0AC_0001)
        for round in 0..<3000 {
            let value: JSONValue =
                round % 3 == 0 ? .string(Self.longString(&random)) : FuzzInputs.value(&random)
            var counter = ByteCounter()
            JSONWriter.write(value, into: &counter)
            #expect(counter.count == JSONWriter.bytes(value).count, "round \(round)")
            #expect(try JSONParser.parse(JSONWriter.bytes(value)) == value, "round \(round)")
        }
    }

    @Test func quotedBytesAreTheReferenceEscapes() {
        var random = SeededGenerator(seed: 0xC0AC_0002)
        // Strings made only of bytes that need escaping, then mixed ones: the escapes grow
        // the output past the room made for the plain bytes.
        var strings = (0..<40).map { String(repeating: "\u{01}\"\\\n", count: $0) }
        strings += (0..<2000).map { _ in Self.longString(&random) }
        for (index, string) in strings.enumerated() {
            let expected = Self.referenceQuoted(string)
            #expect(Array(JSONWriter.quoted(string).utf8) == expected, "string \(index)")
            var out = ByteWriter(capacity: 0)
            out.append("x")
            JSONWriter.writeString(string, into: &out)
            #expect(out.bytes == [UInt8(ascii: "x")] + expected, "string \(index)")
            var counter = ByteCounter()
            JSONWriter.writeString(string, into: &counter)
            #expect(counter.count == expected.count, "string \(index)")
            // Into a region of exactly the measured size, as the response is written: the
            // room each escape asks for must never exceed what is left to write.
            var region = [UInt8](repeating: 0, count: expected.count)
            region.withUnsafeMutableBytes { region in
                var exact = ByteWriter(writingInto: region)
                JSONWriter.writeString(string, into: &exact)
                #expect(exact.count == expected.count, "string \(index)")
            }
            #expect(region == expected, "string \(index)")
        }
    }

    /// A count measured short must never become a write past the region: the writer stops.
    @Test func writingPastAMeasuredRegionStopsTheProgram() async {
        await #expect(processExitsWith: .failure) {
            var region = [UInt8](repeating: 0, count: 4)
            region.withUnsafeMutableBytes { region in
                var out = ByteWriter(writingInto: region)
                out.append("12345")
            }
        }
    }

    /// The response AdmissionReview as a value: the oracle the written bytes are compared with.
    /// `patch`/`patchType` only when the patch is included and the decision allows.
    static func reference(
        version: AdmissionReview.Version, uid: String, decision: Decision, includePatch: Bool
    ) -> JSONValue {
        var response = JSONObject()
        response["uid"] = .string(uid)
        response["allowed"] = .bool(decision.isAllowed)
        if !decision.isAllowed {
            response["status"] = [
                "code": 403,
                "reason": "Forbidden",
                "message": .string(decision.denialMessage),
            ]
        }
        let warnings = AdmissionReview.warningLines(decision.warnings)
        if !warnings.isEmpty {
            response["warnings"] = .array(warnings.map { .string($0) })
        }
        if includePatch, decision.isAllowed, !decision.patch.isEmpty {
            let operations: [JSONValue] = decision.patch.map { operation in
                var object = JSONObject()
                object["op"] = .string(operation.op.rawValue)
                object["path"] = .string(operation.path.description)
                if let value = operation.value { object["value"] = value }
                return .object(object)
            }
            response["patchType"] = "JSONPatch"
            response["patch"] = .string(Base64.encode(JSONWriter.bytes(.array(operations))))
        }
        return [
            "apiVersion": .string(version.rawValue),
            "kind": "AdmissionReview",
            "response": .object(response),
        ]
    }

    @Test func responseBytesAreTheBytesOfTheReference() {
        var random = SeededGenerator(seed: 0xC0AC_0003)
        func violations(_ severity: Violation.Severity) -> [Violation] {
            (0..<[0, 0, 1, 2, 25].randomElement(using: &random)!).map { _ in
                Violation(
                    rule: "rule", severity: severity, field: "field", message: Self.longString(&random))
            }
        }
        for round in 0..<1500 {
            let patch = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                PatchOperation(
                    op: [.add, .add, .remove, .replace, .move, .copy, .test].randomElement(using: &random)!,
                    path: JSONPointer(
                        (0..<Int.random(in: 0...3, using: &random)).map { _ in FuzzInputs.string(&random) }),
                    value: Int.random(in: 0...5, using: &random) == 0 ? nil : FuzzInputs.value(&random))
            }
            var decision = Decision(
                subject: Self.longString(&random), denials: violations(.deny), warnings: violations(.warn),
                patch: patch)
            // A denial with a patch left in it: the patch must still stay out of the answer.
            if round % 7 == 0 { decision.patch = patch }
            let uid = Self.longString(&random)
            for version in [AdmissionReview.Version.v1, .v1beta1] {
                for includePatch in [true, false] {
                    let expected = JSONWriter.bytes(
                        Self.reference(version: version, uid: uid, decision: decision, includePatch: includePatch))
                    let response = AdmissionResponse(
                        version: version, uid: uid, decision: decision, includePatch: includePatch)
                    #expect(response.count == expected.count, "round \(round)")
                    #expect(response.bytes == expected, "round \(round)")
                }
            }
        }
    }

    /// As the server writes it: into a larger buffer, of which exactly `count` bytes are
    /// written and the rest is left alone.
    @Test(arguments: GoldenReviewTests.cases)
    func writesExactlyItsCountIntoALargerBuffer(_ testCase: String) throws {
        let (_, reply) = try GoldenReviewTests.run(testCase)
        let response = reply.response
        var buffer = [UInt8](repeating: 0xA5, count: response.count + 64)
        let written = buffer.withUnsafeMutableBytes { response.write(into: $0) }
        #expect(written == response.count)
        #expect(Array(buffer[..<written]) == reply.body)
        #expect(buffer[written...].allSatisfy { $0 == 0xA5 }, "\(testCase): written past its count")
    }

    @Test(arguments: GoldenReviewTests.cases)
    func bodyIsTheBytesOfTheReference(_ testCase: String) throws {
        let (_, reply) = try GoldenReviewTests.run(testCase)
        // A reply's decision has no patch on the validating endpoint, so including the patch
        // is what the engine did on both.
        let expected = Self.reference(
            version: reply.response.version, uid: reply.request.uid, decision: reply.decision, includePatch: true)
        #expect(reply.body == JSONWriter.bytes(expected), "\(testCase)")
    }

    @Test func theResponseKeepsTheDecisionItWasMadeFrom() throws {
        var reply = try AdmissionEngine().review(
            body: AdmissionReviewTests.review(request: AdmissionReviewTests.configMapRequest), endpoint: .validate)
        let body = reply.body
        reply.decision.denials = [.deny("rule", "field", "changed afterwards")]
        reply.request.uid = "changed"
        #expect(reply.body == body)
        #expect(try JSONParser.parse(reply.body)["response"]?["allowed"] == true)
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
            #expect(Array(Base64.encode(bytes).utf8) == reference(bytes), "length \(length)")
        }
    }
}
