import FSXCore
import NIOHTTP1
import Testing

@testable import FSXServer

/// The HTTP semantics of the webhook port, without sockets.
struct WebhookRouterTests {
    let router = WebhookRouter(engine: AdmissionEngine())

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var method: HTTPMethod = .POST
        var target = "/validate?timeout=10s"
        var contentType: String? = "application/json"
        var contentLength: Int? = nil
        var body: [UInt8] = Array(Reviews.configMapCreate(uid: "u1").utf8)
        var status: HTTPResponseStatus
        var outcome: WebhookResponse.Outcome
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "review on /validate with the apiserver's query string", status: .ok, outcome: .allowed),
        Case(name: "review on /mutate", target: "/mutate?timeout=30s", status: .ok, outcome: .allowed),
        Case(
            name: "charset parameter on the content type", contentType: "application/json; charset=utf-8", status: .ok,
            outcome: .allowed),
        Case(name: "content type in upper case", contentType: "Application/JSON", status: .ok, outcome: .allowed),
        Case(name: "unknown path", target: "/healthz", status: .notFound, outcome: .error),
        Case(
            name: "path that only starts like an endpoint", target: "/validate/extra", status: .notFound,
            outcome: .error),
        Case(name: "GET on /validate", method: .GET, body: [], status: .methodNotAllowed, outcome: .error),
        Case(name: "PUT on /mutate", method: .PUT, target: "/mutate", status: .methodNotAllowed, outcome: .error),
        Case(
            name: "form content type (curl -d default)", contentType: "application/x-www-form-urlencoded",
            status: .unsupportedMediaType, outcome: .error),
        Case(name: "no content type", contentType: nil, status: .unsupportedMediaType, outcome: .error),
        Case(
            name: "declared length over 7 MiB", contentLength: 7 * 1024 * 1024 + 1, status: .payloadTooLarge,
            outcome: .error),
        Case(name: "body that is not JSON", body: Array("not json".utf8), status: .badRequest, outcome: .error),
        Case(
            name: "AdmissionReview without a request",
            body: Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#.utf8), status: .badRequest,
            outcome: .error),
        Case(name: "empty body", body: [], status: .badRequest, outcome: .error),
    ]

    @Test(arguments: cases)
    func answersWithTheStatusForTheRequest(_ example: Case) throws {
        let response = router.route(
            method: example.method, target: example.target, contentType: example.contentType,
            contentLength: example.contentLength ?? example.body.count, body: example.body)
        #expect(response.status == example.status)
        #expect(response.outcome == example.outcome)
        let body = try JSONParser.parse(response.body.bytes)
        if example.status == .ok {
            #expect(body["kind"]?.stringValue == "AdmissionReview")
        } else {
            #expect(body["kind"]?.stringValue == "Status")
            #expect(body["code"] == .number(String(example.status.code)))
            #expect(body["message"]?.stringValue?.isEmpty == false)
        }
    }

    @Test(arguments: [
        ("application/json", true), ("APPLICATION/JSON", true), (" application/json\t; charset=utf-8", true),
        ("application/json;", true), ("Application/Json ; q=1", true), ("application/jsonx", false),
        ("application/jso", false), ("application/json-patch+json", false), ("text/json", false), ("", false),
        (" ; charset=utf-8", false), ("application\u{2215}json", false), ("applicatİon/json", false),
        ("application/\u{212A}son", false),
    ])
    func recognisesJSONContentTypes(_ contentType: String, _ isJSON: Bool) {
        #expect(WebhookRouter.isJSON(contentType: contentType) == isJSON)
    }

    @Test func methodNotAllowedNamesPOST() {
        let response = router.route(method: .GET, target: "/mutate", contentType: nil, contentLength: nil, body: [])
        #expect(response.extraHeaders.contains { $0.name == "allow" && $0.value == "POST" })
    }

    @Test func tooLargeClosesTheConnection() {
        guard
            case .refuse(let response) = router.admit(
                method: .POST, target: "/validate", contentType: "application/json", contentLength: 8 * 1024 * 1024)
        else {
            Issue.record("an 8 MiB body was admitted")
            return
        }
        #expect(response.status == .payloadTooLarge)
        #expect(response.closeConnection)
    }

    @Test func acceptsExactlySevenMiBDeclared() {
        guard
            case .accept(.validate) = router.admit(
                method: .POST, target: "/validate", contentType: "application/json", contentLength: 7 * 1024 * 1024)
        else {
            Issue.record("a 7 MiB body was refused")
            return
        }
    }

    @Test func badRequestCarriesTheReviewErrorMessage() throws {
        let response = router.route(
            method: .POST, target: "/validate", contentType: "application/json", contentLength: nil,
            body: Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#.utf8))
        let body = try JSONParser.parse(response.body.bytes)
        #expect(body["message"]?.stringValue == "AdmissionReview has no request")
        #expect(body["reason"]?.stringValue == "BadRequest")
    }

    @Test func validateAnswersInTheRequestsVersionWithItsUID() throws {
        let response = router.route(
            method: .POST, target: "/validate", contentType: "application/json", contentLength: nil,
            body: Array(Reviews.configMapCreate(uid: "abc-123", version: "admission.k8s.io/v1beta1").utf8))
        let body = try JSONParser.parse(response.body.bytes)
        #expect(body["apiVersion"]?.stringValue == "admission.k8s.io/v1beta1")
        #expect(body["response"]?["uid"]?.stringValue == "abc-123")
        #expect(body["response"]?["allowed"] == .bool(true))
    }
}
