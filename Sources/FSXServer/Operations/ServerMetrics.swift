import Atomics
import FSXCore

/// The server's counters, exposed on `/metrics` in the Prometheus text format.
///
/// Every update is a relaxed atomic add, with no lock and no allocation, because it sits
/// on the request path next to a decision that takes microseconds. A scrape may see one
/// counter a request ahead of another; Prometheus tolerates that.
public final class ServerMetrics: Sendable {
    /// The `path` label: the two webhook endpoints, and everything else as one value so a
    /// scanner probing random paths cannot grow the series count.
    public enum Path: Int, Sendable, CaseIterable {
        case validate, mutate, other

        public var label: String {
            switch self {
            case .validate: return "/validate"
            case .mutate: return "/mutate"
            case .other: return "other"
            }
        }
    }

    /// Upper bounds of the latency histogram, in seconds. A decision takes microseconds
    /// and a whole request well under a millisecond, so most buckets are below 1 ms; the
    /// upper ones catch a stalled event loop long before the apiserver's 10 s timeout.
    public static let durationBuckets: [Double] = [
        0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.1, 0.5, 1, 5,
    ]

    private let requests: [ManagedAtomic<Int>]
    /// Per path, one slot per bucket plus one for +Inf; not cumulative (summed when exposed).
    private let durationCounts: [ManagedAtomic<Int>]
    private let durationSumNanoseconds: [ManagedAtomic<Int>]
    private let inFlight = ManagedAtomic<Int>(0)
    private let certificateReloads = ManagedAtomic<Int>(0)
    private let certificateReloadFailures = ManagedAtomic<Int>(0)
    private let certificateExpiry = ManagedAtomic<Int>(0)
    private let openConnections = ManagedAtomic<Int>(0)
    private let refusedConnections = ManagedAtomic<Int>(0)
    /// One counter per known rule id and `ViolationSeverity`, so the label values are
    /// bounded by the rule catalogue whatever the objects say.
    private let violations: [ManagedAtomic<Int>]
    private let ruleIndex: [RuleID: Int]
    private let version: String
    /// Refusals by the server's limits, and the body memory in use.
    public let protection = ProtectionMetrics()
    /// Calls to AWS, the facts cache, and how admissions got their facts.
    public let aws = AWSMetrics()

    /// The `severity` label of `fsx_webhook_violations_total`.
    public enum ViolationSeverity: Int, Sendable, CaseIterable {
        /// Reported as a denial.
        case deny
        /// Reported as a warning.
        case warn
        /// A denial that `validation.enforcement: warn` reported as a warning: what deny
        /// enforcement would refuse, the number to read before switching to it.
        case wouldDeny

        public var label: String {
            switch self {
            case .deny: return "deny"
            case .warn: return "warn"
            case .wouldDeny: return "would-deny"
            }
        }

        public init(_ violation: Violation) {
            if violation.wouldDeny {
                self = .wouldDeny
            } else {
                self = violation.severity == .deny ? .deny : .warn
            }
        }
    }

    public init(version: String = BuildInfo.version) {
        self.version = version
        ruleIndex = Dictionary(uniqueKeysWithValues: RuleID.known.enumerated().map { ($1, $0) })
        violations = (0..<RuleID.known.count * ViolationSeverity.allCases.count).map { _ in ManagedAtomic(0) }
        let paths = Path.allCases.count
        requests = (0..<paths * WebhookResponse.Outcome.allCases.count).map { _ in ManagedAtomic(0) }
        durationCounts = (0..<paths * (Self.durationBuckets.count + 1)).map { _ in ManagedAtomic(0) }
        durationSumNanoseconds = (0..<paths).map { _ in ManagedAtomic(0) }
    }

    /// A request head arrived.
    public func requestStarted() {
        inFlight.wrappingIncrement(ordering: .relaxed)
    }

    /// The response to a request started with `requestStarted` was written.
    public func requestFinished(path: Path, outcome: WebhookResponse.Outcome, nanoseconds: Int64) {
        inFlight.wrappingDecrement(ordering: .relaxed)
        requests[path.rawValue * WebhookResponse.Outcome.allCases.count + outcome.rawValue]
            .wrappingIncrement(ordering: .relaxed)
        let seconds = Double(nanoseconds) / 1e9
        let bucket = Self.durationBuckets.firstIndex { seconds <= $0 } ?? Self.durationBuckets.count
        durationCounts[path.rawValue * (Self.durationBuckets.count + 1) + bucket].wrappingIncrement(ordering: .relaxed)
        durationSumNanoseconds[path.rawValue].wrappingIncrement(by: Int(max(0, nanoseconds)), ordering: .relaxed)
    }

    /// Counts every violation a decision reported. An id outside `RuleID.known` is not
    /// counted (a test keeps the catalogue complete), so no object can add a series.
    public func recordViolations(of decision: Decision) {
        for violation in decision.denials { recordViolation(violation) }
        for violation in decision.warnings { recordViolation(violation) }
    }

    private func recordViolation(_ violation: Violation) {
        guard let index = ruleIndex[violation.rule] else { return }
        violations[index * ViolationSeverity.allCases.count + ViolationSeverity(violation).rawValue]
            .wrappingIncrement(ordering: .relaxed)
    }

    /// Violations of `rule` reported with `severity` so far.
    public func violationCount(rule: RuleID, severity: ViolationSeverity) -> Int {
        guard let index = ruleIndex[rule] else { return 0 }
        return violations[index * ViolationSeverity.allCases.count + severity.rawValue].load(ordering: .relaxed)
    }

    /// A request started with `requestStarted` ended without a response (the client went away).
    public func requestAbandoned() {
        inFlight.wrappingDecrement(ordering: .relaxed)
    }

    /// A new serving certificate was loaded; `expiry` is its notAfter, in Unix seconds.
    public func certificateLoaded(expiry: Int, isReload: Bool) {
        if isReload { certificateReloads.wrappingIncrement(ordering: .relaxed) }
        certificateExpiry.store(expiry, ordering: .relaxed)
    }

    /// A changed certificate or key file could not be used; the previous pair stays.
    public func certificateReloadFailed() {
        certificateReloadFailures.wrappingIncrement(ordering: .relaxed)
    }

    /// A connection was accepted on the webhook port.
    public func connectionOpened() {
        openConnections.wrappingIncrement(ordering: .relaxed)
    }

    /// A connection counted by `connectionOpened` closed.
    public func connectionClosed() {
        openConnections.wrappingDecrement(ordering: .relaxed)
    }

    /// A connection was closed on accept because the connection limit was reached; returns
    /// the number refused so far.
    @discardableResult
    public func connectionRefused() -> Int {
        refusedConnections.wrappingIncrementThenLoad(ordering: .relaxed)
    }

    public var openConnectionCount: Int { openConnections.load(ordering: .relaxed) }
    public var refusedConnectionCount: Int { refusedConnections.load(ordering: .relaxed) }

    /// Requests answered so far with this path and outcome.
    public func requestCount(path: Path, outcome: WebhookResponse.Outcome) -> Int {
        requests[path.rawValue * WebhookResponse.Outcome.allCases.count + outcome.rawValue].load(ordering: .relaxed)
    }

    public var requestsInFlight: Int { inFlight.load(ordering: .relaxed) }
    public var certificateReloadCount: Int { certificateReloads.load(ordering: .relaxed) }
    public var certificateReloadFailureCount: Int { certificateReloadFailures.load(ordering: .relaxed) }

    /// The Prometheus text exposition (format 0.0.4).
    public func exposition() -> String {
        var out = ""
        out.reserveCapacity(16384)
        out += "# HELP fsx_webhook_requests_total Admission requests answered, by path and outcome.\n"
        out += "# TYPE fsx_webhook_requests_total counter\n"
        for path in Path.allCases {
            for outcome in WebhookResponse.Outcome.allCases {
                out += "fsx_webhook_requests_total{path=\"\(path.label)\",outcome=\"\(outcome.label)\"} "
                out += "\(requestCount(path: path, outcome: outcome))\n"
            }
        }
        out +=
            "# HELP fsx_webhook_request_duration_seconds Time from request head to response handed to the connection.\n"
        out += "# TYPE fsx_webhook_request_duration_seconds histogram\n"
        for path in Path.allCases {
            var cumulative = 0
            let base = path.rawValue * (Self.durationBuckets.count + 1)
            for (index, bound) in Self.durationBuckets.enumerated() {
                cumulative += durationCounts[base + index].load(ordering: .relaxed)
                out +=
                    "fsx_webhook_request_duration_seconds_bucket{path=\"\(path.label)\",le=\"\(bound)\"} \(cumulative)\n"
            }
            cumulative += durationCounts[base + Self.durationBuckets.count].load(ordering: .relaxed)
            out += "fsx_webhook_request_duration_seconds_bucket{path=\"\(path.label)\",le=\"+Inf\"} \(cumulative)\n"
            let sum = Double(durationSumNanoseconds[path.rawValue].load(ordering: .relaxed)) / 1e9
            out += "fsx_webhook_request_duration_seconds_sum{path=\"\(path.label)\"} \(sum)\n"
            out += "fsx_webhook_request_duration_seconds_count{path=\"\(path.label)\"} \(cumulative)\n"
        }
        out +=
            "# HELP fsx_webhook_requests_in_flight Requests whose head arrived and that are not yet answered.\n"
        out += "# TYPE fsx_webhook_requests_in_flight gauge\n"
        out += "fsx_webhook_requests_in_flight \(requestsInFlight)\n"
        out += "# HELP fsx_webhook_certificate_reloads_total Serving certificates loaded after a change of the files.\n"
        out += "# TYPE fsx_webhook_certificate_reloads_total counter\n"
        out += "fsx_webhook_certificate_reloads_total \(certificateReloadCount)\n"
        out +=
            "# HELP fsx_webhook_certificate_reload_failures_total Changed certificate or key files that could not be used (the previous pair stays).\n"
        out += "# TYPE fsx_webhook_certificate_reload_failures_total counter\n"
        out += "fsx_webhook_certificate_reload_failures_total \(certificateReloadFailureCount)\n"
        out += "# HELP fsx_webhook_open_connections Connections open on the webhook port.\n"
        out += "# TYPE fsx_webhook_open_connections gauge\n"
        out += "fsx_webhook_open_connections \(openConnectionCount)\n"
        out +=
            "# HELP fsx_webhook_connections_refused_total Connections closed on accept because the connection limit was reached.\n"
        out += "# TYPE fsx_webhook_connections_refused_total counter\n"
        out += "fsx_webhook_connections_refused_total \(refusedConnectionCount)\n"
        out +=
            "# HELP fsx_webhook_certificate_expiry_timestamp_seconds notAfter of the serving certificate in use, in Unix seconds.\n"
        out += "# TYPE fsx_webhook_certificate_expiry_timestamp_seconds gauge\n"
        out += "fsx_webhook_certificate_expiry_timestamp_seconds \(certificateExpiry.load(ordering: .relaxed))\n"
        out +=
            "# HELP fsx_webhook_violations_total Violations reported in admission responses, by rule id and severity (would-deny: denials reported as warnings under validation.enforcement: warn).\n"
        out += "# TYPE fsx_webhook_violations_total counter\n"
        // Every known rule and severity, zeros included: rate() and absent-series alerts
        // need the series to exist before the first violation.
        for (index, rule) in RuleID.known.enumerated() {
            for severity in ViolationSeverity.allCases {
                let count = violations[index * ViolationSeverity.allCases.count + severity.rawValue]
                    .load(ordering: .relaxed)
                out +=
                    "fsx_webhook_violations_total{rule=\"\(rule.rawValue)\",severity=\"\(severity.label)\"} \(count)\n"
            }
        }
        out += "# HELP fsx_webhook_build_info The running build; the value is always 1.\n"
        out += "# TYPE fsx_webhook_build_info gauge\n"
        out += "fsx_webhook_build_info{version=\"\(version)\"} 1\n"
        out += protection.exposition()
        out += aws.exposition()
        return out
    }
}
