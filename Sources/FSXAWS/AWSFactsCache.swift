import FSXCore
import Logging
import NIOConcurrencyHelpers

/// The facts the webhook has learnt from AWS, shared by every admission: asked once, used
/// for `cacheTTL`, refreshed in the background, and kept when AWS stops answering (a
/// subnet that existed a minute ago is a better guess than none).
///
/// The request path only takes the lock and reads a value (`cachedFacts`); an admission
/// that needs an ID never seen waits for AWS at most `lookupBudget` (`facts(for:)`).
public final class AWSFactsCache: AWSFactsSource, Sendable {
    public let client: AWSClient
    public let cacheTTL: Duration
    public let lookupBudget: Duration
    let logger: Logger
    private let state: NIOLockedValueBox<AWSFacts>
    /// The configured volumes' needs (`warm`): kept when the cache is trimmed.
    private let pinned = NIOLockedValueBox(AWSLookups.none)

    /// The most IDs the cache holds (found or absent, all kinds together). A cluster names a
    /// few dozen subnets and groups; the IDs come from StorageClasses anyone allowed to create
    /// one can write, so without a bound a stream of made-up IDs would grow the memory and
    /// every background refresh. Past it the cache keeps only the configured volumes' facts
    /// and the newest answer; the rest is asked again when an admission needs it.
    public static let maximumEntries = 4096

    public init(client: AWSClient, cacheTTL: Duration, lookupBudget: Duration, logger: Logger) {
        self.client = client
        self.cacheTTL = cacheTTL
        self.lookupBudget = lookupBudget
        self.logger = logger
        state = NIOLockedValueBox(AWSFacts(region: client.region))
    }

    /// Every fact known so far.
    public var snapshot: AWSFacts { state.withLockedValue { $0 } }

    public func cachedFacts(covering lookups: AWSLookups) -> AWSFacts? {
        state.withLockedValue { facts in facts.covers(lookups) ? facts : nil }
    }

    public func facts(for lookups: AWSLookups) async -> AWSFacts {
        let deadline = ContinuousClock.now + lookupBudget
        do {
            try await gather(lookups, deadline: deadline, onlyMissing: true)
            return snapshot
        } catch {
            logger.warning(
                "AWS facts not gathered within the lookup budget",
                metadata: ["reason": "\(error.description)", "budget": "\(lookupBudget)"])
            var facts = snapshot
            facts.reason = error.description
            return facts
        }
    }

    /// Asks AWS for the facts of `lookups` (those not known yet when `onlyMissing`), in
    /// dependency order: file systems, then their subnets and the class's subnets, then
    /// those subnets' VPCs; security groups beside them.
    public func gather(
        _ lookups: AWSLookups, deadline: ContinuousClock.Instant, onlyMissing: Bool
    ) async throws(AWSClient.Failure) {
        let known = snapshot
        func needed(_ ids: [String], _ isKnown: (String) -> Bool) -> [String] {
            Array(Set(onlyMissing ? ids.filter { !isKnown($0) } : ids)).sorted()
        }
        let groups = needed(lookups.securityGroupIds) { known.securityGroups[$0] != nil || known.absent.contains($0) }
        let groupTask = Task { () -> Result<AWSFacts, AWSClient.Failure> in
            guard !groups.isEmpty else { return .success(AWSFacts(region: client.region)) }
            do throws(AWSClient.Failure) {
                return .success(try await client.describeSecurityGroups(groups, deadline: deadline))
            } catch {
                return .failure(error)
            }
        }
        var problem: AWSClient.Failure?
        do {
            let systems = needed(lookups.fileSystemIds) { known.fileSystems[$0] != nil || known.absent.contains($0) }
            if !systems.isEmpty { store(try await client.describeFileSystems(systems, deadline: deadline)) }
            let afterSystems = snapshot
            let systemSubnets = lookups.fileSystemIds.compactMap { afterSystems.fileSystems[$0]?.subnetIds.first }
            let subnets = needed(lookups.subnetIds + systemSubnets) {
                afterSystems.subnets[$0] != nil || afterSystems.absent.contains($0)
            }
            if !subnets.isEmpty { store(try await client.describeSubnets(subnets, deadline: deadline)) }
            let afterSubnets = snapshot
            let vpcIds = (lookups.subnetIds + systemSubnets).compactMap { afterSubnets.subnets[$0]?.vpcId }
            let vpcs = needed(vpcIds) { afterSubnets.vpcs[$0] != nil || afterSubnets.absent.contains($0) }
            if !vpcs.isEmpty { store(try await client.describeVpcs(vpcs, deadline: deadline)) }
        } catch {
            problem = error
        }
        switch await groupTask.value {
        case .success(let facts): store(facts)
        case .failure(let error): problem = problem ?? error
        }
        if let problem { throw problem }
    }

    func store(_ facts: AWSFacts) {
        var fresh = facts
        fresh.reason = nil
        let pinned = self.pinned.withLockedValue { $0 }
        let count = state.withLockedValue { current in
            current.merge(fresh)
            if Self.entries(current) > Self.maximumEntries {
                var kept = Self.facts(of: pinned, in: current)
                kept.merge(fresh)
                current = kept
            }
            return Self.entries(current)
        }
        client.observer?.awsCacheEntriesChanged(count)
    }

    static func entries(_ facts: AWSFacts) -> Int {
        facts.subnets.count + facts.vpcs.count + facts.securityGroups.count + facts.fileSystems.count
            + facts.absent.count
    }

    /// What `facts` knows of `lookups`, with the file systems' subnets and the subnets' VPCs.
    static func facts(of lookups: AWSLookups, in facts: AWSFacts) -> AWSFacts {
        var kept = AWSFacts(region: facts.region)
        func keepSubnet(_ id: String) {
            if facts.absent.contains(id) { kept.absent.insert(id) }
            guard let subnet = facts.subnets[id] else { return }
            kept.subnets[id] = subnet
            if let vpc = facts.vpcs[subnet.vpcId] { kept.vpcs[vpc.id] = vpc }
        }
        for id in lookups.subnetIds { keepSubnet(id) }
        for id in lookups.securityGroupIds {
            if let group = facts.securityGroups[id] { kept.securityGroups[id] = group }
            if facts.absent.contains(id) { kept.absent.insert(id) }
        }
        for id in lookups.fileSystemIds {
            if facts.absent.contains(id) { kept.absent.insert(id) }
            guard let system = facts.fileSystems[id] else { continue }
            kept.fileSystems[id] = system
            system.subnetIds.first.map(keepSubnet)
        }
        return kept
    }

    /// Fills the cache for the configured volumes before the server is ready; gives up after
    /// `timeout` (the facts then arrive with the first refresh or admission).
    @discardableResult
    public func warm(_ lookups: AWSLookups, timeout: Duration) async -> Bool {
        pinned.withLockedValue { $0 = $0.union(lookups) }
        guard !lookups.isEmpty else { return true }
        do {
            try await gather(lookups, deadline: ContinuousClock.now + timeout, onlyMissing: false)
            return true
        } catch {
            // Cancelled: the server is shutting down, nothing to warn about.
            if !Task.isCancelled {
                logger.warning(
                    "AWS facts for the configured volumes not loaded at start",
                    metadata: ["reason": "\(error.description)"])
            }
            return false
        }
    }

    /// Asks again for everything known, every `cacheTTL`, until cancelled; a failed round
    /// keeps the facts it had.
    public func refreshForever(configured: AWSLookups) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: cacheTTL) } catch { return }
            let known = snapshot
            let lookups = configured.union(
                AWSLookups(
                    subnetIds: Array(known.subnets.keys) + known.absent.filter { $0.hasPrefix("subnet-") },
                    securityGroupIds: Array(known.securityGroups.keys) + known.absent.filter { $0.hasPrefix("sg-") },
                    fileSystemIds: Array(known.fileSystems.keys) + known.absent.filter { $0.hasPrefix("fs-") }))
            do {
                try await gather(lookups, deadline: ContinuousClock.now + .seconds(30), onlyMissing: false)
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "AWS facts refresh failed; the cached facts stay in use",
                    metadata: ["reason": "\(error.description)"])
            }
        }
    }
}
