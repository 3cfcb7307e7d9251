import FSXCore
import NIOCore
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

    /// Always JSON: an AdmissionReview, or a Kubernetes `Status` naming the problem.
    public enum Body: Sendable {
        /// A document made whole: a `Status`.
        case bytes([UInt8])
        /// A response AdmissionReview, of a size known before it is written, so it is written
        /// straight into the channel's buffer.
        case review(AdmissionResponse)

        /// The length in bytes, for `content-length`.
        public var count: Int {
            switch self {
            case .bytes(let bytes): return bytes.count
            case .review(let response): return response.count
            }
        }

        /// The bytes as an array: for logs and tests, not for the answer.
        public var bytes: [UInt8] {
            switch self {
            case .bytes(let bytes): return bytes
            case .review(let response): return response.bytes
            }
        }

        /// Appends the body to `buffer`.
        public func write(into buffer: inout ByteBuffer) {
            switch self {
            case .bytes(let bytes): buffer.writeBytes(bytes)
            case .review(let response):
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: response.count) { response.write(into: $0) }
            }
        }
    }

    public var status: HTTPResponseStatus
    /// Headers besides `content-type` and `content-length` (`allow` on a 405).
    public var extraHeaders: [(name: String, value: String)]
    public var body: Body
    public var outcome: Outcome
    /// The decided review, for the log line; `nil` when the request was refused.
    public var reply: ReviewReply?
    /// The connection must close after this response: the request body was refused
    /// unread, so the rest of the stream cannot be trusted to be a next request.
    public var closeConnection: Bool

    public init(
        status: HTTPResponseStatus, body: [UInt8], outcome: Outcome,
        extraHeaders: [(name: String, value: String)] = [], closeConnection: Bool = false
    ) {
        self.init(
            status: status, body: .bytes(body), outcome: outcome, extraHeaders: extraHeaders, reply: nil,
            closeConnection: closeConnection)
    }

    init(
        status: HTTPResponseStatus, body: Body, outcome: Outcome, extraHeaders: [(name: String, value: String)],
        reply: ReviewReply?, closeConnection: Bool
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
        self.init(
            status: .ok, body: .review(reply.response), outcome: outcome, extraHeaders: [], reply: reply,
            closeConnection: false)
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
