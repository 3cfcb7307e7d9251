import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Logs refusals without letting a flood of them become a flood of log lines.
///
/// The first refusal of a reason is logged at once, with its details. Further refusals of
/// the same reason within `interval` are only counted, and one line at the end of the
/// interval says how many there were; while they keep coming, one such line per interval.
/// `ProtectionMetrics` counts every refusal, logged or not.
public final class RefusalLog: Sendable {
    /// Ten seconds: a person reading the logs during an incident sees that refusals are
    /// happening within seconds, and a flood costs six lines a minute per reason.
    public static let defaultInterval = TimeAmount.seconds(10)

    private struct Window {
        /// Refusals since the last line.
        var unlogged = 0
        /// Whether a summary is scheduled (an interval is open).
        var open = false
    }

    private let logger: Logger
    private let metrics: ProtectionMetrics
    private let interval: TimeAmount
    private let eventLoop: any EventLoop
    private let windows = NIOLockedValueBox([Window](repeating: Window(), count: RefusalReason.allCases.count))

    public init(
        logger: Logger, metrics: ProtectionMetrics, eventLoop: any EventLoop,
        interval: TimeAmount = RefusalLog.defaultInterval
    ) {
        self.logger = logger
        self.metrics = metrics
        self.eventLoop = eventLoop
        self.interval = interval
    }

    /// Counts one refusal and logs it if it opens an interval. `details` is built only then.
    public func refused(_ reason: RefusalReason, _ message: String, details: @autoclosure () -> Logger.Metadata = [:]) {
        metrics.refused(reason)
        let opens = windows.withLockedValue { windows in
            if windows[reason.rawValue].open {
                windows[reason.rawValue].unlogged += 1
                return false
            }
            windows[reason.rawValue].open = true
            return true
        }
        guard opens else { return }
        var metadata = details()
        metadata["reason"] = "\(reason.label)"
        logger.warning("\(message)", metadata: metadata)
        scheduleSummary(reason)
    }

    private func scheduleSummary(_ reason: RefusalReason) {
        eventLoop.scheduleTask(in: interval) { [self] in
            let count = windows.withLockedValue { windows in
                let count = windows[reason.rawValue].unlogged
                windows[reason.rawValue].unlogged = 0
                // Nothing came in this interval: close it, so the next refusal is logged in full.
                if count == 0 { windows[reason.rawValue].open = false }
                return count
            }
            guard count > 0 else { return }
            logger.warning(
                "more refusals of the same kind",
                metadata: [
                    "reason": "\(reason.label)", "count": "\(count)",
                    "interval_seconds": "\(interval.nanoseconds / 1_000_000_000)",
                    "total": "\(metrics.refusalCount(reason))",
                ])
            scheduleSummary(reason)
        }
    }
}
