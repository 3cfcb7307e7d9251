import FSXJSON
import FSXTestSupport
import Foundation
import Testing

@testable import FSXCore

/// The server reads a review in place (the objects as views into the body); the CLI and
/// `AdmissionReview.decode` build the request whole and the decision reads views of the
/// values written back. These tests check both paths agree: the same documents are refused,
/// and every golden review (and many variants of each) gets the same response and decision.
@Suite struct ServerDecodingTests {
    // MARK: - The server path against the full decoding

    struct Outcome: Equatable {
        var body: [UInt8]
        var decision: Decision
    }

    static func full(
        _ engine: AdmissionEngine, _ body: [UInt8], _ endpoint: AdmissionEngine.Endpoint
    ) -> Result<Outcome, ReviewError> {
        Result { () throws(ReviewError) in
            let (version, request) = try AdmissionReview.decode(body)
            let reply = engine.review(request, version: version, endpoint: endpoint)
            return Outcome(body: reply.body, decision: reply.decision)
        }
    }

    static func server(
        _ engine: AdmissionEngine, _ body: [UInt8], _ endpoint: AdmissionEngine.Endpoint
    ) -> Result<Outcome, ReviewError> {
        Result { () throws(ReviewError) in
            let reply = try engine.review(body: body, endpoint: endpoint)
            return Outcome(body: reply.body, decision: reply.decision)
        }
    }

    static func withRequest(_ review: JSONValue, _ change: (inout JSONObject) -> Void) -> JSONValue {
        guard case .object(var root) = review, case .object(var request)? = root["request"] else { return review }
        change(&request)
        root["request"] = .object(request)
        return .object(root)
    }

    static func withObject(_ review: JSONValue, _ change: (inout JSONObject) -> Void) -> JSONValue {
        withRequest(review) { request in
            guard case .object(var object)? = request["object"] else { return }
            change(&object)
            request["object"] = .object(object)
        }
    }

    /// Reviews that take every route, guessed right and wrong: other operations and kinds,
    /// objects whose own type differs from `request.kind` or is missing, objects written
    /// before the fields the guess uses, repeated keys, and broken bytes.
    static func variants(of review: JSONValue, _ random: inout SeededGenerator) -> [[UInt8]] {
        var values: [JSONValue] = [review]
        for operation in ["CREATE", "UPDATE", "DELETE", "CONNECT", "PATCH"] {
            values.append(withRequest(review) { $0["operation"] = .string(operation) })
        }
        let kinds: [(String, String, String)] = [
            ("batch", "v1", "Job"), ("storage.k8s.io", "v1", "StorageClass"), ("", "v1", "PersistentVolume"),
            ("", "v1", "ConfigMap"), ("batch", "v2", "Job"),
        ]
        for (group, version, kind) in kinds {
            let apiVersion = group.isEmpty ? version : "\(group)/\(version)"
            values.append(
                withRequest(review) {
                    $0["kind"] = ["group": .string(group), "version": .string(version), "kind": .string(kind)]
                })
            values.append(
                withObject(review) {
                    $0["kind"] = .string(kind)
                    $0["apiVersion"] = .string(apiVersion)
                })
        }
        values.append(
            withObject(review) {
                $0["kind"] = nil
                $0["apiVersion"] = nil
            })
        values.append(withObject(review) { $0["kind"] = 7 })
        values.append(withRequest(review) { $0["object"] = .null })
        values.append(withRequest(review) { $0["object"] = nil })
        values.append(withRequest(review) { $0["object"] = "not an object" })
        values.append(
            withRequest(review) {
                $0["oldObject"] = $0["object"]
                $0["operation"] = "UPDATE"
            })
        values.append(withRequest(review) { $0["oldObject"] = [1, 2] })
        values.append(withRequest(review) { $0["operation"] = 5 })
        values.append(withRequest(review) { $0["userInfo"] = ["username": "x", "groups": ["a", "b"]] })
        values.append(
            withRequest(review) { request in
                // The objects first: the guess is made before kind and operation are known.
                request = JSONObject(request.members.reversed())
            })
        // The envelope's own members, missing, of the wrong type or wrong.
        let rootChanges: [(String, JSONValue?)] = [
            ("apiVersion", nil), ("apiVersion", 1), ("apiVersion", "admission.k8s.io/v1beta1"), ("kind", "Other"),
            ("kind", nil), ("kind", .null), ("request", .null), ("request", "text"), ("request", nil),
        ]
        if case .object(let root) = review {
            for (key, value) in rootChanges {
                var changed = root
                changed[key] = value
                values.append(.object(changed))
            }
        }
        let requestChanges: [(String, JSONValue?)] = [
            ("uid", nil), ("uid", ""), ("uid", 1), ("dryRun", "yes"), ("dryRun", true), ("dryRun", .null),
            ("namespace", 5), ("name", .null), ("name", ["a"]), ("kind", "Job"), ("kind", .null), ("operation", .null),
        ]
        for (key, value) in requestChanges { values.append(withRequest(review) { $0[key] = value }) }
        var bodies = values.map { JSONWriter.bytes($0) }
        bodies.append(JSONWriter.bytes(review, style: .pretty))
        let compact = JSONWriter.bytes(review)
        // Repeated keys: the last one counts, here and in the full decoding.
        let text = String(decoding: compact, as: UTF8.self)
        for prefix in [
            #""object":{"kind":"ConfigMap","apiVersion":"v1"},"operation":"DELETE","#,
            #""oldObject":{"kind":"StorageClass"},"kind":{"group":"storage.k8s.io","version":"v1","kind":"StorageClass"},"#,
        ] {
            bodies.append(Array(text.replacingOccurrences(of: #""request":{"#, with: #""request":{"# + prefix).utf8))
        }
        bodies.append(Array((#"{"request":{"uid":"x","object":{"kind":"Job"}},"# + text.dropFirst()).utf8))
        // The review's members repeated, with other types.
        bodies.append(Array((#"{"request":"x","apiVersion":7,"# + text.dropFirst()).utf8))
        bodies.append(Array((text.dropLast() + #","request":7}"#).utf8))
        bodies.append(Array((text.dropLast() + #","request":{"uid":"y"}}"#).utf8))
        bodies.append(Array((text.dropLast() + #","kind":"AdmissionReview","apiVersion":"v1"}"#).utf8))
        bodies.append(Array("[1]".utf8))
        bodies.append(Array("{}".utf8))
        for _ in 0..<30 { bodies.append(FuzzInputs.mutated(compact, &random)) }
        return bodies
    }

    @Test(arguments: GoldenReviewTests.cases)
    func serverDecodingDecidesAsTheFullDecoding(_ testCase: String) throws {
        let review = try #require(try GoldenReviewTests.read(testCase, "request.json"))
        let configuration =
            try GoldenReviewTests.read(testCase, "config.json").map { try WebhookConfiguration(json: $0) } ?? .testing
        let engine = AdmissionEngine(configuration: configuration)
        var random = SeededGenerator(seed: testCase.utf8.reduce(0x5E1E_C703) { $0 &* 31 &+ UInt64($1) })
        for (index, body) in Self.variants(of: review, &random).enumerated() {
            for endpoint in [AdmissionEngine.Endpoint.mutate, .validate] {
                let server = Self.server(engine, body, endpoint)
                let full = Self.full(engine, body, endpoint)
                #expect(server == full, "\(testCase) variant \(index) on \(endpoint)")
            }
        }
    }

    /// The validators read the object in place, where a key may repeat or be written with
    /// escapes; they must judge it as the value built from it (each key once, its last value,
    /// escapes decoded), which is what the CLI's objects are.
    @Test(
        arguments: GoldenReviewTests.cases.filter { $0.hasPrefix("storageclass") || $0.hasPrefix("persistentvolume") })
    func validatorsJudgeRepeatedAndEscapedKeysAsTheValue(_ testCase: String) throws {
        let review = try #require(try GoldenReviewTests.read(testCase, "request.json"))
        let configuration =
            try GoldenReviewTests.read(testCase, "config.json").map { try WebhookConfiguration(json: $0) } ?? .testing
        let engine = AdmissionEngine(configuration: configuration)
        let text = String(decoding: JSONWriter.bytes(review), as: UTF8.self)
        let edits: [(String, String)] = [
            // Repeats before the real members, which then win; keys the object lacks stay.
            (#""object":{"#, #""object":{"provisioner":"other","parameters":{"a":1},"mountOptions":7,"#),
            (#""parameters":{"#, #""parameters":{"subnetId":"bad","deploymentType":7,"extraTags":[1],"x":"1","#),
            (#""csi":{"#, #""csi":{"driver":"other","volumeHandle":5,"#),
            (
                #""volumeAttributes":{"#,
                #""volumeAttributes":{"dnsname":5,"mountname":"x","subpath":"a","dnsName":"b","#
            ),
            // Repeats after them, which win.
            (#""parameters":{"#, #""parameters":{"y":"1","y":2,"csi.storage.k8s.io/fstype":"a","FSType":"b","#),
            // Keys written with escapes.
            (#""subnetId""#, #""subnet\u0049d""#),
            (#""provisioner""#, #""provision\u0065r""#),
            (#""deploymentType""#, #""deployment\u0054ype""#),
            (#""dnsname""#, #""dns\u006eame""#),
            (#""volumeAttributes":{"#, #""volumeAttributes":{"storage.kubernetes.io\/x":"a","#),
        ]
        var bodies: [[UInt8]] = []
        for (target, replacement) in edits where text.contains(target) {
            bodies.append(Array(text.replacingOccurrences(of: target, with: replacement).utf8))
        }
        // Every edit at once.
        var all = text
        for (target, replacement) in edits { all = all.replacingOccurrences(of: target, with: replacement) }
        bodies.append(Array(all.utf8))
        for (index, body) in bodies.enumerated() {
            for endpoint in [AdmissionEngine.Endpoint.mutate, .validate] {
                #expect(
                    Self.server(engine, body, endpoint) == Self.full(engine, body, endpoint),
                    "\(testCase) edit \(index) on \(endpoint)")
            }
        }
        #expect(bodies.count > 2)
    }

    @Test func serverDecodingDecidesTheBenchmarkReviewsAsTheFullDecoding() throws {
        let directory = FuzzInputs.fixtures.appendingPathComponent("bench")
        let engine = AdmissionEngine(
            configuration: try WebhookConfiguration(
                json: try JSONParser.parse(Array(try Data(contentsOf: directory.appendingPathComponent("config.json"))))
            ))
        var random = SeededGenerator(seed: 0x5E1E_C704)
        for name in ["job-review.json", "storageclass-review.json"] {
            let review = try JSONParser.parse(Array(try Data(contentsOf: directory.appendingPathComponent(name))))
            for (index, body) in Self.variants(of: review, &random).enumerated() {
                #expect(
                    Self.server(engine, body, .mutate) == Self.full(engine, body, .mutate), "\(name) variant \(index)")
            }
        }
    }

    @Test func theJobReviewIsPatchedWithoutBuildingTheObject() throws {
        let body = Array(
            try Data(contentsOf: FuzzInputs.fixtures.appendingPathComponent("bench/job-review.json")))
        let reply = try AdmissionEngine(configuration: .testing).review(body: body, endpoint: .mutate)
        #expect(reply.decision.outcome == .patched)
        // The decision reads the body in place: neither object is built.
        #expect(reply.request.object == nil)
        #expect(reply.request.oldObject == nil)
    }
}
