import Benchmark
import FSXCore
import Foundation
import ReviewInputs

// `AdmissionEngine.review(body:endpoint:)` on whole AdmissionReview bodies: decode, decide,
// encode the response, exactly what the server does per request (the response bytes are
// written too). See docs/performance.md for the targets and how to read the output.
//
// FSX_BENCH_SMOKE=1 runs each benchmark a handful of times: CI checks they build and run,
// without timing thresholds that a shared machine would make flaky.

let benchmarks: @Sendable () -> Void = {
    let smoke = ProcessInfo.processInfo.environment["FSX_BENCH_SMOKE"] != nil
    let engine = AdmissionEngine(configuration: ReviewInputs.configuration())

    func configuration(seconds: Int, iterations: Int) -> Benchmark.Configuration {
        .init(
            metrics: [.wallClock, .mallocCountTotal, .throughput],
            timeUnits: .microseconds,
            warmupIterations: smoke ? 1 : 10,
            maxDuration: .seconds(smoke ? 1 : seconds),
            maxIterations: smoke ? 5 : iterations)
    }

    func review(
        _ body: [UInt8], _ endpoint: AdmissionEngine.Endpoint, expecting outcome: Decision.Outcome
    )
        -> Benchmark.BenchmarkClosure
    {
        { benchmark in
            for _ in benchmark.scaledIterations {
                guard let reply = try? engine.review(body: body, endpoint: endpoint), reply.decision.outcome == outcome
                else { fatalError("\(benchmark.name): the review no longer ends \(outcome.rawValue)") }
                blackHole(reply.body)
            }
        }
    }

    let job = ReviewInputs.jobReview()
    Benchmark(
        "Job CREATE review, 12 KB, patched", configuration: configuration(seconds: 3, iterations: 100_000),
        closure: review(job, .mutate, expecting: .patched))

    // The same review on a server with `aws:` and a warm facts cache (volumes located by
    // fileSystemId): the server's two-step path; the answer is the same patch.
    let awsEngine = AdmissionEngine(configuration: ReviewInputs.awsConfiguration())
    let cache = WarmFactsCache(ReviewInputs.warmAWSFacts())
    Benchmark(
        "Job CREATE review, 12 KB, patched, aws: with a warm cache",
        configuration: configuration(seconds: 3, iterations: 100_000)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            guard
                case .decided(let reply)? = try? awsEngine.reviewStep(
                    body: job, endpoint: .mutate, cached: cache.cachedFacts(covering:)),
                reply.decision.outcome == .patched
            else { fatalError("\(benchmark.name): the review no longer ends patched from the cache") }
            blackHole(reply.body)
        }
    }

    let storageClass = ReviewInputs.storageClassReview()
    Benchmark(
        "StorageClass CREATE review, 1.3 KB, allowed", configuration: configuration(seconds: 3, iterations: 100_000),
        closure: review(storageClass, .validate, expecting: .allowed))

    let deniedStorageClass = ReviewInputs.deniedStorageClassReview()
    Benchmark(
        "StorageClass CREATE review, 1.3 KB, denied", configuration: configuration(seconds: 3, iterations: 100_000),
        closure: review(deniedStorageClass, .validate, expecting: .denied))

    let big = ReviewInputs.bigUpdateReview()
    Benchmark(
        "Job UPDATE review, 7 MiB, allowed", configuration: configuration(seconds: 10, iterations: 200),
        closure: review(big, .mutate, expecting: .allowed))
}
