/// The review of a server whose configuration has an `aws:` section: decoded first, then
/// decided with the AWS facts it needs, which the edge gathers in between.
///
/// Two steps, because a decision never performs I/O: `reviewStep` decodes the body and
/// decides at once when the facts are at hand (the cache covers them, or the request needs
/// none); otherwise it returns what to gather, and `PendingAWSReview.finish(with:)` decides
/// with what the edge gathered within the lookup budget. Both end in
/// `review(_:version:endpoint:facts:)`, the path every other review takes.
extension AdmissionEngine {
    /// What the first step of an AWS-aware review produced.
    public enum AWSReviewStep: Sendable {
        /// Decided: nothing to gather, or the facts were cached.
        case decided(ReviewReply)
        /// The facts in `lookups` must be gathered first, then `finish(with:)` decides.
        case needsFacts(PendingAWSReview)
    }

    /// A decoded request waiting for its facts. Its objects are built: the body they were
    /// read from is gone by the time the facts arrive.
    public struct PendingAWSReview: Sendable {
        public let lookups: AWSLookups
        let engine: AdmissionEngine
        let request: AdmissionRequest
        let version: AdmissionReview.Version
        let endpoint: Endpoint

        /// Decides with `facts`: what the edge gathered, with `reason` set for whatever it
        /// could not learn in time (the `aws-unverified` warning, `aws-zone-unknown`).
        public func finish(with facts: AWSFacts) -> ReviewReply {
            engine.review(request, version: version, endpoint: endpoint, facts: facts)
        }
    }

    /// Decodes `body` and decides when `cached` covers the request's needs (it is asked only
    /// when the request needs AWS facts, and must not block: it runs on the request path).
    public func reviewStep(
        body: some Collection<UInt8>, endpoint: Endpoint, cached: (AWSLookups) -> AWSFacts?
    ) throws(ReviewError) -> AWSReviewStep {
        try withDecodedReview(body) { decoded in
            let lookups = awsLookups(for: decoded.request, route: decoded.route, object: decoded.object)
            if lookups.isEmpty {
                return .decided(review(decoded, endpoint: endpoint, facts: nil))
            }
            if let facts = cached(lookups) {
                return .decided(review(decoded, endpoint: endpoint, facts: facts))
            }
            return .needsFacts(
                PendingAWSReview(
                    lookups: lookups, engine: self, request: decoded.requestWithObjects, version: decoded.version,
                    endpoint: endpoint))
        }
    }
}
