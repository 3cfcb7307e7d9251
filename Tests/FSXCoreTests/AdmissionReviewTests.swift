import Testing

@testable import FSXCore

@Suite struct AdmissionReviewTests {
    static func review(version: String = "admission.k8s.io/v1", request: JSONValue) -> [UInt8] {
        JSONWriter.bytes(["apiVersion": .string(version), "kind": "AdmissionReview", "request": request])
    }

    static let configMapRequest: JSONValue = [
        "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
        "kind": ["group": "", "version": "v1", "kind": "ConfigMap"],
        "resource": ["group": "", "version": "v1", "resource": "configmaps"],
        "namespace": "ml", "name": "settings", "operation": "CREATE",
        "userInfo": ["username": "admin"],
        "object": ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "settings", "namespace": "ml"]],
        "oldObject": nil, "dryRun": false, "options": ["apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"],
    ]

    @Test(arguments: ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"])
    func answersInTheRequestsVersionAndEchoesTheUID(version: String) throws {
        let reply = try AdmissionEngine().review(
            body: Self.review(version: version, request: Self.configMapRequest), endpoint: .validate)
        let response = try JSONParser.parse(reply.body)
        #expect(response["apiVersion"] == .string(version))
        #expect(response["kind"] == "AdmissionReview")
        #expect(response["response"]?["uid"] == "705ab4f5-6393-11e8-b7cc-42010a800002")
        #expect(response["response"]?["allowed"] == true)
    }

    @Test func sendsNeitherPatchNorPatchTypeWhenThereIsNothingToPatch() throws {
        let reply = try AdmissionEngine().review(body: Self.review(request: Self.configMapRequest), endpoint: .mutate)
        let response = try #require(JSONParser.parse(reply.body)["response"]?.objectValue)
        #expect(response["patch"] == nil)
        #expect(response["patchType"] == nil)
        #expect(response["status"] == nil)
        #expect(response["warnings"] == nil)
    }

    @Test func allowsDeleteWhereTheObjectIsNull() throws {
        var request = Self.configMapRequest.objectValue!
        request["operation"] = "DELETE"
        request["object"] = nil
        request["oldObject"] = Self.configMapRequest["object"]
        let reply = try AdmissionEngine().review(body: Self.review(request: .object(request)), endpoint: .validate)
        #expect(reply.decision.outcome == .allowed)
        #expect(reply.request.operation == .delete)
    }

    @Test func encodesADenialWithCode403AndTheReasonsInOneMessage() throws {
        let decision = Decision(
            subject: #"StorageClass "fsx""#,
            denials: [
                .deny("subnet-required", "parameters.subnetId", "parameters.subnetId: missing; add it"),
                .deny("sg-format", "parameters.securityGroupIds", "parameters.securityGroupIds: missing; add it"),
            ],
            warnings: [.warn("unknown-parameter", "parameters.x", "parameters.x: unknown")],
            patch: [.add(JSONPointer(["a"]), 1)])
        let response = try Self.response(decision, includePatch: true)
        #expect(response["response"]?["allowed"] == false)
        #expect(response["response"]?["status"]?["code"] == 403)
        #expect(
            response["response"]?["status"]?["message"]
                == #"StorageClass "fsx" has 2 problems: parameters.subnetId: missing; add it; parameters.securityGroupIds: missing; add it"#
        )
        #expect(response["response"]?["warnings"] == ["parameters.x: unknown"])
        #expect(response["response"]?["patch"] == nil, "a denial never carries a patch")
    }

    @Test func encodesAPatchAsBase64OfTheOperationArray() throws {
        let decision = Decision(subject: "Job", patch: [.add(JSONPointer(["spec", "x~y/z"]), ["a": 1])])
        let response = try Self.response(decision, includePatch: true)
        #expect(response["response"]?["patchType"] == "JSONPatch")
        let encoded = try #require(response["response"]?["patch"]?.stringValue)
        let operations = try JSONParser.parse(try #require(Base64.decode(encoded)))
        #expect(operations == [["op": "add", "path": "/spec/x~0y~1z", "value": ["a": 1]]])
    }

    /// The response to `decision`, read back from the bytes it is written as.
    static func response(_ decision: Decision, includePatch: Bool) throws -> JSONValue {
        try JSONParser.parse(
            AdmissionResponse(version: .v1, uid: "u", decision: decision, includePatch: includePatch).bytes)
    }

    @Test func validatingResponsesNeverCarryAPatch() throws {
        let decision = Decision(subject: "Job", patch: [.add(JSONPointer(["a"]), 1)])
        let response = try Self.response(decision, includePatch: false)
        #expect(response["response"]?["patch"] == nil)
        #expect(response["response"]?["patchType"] == nil)
    }

    @Test func warningsLoseControlCharactersAndDuplicates() {
        let lines = AdmissionReview.warningLines([
            .warn("a", "f", "one\ntwo"), .warn("b", "f", "one two"), .warn("c", "f", "three"),
        ])
        #expect(lines == ["one two", "three"])
    }

    struct BadBody: CustomTestStringConvertible, Sendable {
        var name: String
        var body: String
        var reason: ReviewError.Reason
        var testDescription: String { name }
    }

    @Test(arguments: [
        BadBody(name: "empty body", body: "", reason: .invalidJSON),
        BadBody(name: "not JSON", body: "hello", reason: .invalidJSON),
        BadBody(name: "truncated", body: #"{"apiVersion":"admission.k8s.io/v1","#, reason: .invalidJSON),
        BadBody(name: "an array", body: "[]", reason: .notAdmissionReview),
        BadBody(
            name: "no apiVersion", body: #"{"kind":"AdmissionReview","request":{"uid":"x"}}"#,
            reason: .notAdmissionReview),
        BadBody(
            name: "other apiVersion", body: #"{"apiVersion":"v1","kind":"AdmissionReview","request":{"uid":"x"}}"#,
            reason: .notAdmissionReview),
        BadBody(
            name: "other kind", body: #"{"apiVersion":"admission.k8s.io/v1","kind":"Pod","request":{"uid":"x"}}"#,
            reason: .notAdmissionReview),
        BadBody(
            name: "no request", body: #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#,
            reason: .missingRequest),
        BadBody(
            name: "null request",
            body: #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":null}"#,
            reason: .missingRequest),
        BadBody(
            name: "request a string",
            body: #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":"x"}"#,
            reason: .invalidRequest),
        BadBody(
            name: "no uid", body: #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{}}"#,
            reason: .invalidRequest),
        BadBody(
            name: "uid a number",
            body: #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":5}}"#,
            reason: .invalidRequest),
        BadBody(
            name: "uid of 129 bytes",
            body: #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":""#
                + String(repeating: "u", count: 129) + #""}}"#,
            reason: .invalidRequest),
        BadBody(
            name: "object an array",
            body: #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","object":[]}}"#,
            reason: .invalidRequest),
        BadBody(
            name: "dryRun a string",
            body:
                #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","dryRun":"yes"}}"#,
            reason: .invalidRequest),
        BadBody(
            name: "kind a string",
            body: #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","kind":"Job"}}"#,
            reason: .invalidRequest),
    ])
    func refusesABodyThatIsNotAnAdmissionReviewRequest(_ bad: BadBody) {
        do {
            _ = try AdmissionEngine().review(body: Array(bad.body.utf8), endpoint: .validate)
            Issue.record("\(bad.name): expected a ReviewError")
        } catch {
            #expect(error.reason == bad.reason, "\(bad.name): \(error.message)")
            #expect(error.httpStatus == 400)
            let status = try? JSONParser.parse(error.body)
            #expect(status?["code"] == 400)
            #expect(status?["message"] == .string(error.message))
        }
    }

    @Test func answersAUIDOfTheLongestLengthAndNamesTheFieldWhenLonger() throws {
        func body(_ uid: String) -> [UInt8] {
            Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"\#(uid)"}}"#.utf8)
        }
        let longest = String(repeating: "u", count: AdmissionReview.maximumUIDLength)
        let reply = try AdmissionEngine().review(body: body(longest), endpoint: .validate)
        #expect(reply.request.uid == longest)
        #expect(throws: ReviewError.self) {
            _ = try AdmissionEngine().review(body: body(longest + "u"), endpoint: .validate)
        }
        do {
            _ = try AdmissionEngine().review(body: body(longest + "u"), endpoint: .validate)
        } catch {
            #expect(error.message.hasPrefix("request.uid is 129 bytes; the limit is 128"))
        }
    }
}
