import Logging
import NIOPosix
import Testing

@testable import FSXServer

struct ProtectionTests {
    @Test func summarisesAFloodOfRefusalsIntoOneLinePerIntervalAndCountsEveryOne() async throws {
        let sink = LineLogHandlerTests.Sink()
        let metrics = ProtectionMetrics()
        let log = RefusalLog(
            logger: sink.logger(.text, level: .warning), metrics: metrics,
            eventLoop: MultiThreadedEventLoopGroup.singleton.next(), interval: .milliseconds(200))
        for index in 0..<1000 { log.refused(.invalidReview, "request refused", details: ["n": "\(index)"]) }
        log.refused(.bodyMemory, "request refused")
        #expect(metrics.refusalCount(.invalidReview) == 1000)
        #expect(metrics.refusalCount(.bodyMemory) == 1)
        // The first of each reason at once, with its details.
        #expect(sink.lines.withLockedValue { $0 }.count == 2)
        try await Task.sleep(for: .milliseconds(500))
        let lines = sink.lines.withLockedValue { $0 }
        // Then one summary with the count of the 999 not logged; nothing for a reason that
        // had no more.
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.last?.contains("count=999") == true, "\(lines)")
        // After a quiet interval, the next refusal is logged in full again.
        try await Task.sleep(for: .milliseconds(500))
        log.refused(.invalidReview, "request refused")
        #expect(sink.lines.withLockedValue { $0 }.count == 4)
    }

    @Test func keepsAQuarterOfTheBudgetForSmallBodiesAndGivesEverythingBack() {
        let metrics = ServerMetrics()
        let budget = BodyMemoryBudget(limit: 16 << 20, metrics: metrics)
        var large = BodyReservation()
        let grewLarge = large.grow(to: 8 << 20, in: budget)
        #expect(grewLarge)
        var second = BodyReservation()
        // 8 + 8 MiB would pass the large bodies' three quarters (12 MiB).
        let grewSecond = second.grow(to: 8 << 20, in: budget)
        #expect(!grewSecond)
        #expect(second.bytes == 0)
        // Small bodies still fit, up to the whole budget.
        var small = (0..<60).map { _ in BodyReservation() }
        for index in small.indices {
            let grew = small[index].grow(to: 64 * 1024, in: budget)
            #expect(grew)
        }
        #expect(budget.inUse == (8 << 20) + 60 * 64 * 1024)
        large.release(to: budget)
        for index in small.indices { small[index].release(to: budget) }
        #expect(budget.inUse == 0)
        #expect(metrics.exposition().contains("fsx_webhook_body_memory_bytes 0\n"))
    }
}
