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

    /// A decoded request waiting for its facts.
    public struct PendingAWSReview: Sendable {
        public let lookups: AWSLookups
        let engine: AdmissionEngine
        let request: AdmissionRequest
        /// Found by the decoding; not found again.
        let route: Route
        let version: AdmissionReview.Version
        let endpoint: Endpoint

        /// Decides with `facts`: what the edge gathered, with `reason` set for whatever it
        /// could not learn in time (the `aws-unverified` warning, `aws-zone-unknown`).
        public func finish(with facts: AWSFacts) -> ReviewReply {
            engine.review(request, route: route, version: version, endpoint: endpoint, facts: facts)
        }
    }

    /// Decodes `body` and decides when `cached` covers the request's needs (it is asked only
    /// when the request needs AWS facts, and must not block: it runs on the request path).
    public func reviewStep(
        body: some Collection<UInt8>, endpoint: Endpoint, cached: (AWSLookups) -> AWSFacts?
    ) throws(ReviewError) -> AWSReviewStep {
        let (version, request, route) = try decodeForDecision(body)
        let lookups = awsLookups(for: request, route: route)
        if lookups.isEmpty {
            return .decided(review(request, route: route, version: version, endpoint: endpoint, facts: nil))
        }
        if let facts = cached(lookups) {
            return .decided(review(request, route: route, version: version, endpoint: endpoint, facts: facts))
        }
        return .needsFacts(
            PendingAWSReview(
                lookups: lookups, engine: self, request: request, route: route, version: version, endpoint: endpoint))
    }
}
