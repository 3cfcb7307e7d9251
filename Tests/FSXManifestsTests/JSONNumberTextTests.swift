import Testing

@testable import FSXManifests

/// Floats from YAML written as Go's encoding/json writes them.
struct JSONNumberTextTests {
    @Test(arguments: [
        (8.0, "8"), (0.5, "0.5"), (2.15, "2.15"), (-1200.0, "-1200"), (1e20, "100000000000000000000"),
        (1e21, "1e+21"), (1.5e-7, "1.5e-7"), (0.000001, "0.000001"), (123456789.125, "123456789.125"),
    ])
    func formatsLikeGo(_ value: Double, _ expected: String) {
        #expect(JSONNumberText.format(value) == expected)
    }

    @Test func refusesWhatJSONCannotCarry() {
        #expect(JSONNumberText.format(.infinity) == nil)
        #expect(JSONNumberText.format(.nan) == nil)
    }
}
