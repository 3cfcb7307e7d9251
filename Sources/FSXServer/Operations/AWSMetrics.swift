import Atomics
import FSXAWS

/// The counters of the AWS edge, exposed with `ServerMetrics`: every HTTP exchange with EC2,
/// FSx and STS by outcome and its latency, the cache's size, and how each admission that
/// needed facts got them. All series exist from the start (zeros without `aws:`), so rates
/// and absent-series alerts work before the first call.
public final class AWSMetrics: AWSObserver, Sendable {
    /// How an admission that needed AWS facts got them: the `result` label of
    /// `fsx_webhook_aws_lookups_total`.
    public enum LookupResult: Int, Sendable, CaseIterable {
        /// The cache covered the request: decided at once, no wait.
        case cached
        /// Asked AWS and learnt everything within the lookup budget.
        case fetched
        /// Decided without some facts (budget spent, AWS unreachable, no credentials).
        case unverified

        public var label: String {
            switch self {
            case .cached: return "cached"
            case .fetched: return "fetched"
            case .unverified: return "unverified"
            }
        }
    }

    /// Upper bounds of the AWS latency histogram, in seconds: a regional call takes tens of
    /// milliseconds, the lookup budget is at most 5 s.
    public static let durationBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private let requests: [ManagedAtomic<Int>] =
        (0..<AWSService.allCases.count * AWSRequestOutcome.allCases.count).map { _ in ManagedAtomic(0) }
    /// Per service, one slot per bucket plus +Inf; not cumulative (summed when exposed).
    private let durationCounts: [ManagedAtomic<Int>] =
        (0..<AWSService.allCases.count * (durationBuckets.count + 1)).map { _ in ManagedAtomic(0) }
    private let durationSumNanoseconds: [ManagedAtomic<Int>] = AWSService.allCases.map { _ in ManagedAtomic(0) }
    private let cacheEntries = ManagedAtomic(0)
    private let lookups: [ManagedAtomic<Int>] = LookupResult.allCases.map { _ in ManagedAtomic(0) }

    public init() {}

    public func awsRequestFinished(service: AWSService, outcome: AWSRequestOutcome, nanoseconds: Int64) {
        let serviceIndex = Self.index(service)
        requests[serviceIndex * AWSRequestOutcome.allCases.count + Self.index(outcome)]
            .wrappingIncrement(ordering: .relaxed)
        let seconds = Double(nanoseconds) / 1e9
        let bucket = Self.durationBuckets.firstIndex { seconds <= $0 } ?? Self.durationBuckets.count
        durationCounts[serviceIndex * (Self.durationBuckets.count + 1) + bucket].wrappingIncrement(ordering: .relaxed)
        durationSumNanoseconds[serviceIndex].wrappingIncrement(by: Int(max(0, nanoseconds)), ordering: .relaxed)
    }

    public func awsCacheEntriesChanged(_ count: Int) {
        cacheEntries.store(count, ordering: .relaxed)
    }

    /// An admission that needed facts got them this way.
    public func lookupFinished(_ result: LookupResult) {
        lookups[result.rawValue].wrappingIncrement(ordering: .relaxed)
    }

    public func requestCount(service: AWSService, outcome: AWSRequestOutcome) -> Int {
        requests[Self.index(service) * AWSRequestOutcome.allCases.count + Self.index(outcome)].load(ordering: .relaxed)
    }

    public func lookupCount(_ result: LookupResult) -> Int { lookups[result.rawValue].load(ordering: .relaxed) }

    public var cacheEntryCount: Int { cacheEntries.load(ordering: .relaxed) }

    private static func index(_ service: AWSService) -> Int { AWSService.allCases.firstIndex(of: service) ?? 0 }
    private static func index(_ outcome: AWSRequestOutcome) -> Int {
        AWSRequestOutcome.allCases.firstIndex(of: outcome) ?? 0
    }

    /// The Prometheus text of these series.
    func exposition() -> String {
        var out =
            "# HELP fsx_webhook_aws_requests_total HTTP exchanges with AWS (each retry counts), by service and outcome.\n"
        out += "# TYPE fsx_webhook_aws_requests_total counter\n"
        for service in AWSService.allCases {
            for outcome in AWSRequestOutcome.allCases {
                out +=
                    "fsx_webhook_aws_requests_total{service=\"\(service.rawValue)\",outcome=\"\(outcome.rawValue)\"} "
                out += "\(requestCount(service: service, outcome: outcome))\n"
            }
        }
        out += "# HELP fsx_webhook_aws_request_duration_seconds Time of one HTTP exchange with AWS, by service.\n"
        out += "# TYPE fsx_webhook_aws_request_duration_seconds histogram\n"
        for (serviceIndex, service) in AWSService.allCases.enumerated() {
            let base = serviceIndex * (Self.durationBuckets.count + 1)
            var cumulative = 0
            for (index, bound) in Self.durationBuckets.enumerated() {
                cumulative += durationCounts[base + index].load(ordering: .relaxed)
                out +=
                    "fsx_webhook_aws_request_duration_seconds_bucket{service=\"\(service.rawValue)\",le=\"\(bound)\"} \(cumulative)\n"
            }
            cumulative += durationCounts[base + Self.durationBuckets.count].load(ordering: .relaxed)
            out +=
                "fsx_webhook_aws_request_duration_seconds_bucket{service=\"\(service.rawValue)\",le=\"+Inf\"} \(cumulative)\n"
            let sum = Double(durationSumNanoseconds[serviceIndex].load(ordering: .relaxed)) / 1e9
            out += "fsx_webhook_aws_request_duration_seconds_sum{service=\"\(service.rawValue)\"} \(sum)\n"
            out += "fsx_webhook_aws_request_duration_seconds_count{service=\"\(service.rawValue)\"} \(cumulative)\n"
        }
        out +=
            "# HELP fsx_webhook_aws_cache_entries Subnets, VPCs, security groups and file systems known (or known absent).\n"
        out += "# TYPE fsx_webhook_aws_cache_entries gauge\n"
        out += "fsx_webhook_aws_cache_entries \(cacheEntryCount)\n"
        out +=
            "# HELP fsx_webhook_aws_lookups_total Admissions that needed AWS facts, by how they got them (cached, fetched within the budget, unverified).\n"
        out += "# TYPE fsx_webhook_aws_lookups_total counter\n"
        for result in LookupResult.allCases {
            out += "fsx_webhook_aws_lookups_total{result=\"\(result.label)\"} \(lookupCount(result))\n"
        }
        return out
    }
}
