/// Why the server refused a request, a stream or a connection: the `reason` label of
/// `fsx_webhook_refusals_total`, and what `RefusalLog` groups its lines by. A closed list,
/// so no client can grow the number of series.
public enum RefusalReason: Int, Sendable, CaseIterable {
    /// Bytes the HTTP/1.1 parser cannot read (400, 431).
    case malformedHTTP
    /// Not `POST /validate` or `POST /mutate` with JSON (404, 405, 415).
    case wrongEndpoint
    /// A body that is not an AdmissionReview the server can judge (400), an over-long
    /// `request.uid` included.
    case invalidReview
    /// A body over the per-request limit (413).
    case bodyTooLarge
    /// The process-wide body budget was full (503, or REFUSED_STREAM on HTTP/2).
    case bodyMemory
    /// An answer the client did not take within the write deadline; its stream or
    /// connection was closed.
    case writeTimeout
    /// An HTTP/2 connection sent more frames that do no work than its budget allows
    /// (GOAWAY ENHANCE_YOUR_CALM).
    case frameFlood
    /// A connection over `--max-connections`, closed on accept.
    case connectionLimit

    /// The label value.
    public var label: String {
        switch self {
        case .malformedHTTP: return "malformed_http"
        case .wrongEndpoint: return "wrong_endpoint"
        case .invalidReview: return "invalid_review"
        case .bodyTooLarge: return "body_too_large"
        case .bodyMemory: return "body_memory"
        case .writeTimeout: return "write_timeout"
        case .frameFlood: return "frame_flood"
        case .connectionLimit: return "connection_limit"
        }
    }
}
