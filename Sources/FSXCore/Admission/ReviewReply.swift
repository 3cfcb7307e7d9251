/// A decided review: what was asked, the decision, and the response AdmissionReview.
public struct ReviewReply: Sendable {
    public var request: AdmissionRequest
    public var decision: Decision
    /// The response is made when asked for (as bytes by the server, as a value by the
    /// tests), from the request's uid and the decision as they were when decided.
    let answered: (uid: String, decision: Decision, version: AdmissionReview.Version, includePatch: Bool)
    /// A response set by the caller, which then replaces the one made from the decision.
    var assignedResponse: JSONValue?

    init(request: AdmissionRequest, decision: Decision, version: AdmissionReview.Version, includePatch: Bool) {
        self.request = request
        self.decision = decision
        answered = (request.uid, decision, version, includePatch)
    }

    /// The whole response AdmissionReview.
    public var response: JSONValue {
        get {
            assignedResponse
                ?? AdmissionReview.response(
                    version: answered.version, uid: answered.uid, decision: answered.decision,
                    includePatch: answered.includePatch)
        }
        set { assignedResponse = newValue }
    }

    /// The response as the compact JSON bytes the server writes: the bytes of `response`,
    /// written without building it.
    public var body: [UInt8] {
        if let assignedResponse { return JSONWriter.bytes(assignedResponse) }
        return AdmissionReview.responseBytes(
            version: answered.version, uid: answered.uid, decision: answered.decision,
            includePatch: answered.includePatch)
    }
}
