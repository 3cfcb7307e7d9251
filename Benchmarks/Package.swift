// swift-tools-version: 6.1
import PackageDescription

// The in-process benchmarks, kept out of the root package so the product's dependency graph
// and CI's main build stay lean (see docs/performance.md).
//
// ordo-one/benchmark counts allocations through its malloc interposer; on Linux with Swift
// 6.3 its default traits would also pull in a runtime interposer that is not needed for
// wall clock and malloc counts, so only `MallocInterposer` is enabled.
//
// Run with `FSX_CORE_ONLY=1` so the root package declares FSXCore alone and none of the
// server's dependencies is resolved (scripts/bench-smoke.sh does).
let package = Package(
    name: "fsx-webhook-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        // Named, because a path dependency is otherwise known by its folder's name, which differs
        // between clones and worktrees.
        .package(name: "fsx-webhook", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The benchmark inputs, shared by the benchmark and the profiling driver.
        .target(
            name: "ReviewInputs",
            dependencies: [.product(name: "FSXCore", package: "fsx-webhook")]
        ),
        // One review at a time in a loop, for callgrind and the CI smoke run.
        .executableTarget(
            name: "review-profile",
            dependencies: ["ReviewInputs", .product(name: "FSXCore", package: "fsx-webhook")]
        ),
        .executableTarget(
            name: "AdmissionReview",
            dependencies: [
                "ReviewInputs",
                .product(name: "FSXCore", package: "fsx-webhook"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/AdmissionReview",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
