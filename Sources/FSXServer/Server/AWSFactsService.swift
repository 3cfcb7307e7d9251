import FSXAWS
import FSXCore
import Logging
import ServiceLifecycle

/// The server's side of the AWS facts cache: loads the facts of the configured volumes at
/// start while `/readyz` says so (bounded: past `warmUpTimeout` the server is ready anyway,
/// and the facts come with the first admission that needs them or the next refresh), then
/// asks again for everything known every `cacheTTL` until shutdown.
public struct AWSFactsService: Service {
    public let cache: AWSFactsCache
    /// What the configured volumes need (their file systems, subnets and VPCs).
    public let configured: AWSLookups
    public let warmUpTimeout: Duration
    let state: ServerState
    let logger: Logger

    init(cache: AWSFactsCache, configured: AWSLookups, warmUpTimeout: Duration, state: ServerState, logger: Logger) {
        self.cache = cache
        self.configured = configured
        self.warmUpTimeout = warmUpTimeout
        self.state = state
        self.logger = logger
    }

    /// How long readiness waits for the configured volumes' facts: ten lookup budgets,
    /// between 5 and 30 s (a kubelet's readiness probes keep the pod out of the Service
    /// meanwhile; a rollout waits for it).
    public static func warmUpTimeout(lookupBudget: Duration) -> Duration {
        min(max(lookupBudget * 10, .seconds(5)), .seconds(30))
    }

    public func run() async throws {
        // Cancelled as a whole on SIGTERM: a warm-up against an AWS that does not answer
        // must not hold the shutdown for its 30 s.
        let (cache, configured, warmUpTimeout, state, logger) = (
            self.cache, self.configured, self.warmUpTimeout, self.state, self.logger
        )
        await cancelWhenGracefulShutdown {
            let started = ContinuousClock.now
            let loaded = await cache.warm(configured, timeout: warmUpTimeout)
            state.setLoadingAWSFacts(false)
            if loaded {
                logger.info(
                    "AWS facts of the configured volumes loaded",
                    metadata: [
                        "file_systems": "\(configured.fileSystemIds.count)", "took": "\(ContinuousClock.now - started)",
                    ])
            }
            await cache.refreshForever(configured: configured)
        }
    }
}
