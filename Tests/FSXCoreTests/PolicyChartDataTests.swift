import Testing

@testable import FSXCore

/// The chart's copy of the policy rules (`charts/fsx-webhook/files/storageclass-policies.json`)
/// is what FSXCore renders today. Re-record with
/// `FSX_RECORD_POLICY_FIXTURES=1 swift test --filter PolicyChartData`; `tests/chart` then
/// checks that the chart assembles the same policies as `fsx-webhook policy`.
@Suite("Chart policy data")
struct PolicyChartDataTests {
    @Test func chartDataMatchesTheRenderings() throws {
        try RecordedFile.check(
            JSONWriter.string(AdmissionPolicyExport.chartData(), style: .pretty) + "\n",
            at: "charts/fsx-webhook/files/storageclass-policies.json", filter: "PolicyChartData")
    }
}
