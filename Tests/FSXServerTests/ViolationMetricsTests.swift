import FSXCore
import Testing

@testable import FSXServer

/// `fsx_webhook_violations_total{rule,severity}` and `fsx_webhook_build_info{version}` as a
/// scrape sees them after real reviews over TLS.
@Suite(.serialized)
struct ViolationMetricsTests {
    @Test func countsTheRuleOfADeniedReviewOnMetrics() async throws {
        try await TestServer.with { server in
            let client = try server.makeClient(.http1Only)
            defer { _ = client.shutdown() }
            let reply = try await server.send(client, body: Array(Reviews.persistent2WithS3(uid: "sc-1").utf8))
            #expect(try reply.json["response"]?["allowed"] == .bool(false))

            let text = try await server.operations(client, "/metrics").body
            // That class breaks s3-on-p2 three times (s3ImportPath, s3ExportPath, autoImportPolicy).
            #expect(text.contains("fsx_webhook_violations_total{rule=\"s3-on-p2\",severity=\"deny\"} 3\n"))
            #expect(text.contains("fsx_webhook_violations_total{rule=\"s3-on-p2\",severity=\"warn\"} 0\n"))
            #expect(text.contains("fsx_webhook_violations_total{rule=\"throughput-values\",severity=\"deny\"} 0\n"))
            #expect(text.contains("fsx_webhook_build_info{version=\"\(BuildInfo.version)\"} 1\n"))
            #expect(text.contains("# TYPE fsx_webhook_violations_total counter\n"))
        }
    }

    @Test func labelValuesAreOnlyCatalogueIdsAndSeverities() {
        let metrics = ServerMetrics()
        var decision = Decision(
            subject: "StorageClass \"x\"",
            violations: [
                .deny("s3-on-p2", "parameters.s3ImportPath", "m"),
                .warn("lustre-version-default", "parameters.fileSystemTypeVersion", "m"),
                // An id outside the catalogue never becomes a series.
                .deny(RuleID(rawValue: "made-up-\(UInt64.random(in: 0...UInt64.max))"), "parameters.x", "m"),
            ])
        var staged = Violation.warn("throughput-values", "parameters.perUnitStorageThroughput", "would deny: m")
        staged.wouldDeny = true
        decision.warnings.append(staged)
        metrics.recordViolations(of: decision)

        #expect(metrics.violationCount(rule: "s3-on-p2", severity: .deny) == 1)
        #expect(metrics.violationCount(rule: "lustre-version-default", severity: .warn) == 1)
        #expect(metrics.violationCount(rule: "throughput-values", severity: .wouldDeny) == 1)
        #expect(metrics.violationCount(rule: "throughput-values", severity: .warn) == 0)

        let series = metrics.exposition().split(separator: "\n").filter {
            $0.hasPrefix("fsx_webhook_violations_total{")
        }
        #expect(series.count == RuleID.known.count * 3)
        for line in series {
            let rule = line.split(separator: "\"")[1]
            #expect(RuleID.known.contains(RuleID(rawValue: String(rule))), "\(line)")
        }
        #expect(!metrics.exposition().contains("made-up-"))
    }
}
