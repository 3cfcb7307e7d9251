import FSXCore
import NIOHTTP1

/// What the webhook answers to one HTTP request: a value, decided without any I/O, that
/// the channel handler writes as it is.
public struct WebhookResponse: Sendable {
    /// How a request ended, for the `outcome` label of `fsx_webhook_requests_total`.
    public enum Outcome: Int, Sendable, CaseIterable {
        /// Allowed, with or without warnings, and nothing to patch.
        case allowed
        case denied
        case patched
        /// Not judged: the request itself was refused (4xx).
        case error

        /// The label value.
        public var label: String {
            switch self {
            case .allowed: return "allowed"
            case .denied: return "denied"
            case .patched: return "patched"
            case .error: return "error"
            }
        }
    }

    public var status: HTTPResponseStatus
    /// Headers besides `content-type` and `content-length` (`allow` on a 405).
    public var extraHeaders: [(name: String, value: String)]
    /// Always JSON: an AdmissionReview, or a Kubernetes `Status` naming the problem.
    public var body: [UInt8]
    public var outcome: Outcome
    /// The decided review, for the log line; `nil` when the request was refused.
    public var reply: ReviewReply?
    /// The connection must close after this response: the request body was refused
    /// unread, so the rest of the stream cannot be trusted to be a next request.
    public var closeConnection: Bool

    public init(
        status: HTTPResponseStatus, body: [UInt8], outcome: Outcome,
        extraHeaders: [(name: String, value: String)] = [], reply: ReviewReply? = nil,
        closeConnection: Bool = false
    ) {
        self.status = status
        self.body = body
        self.outcome = outcome
        self.extraHeaders = extraHeaders
        self.reply = reply
        self.closeConnection = closeConnection
    }

    /// A 200 carrying the response AdmissionReview.
    public init(reply: ReviewReply) {
        let outcome: Outcome
        switch reply.decision.outcome {
        case .allowed, .allowedWithWarnings: outcome = .allowed
        case .denied: outcome = .denied
        case .patched: outcome = .patched
        }
        self.init(status: .ok, body: reply.body, outcome: outcome, reply: reply)
    }

    /// A refusal with a Kubernetes-style `Status` body, the shape `kubectl` and client-go
    /// print for any API error.
    public static func failure(
        _ status: HTTPResponseStatus, reason: String, message: String,
        extraHeaders: [(name: String, value: String)] = [], closeConnection: Bool = false
    ) -> WebhookResponse {
        let body = JSONWriter.bytes([
            "kind": "Status",
            "apiVersion": "v1",
            "status": "Failure",
            "reason": .string(reason),
            "code": .number(String(status.code)),
            "message": .string(message),
        ])
        return WebhookResponse(
            status: status, body: body, outcome: .error, extraHeaders: extraHeaders,
            closeConnection: closeConnection)
    }
}
