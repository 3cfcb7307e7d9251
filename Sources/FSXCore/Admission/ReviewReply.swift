/// A decided review: what was asked, the decision, and the response AdmissionReview.
public struct ReviewReply: Sendable {
    public var request: AdmissionRequest
    public var decision: Decision
    /// The response, measured and ready to write: made from the request's uid and the
    /// decision as they were when decided.
    public let response: AdmissionResponse

    init(request: AdmissionRequest, decision: Decision, version: AdmissionReview.Version, includePatch: Bool) {
        self.request = request
        self.decision = decision
        response = AdmissionResponse(
            version: version, uid: request.uid, decision: decision, includePatch: includePatch)
    }

    /// The response as the compact JSON bytes the server writes (the server writes them
    /// straight into its output buffer with `response.write(into:)`).
    public var body: [UInt8] { response.bytes }
}
