import Atomics

/// The counters of the server's limits, exposed with `ServerMetrics`: every refusal is
/// counted here, even when `RefusalLog` folds its log line into a summary.
public final class ProtectionMetrics: Sendable {
    private let refusals: [ManagedAtomic<Int>] = RefusalReason.allCases.map { _ in ManagedAtomic(0) }
    /// Bytes of request bodies reserved now; `BodyMemoryBudget` counts in it directly.
    let bufferedBodyBytes = ManagedAtomic<Int>(0)

    public init() {}

    /// Counts one refusal; returns the number of this reason so far.
    @discardableResult
    public func refused(_ reason: RefusalReason) -> Int {
        refusals[reason.rawValue].wrappingIncrementThenLoad(ordering: .relaxed)
    }

    /// Refusals of `reason` so far.
    public func refusalCount(_ reason: RefusalReason) -> Int {
        refusals[reason.rawValue].load(ordering: .relaxed)
    }

    /// Bytes of request bodies buffered (reserved) now.
    public var bufferedBodyByteCount: Int { bufferedBodyBytes.load(ordering: .relaxed) }

    /// The Prometheus text of these series.
    func exposition() -> String {
        var out = "# HELP fsx_webhook_refusals_total Requests, streams and connections refused by a limit, by reason.\n"
        out += "# TYPE fsx_webhook_refusals_total counter\n"
        for reason in RefusalReason.allCases {
            out += "fsx_webhook_refusals_total{reason=\"\(reason.label)\"} \(refusalCount(reason))\n"
        }
        out +=
            "# HELP fsx_webhook_body_memory_bytes Bytes of request bodies buffered now (--body-memory-limit bounds it).\n"
        out += "# TYPE fsx_webhook_body_memory_bytes gauge\n"
        out += "fsx_webhook_body_memory_bytes \(bufferedBodyByteCount)\n"
        return out
    }
}
