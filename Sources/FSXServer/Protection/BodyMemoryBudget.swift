import Atomics

/// Bytes of request bodies buffered at once, over every connection and protocol.
///
/// Per-request limits do not bound the total: 100 HTTP/2 streams or 100 HTTP/1.1
/// connections each uploading a 7 MiB review took the process to 665 MiB, past the chart's
/// 256 Mi memory limit, and an OOM-killed webhook with `failurePolicy: Fail` blocks every
/// write it covers. Each request reserves the bytes it is about to buffer before it buffers
/// them; a reservation that does not fit is refused (503 with `Retry-After: 1` on HTTP/1.1,
/// REFUSED_STREAM on HTTP/2: both tell a client the request was not processed and may be
/// retried), so memory runs out for one request, never for the process.
///
/// One atomic counter, compare-and-swap, no lock: it sits on every request's path.
public final class BodyMemoryBudget: Sendable {
    /// 128 MiB: with about 40 MiB at rest and 2,048 idle connections at 45 KiB (90 MiB),
    /// this keeps the process under the chart's 256 Mi limit, and holds 18 reviews of the
    /// largest size at once (the apiserver sends a few KiB at a time).
    public static let defaultLimit = 128 * 1024 * 1024

    /// The most bytes buffered at once.
    public let limit: Int
    /// The most one request may hold, and the most large bodies may hold together: three
    /// quarters of the budget. The last quarter is kept for the first
    /// `smallBodyAllowance` bytes of every request, so the apiserver's reviews (a few KiB)
    /// are still answered while large uploads have taken all they may.
    public let perRequestLimit: Int
    /// A request is "small" while it holds at most this much: 64 KiB, several times the
    /// largest realistic Job review (12 KiB), a hundredth of the 7 MiB body limit.
    public static let smallBodyAllowance = 64 * 1024
    /// Also the `fsx_webhook_body_memory_bytes` gauge, so the two cannot disagree.
    private let used: ManagedAtomic<Int>

    public init(limit: Int = BodyMemoryBudget.defaultLimit, metrics: ServerMetrics) {
        self.limit = limit
        self.perRequestLimit = limit / 4 * 3
        self.used = metrics.protection.bufferedBodyBytes
    }

    /// Bytes reserved now, over all requests.
    public var inUse: Int { used.load(ordering: .relaxed) }

    /// Takes `bytes` from the budget if they fit under `ceiling`; `false` leaves the
    /// budget unchanged.
    func reserve(_ bytes: Int, ceiling: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while true {
            guard current + bytes <= ceiling else { return false }
            let (exchanged, original) = used.weakCompareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// Gives back bytes taken by `reserve`.
    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        used.wrappingDecrement(by: bytes, ordering: .relaxed)
    }
}

/// What one request holds of a `BodyMemoryBudget`: grown before the body buffer grows,
/// given back whole when the request ends in any way (answered, refused, reset, closed).
struct BodyReservation {
    private(set) var bytes = 0

    /// Makes the reservation at least `total` bytes; `false` (reservation unchanged) when
    /// that is more than one request may hold or than the budget has left.
    mutating func grow(to total: Int, in budget: BodyMemoryBudget) -> Bool {
        guard total > bytes else { return true }
        let ceiling = total > BodyMemoryBudget.smallBodyAllowance ? budget.perRequestLimit : budget.limit
        guard total <= budget.perRequestLimit, budget.reserve(total - bytes, ceiling: ceiling) else { return false }
        bytes = total
        return true
    }

    mutating func release(to budget: BodyMemoryBudget) {
        budget.release(bytes)
        bytes = 0
    }
}
