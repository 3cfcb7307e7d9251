import FSXAWS
import FSXCore

/// How the server's reviews get AWS facts: from the shared cache without waiting when it
/// covers them, else from AWS within the lookup budget (`AWSFactsSource.facts(for:)`). Each
/// admission that needed facts is counted by how it got them.
public struct AWSFactsGathering: Sendable {
    public let source: any AWSFactsSource
    public let metrics: AWSMetrics

    public init(source: any AWSFactsSource, metrics: AWSMetrics) {
        self.source = source
        self.metrics = metrics
    }

    /// On the request path: a lock and a copy, no wait.
    func cached(_ lookups: AWSLookups) -> AWSFacts? {
        let facts = source.cachedFacts(covering: lookups)
        if facts != nil { metrics.lookupFinished(.cached) }
        return facts
    }

    func gather(_ lookups: AWSLookups) async -> AWSFacts {
        let facts = await source.facts(for: lookups)
        metrics.lookupFinished(facts.covers(lookups) ? .fetched : .unverified)
        return facts
    }
}
