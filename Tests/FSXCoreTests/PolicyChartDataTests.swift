import Foundation
import Testing

@testable import FSXCore

/// The chart's copy of the policy rules (`charts/fsx-webhook/files/storageclass-policies.json`)
/// is what FSXCore renders today. Re-record with
/// `FSX_RECORD_POLICY_FIXTURES=1 swift test --filter PolicyChartData`; `tests/chart` then
/// checks that the chart assembles the same policies as `fsx-webhook policy`.
@Suite("Chart policy data")
struct PolicyChartDataTests {
    static let file = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("charts/fsx-webhook/files/storageclass-policies.json")

    @Test func chartDataMatchesTheRenderings() throws {
        let expected = JSONWriter.string(AdmissionPolicyExport.chartData(), style: .pretty) + "\n"
        if ProcessInfo.processInfo.environment["FSX_RECORD_POLICY_FIXTURES"] != nil {
            try FileManager.default.createDirectory(
                at: Self.file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(expected.utf8).write(to: Self.file)
        }
        let committed = try String(contentsOf: Self.file, encoding: .utf8)
        #expect(
            committed == expected,
            "charts/fsx-webhook/files/storageclass-policies.json is stale: FSX_RECORD_POLICY_FIXTURES=1 swift test --filter PolicyChartData"
        )
    }
}
