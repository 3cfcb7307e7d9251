import FSXCore
import NIOHTTP1

/// Maps an HTTP request on the webhook port to a response: pure, so every status code the
/// server can send is tested without sockets, and the transport can change without touching it.
///
/// Split in two steps so a request that will be refused is refused from its head alone,
/// before its body is buffered: `admit` looks at method, path, content type and declared
/// length; `review` judges a complete body.
public struct WebhookRouter: Sendable {
    /// The largest request body read: 7 MiB. The apiserver caps a user's object at 3 MiB,
    /// and an UPDATE review carries two of them (`object` and `oldObject`) plus the envelope;
    /// controller-runtime uses the same 7 MiB. Anything larger cannot come from the
    /// apiserver, so it is refused with 413 instead of being held in memory.
    public static let defaultMaximumBodySize = 7 * 1024 * 1024

    /// What `admit` decided from the request head.
    public enum Admission: Sendable {
        /// Read the body, then call `review(_:body:)` with this endpoint.
        case accept(AdmissionEngine.Endpoint)
        /// Answer at once; the body is not read.
        case refuse(WebhookResponse)
    }

    public let engine: AdmissionEngine
    public let maximumBodySize: Int
    /// Where reviews get their AWS facts when the configuration has an `aws:` section.
    public let aws: AWSFactsGathering?

    public init(
        engine: AdmissionEngine, maximumBodySize: Int = WebhookRouter.defaultMaximumBodySize,
        aws: AWSFactsGathering? = nil
    ) {
        self.engine = engine
        self.maximumBodySize = maximumBodySize
        self.aws = aws
    }

    /// The webhook endpoint a request target names, ignoring the query string: the
    /// apiserver always appends `?timeout=Ns`.
    public static func endpoint(forTarget target: String) -> AdmissionEngine.Endpoint? {
        let path = target.utf8.firstIndex(of: UInt8(ascii: "?")).map { target[..<$0] } ?? target[...]
        switch path {
        case "/validate": return .validate
        case "/mutate": return .mutate
        default: return nil
        }
    }

    /// Checks what the request head alone can tell, in the order a client most needs to
    /// hear about: unknown path (404), wrong method (405), not JSON (415), too large (413).
    public func admit(
        method: HTTPMethod, target: String, contentType: String?, contentLength: Int?
    ) -> Admission {
        guard let endpoint = Self.endpoint(forTarget: target) else {
            return .refuse(
                .failure(.notFound, reason: "NotFound", message: "no such endpoint; use POST /validate or POST /mutate")
            )
        }
        guard method == .POST else {
            return .refuse(
                .failure(
                    .methodNotAllowed, reason: "MethodNotAllowed",
                    message:
                        "\(method.rawValue) is not allowed on /\(endpoint.rawValue); send the AdmissionReview with POST",
                    extraHeaders: [("allow", "POST")]))
        }
        guard let contentType, Self.isJSON(contentType: contentType) else {
            let found = contentType.map { Violation.quote($0) } ?? "none"
            return .refuse(
                .failure(
                    .unsupportedMediaType, reason: "UnsupportedMediaType",
                    message: "content type must be application/json, found \(found)"))
        }
        if let contentLength, contentLength > maximumBodySize {
            return .refuse(tooLarge(declared: contentLength))
        }
        return .accept(endpoint)
    }

    /// The 413 sent when the body is, or is declared to be, over the limit. The connection
    /// closes after it: the rest of the body is not read as a next request.
    public func tooLarge(declared: Int? = nil) -> WebhookResponse {
        let size = declared.map { "\($0) bytes" } ?? "more than \(maximumBodySize) bytes"
        return .failure(
            .payloadTooLarge, reason: "RequestEntityTooLarge",
            message: "request body is \(size); the limit is \(maximumBodySize) bytes (two 3 MiB objects of an UPDATE)",
            closeConnection: true)
    }

    /// The 503 sent when the process-wide body budget cannot hold this body now. The
    /// request was not processed; `Retry-After: 1` says when trying again makes sense. The
    /// connection closes after it: the rest of the body is not read as a next request.
    public func busy() -> WebhookResponse {
        .failure(
            .serviceUnavailable, reason: "ServiceUnavailable",
            message:
                "the server is buffering as many request bodies as its memory budget allows (--body-memory-limit); retry in a second",
            extraHeaders: [("retry-after", "1")], closeConnection: true)
    }

    /// Judges a complete body: 200 with the response AdmissionReview, or 400 with a
    /// `Status` when the body is not an AdmissionReview with a request.
    public func review(_ endpoint: AdmissionEngine.Endpoint, body: some Collection<UInt8>) -> WebhookResponse {
        do {
            return WebhookResponse(reply: try engine.review(body: body, endpoint: endpoint))
        } catch {
            return WebhookResponse(
                status: HTTPResponseStatus(statusCode: error.httpStatus), body: error.body, outcome: .error)
        }
    }

    /// What `reviewStep` leaves to do: answered, or AWS facts to gather first.
    public enum ReviewStep: Sendable {
        case answered(WebhookResponse)
        /// Decoded; `answer()` gathers the facts within the lookup budget and decides.
        case gathering(PendingReview)
    }

    /// A review waiting for AWS facts the cache does not hold yet.
    public struct PendingReview: Sendable {
        let review: AdmissionEngine.PendingAWSReview
        let aws: AWSFactsGathering

        public func answer() async -> WebhookResponse {
            WebhookResponse(reply: review.finish(with: await aws.gather(review.lookups)))
        }
    }

    /// `review(_:body:)` for a server that asks AWS: decided at once when the request needs no
    /// facts or the cache covers them; otherwise the facts are gathered first.
    public func reviewStep(_ endpoint: AdmissionEngine.Endpoint, body: some Collection<UInt8>) -> ReviewStep {
        guard let aws else { return .answered(review(endpoint, body: body)) }
        do {
            switch try engine.reviewStep(body: body, endpoint: endpoint, cached: aws.cached) {
            case .decided(let reply): return .answered(WebhookResponse(reply: reply))
            case .needsFacts(let pending): return .gathering(PendingReview(review: pending, aws: aws))
            }
        } catch {
            return .answered(
                WebhookResponse(
                    status: HTTPResponseStatus(statusCode: error.httpStatus), body: error.body, outcome: .error))
        }
    }

    /// Both steps at once, for callers that already hold the whole body.
    public func route(
        method: HTTPMethod, target: String, contentType: String?, contentLength: Int?, body: some Collection<UInt8>
    ) -> WebhookResponse {
        switch admit(method: method, target: target, contentType: contentType, contentLength: contentLength) {
        case .refuse(let response):
            return response
        case .accept(let endpoint):
            if body.count > maximumBodySize { return tooLarge(declared: body.count) }
            return review(endpoint, body: body)
        }
    }

    /// `application/json`, in any letter case, with or without parameters such as
    /// `; charset=utf-8`. Compared byte by byte: it runs on every request.
    public static func isJSON(contentType: String) -> Bool {
        var mediaType = contentType.utf8[...]
        if let semicolon = mediaType.firstIndex(of: UInt8(ascii: ";")) { mediaType = mediaType[..<semicolon] }
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = mediaType.firstIndex(where: { !blank($0) }),
            let last = mediaType.lastIndex(where: { !blank($0) })
        else { return false }
        let expected = "application/json".utf8
        // ASCII letters only differ from their capitals in bit 5; `/` has no capital form.
        return mediaType[first...last].elementsEqual(expected) { found, wanted in
            found == wanted || (wanted >= UInt8(ascii: "a") && wanted <= UInt8(ascii: "z") && found == wanted - 32)
        }
    }
}
