import FSXCore
import Foundation
import ReviewInputs

// Decides one benchmark input in a loop: the program callgrind profiles (its instruction
// counts are repeatable on a shared machine, unlike times) and the CI smoke run executes.
//
//   review-profile job|job-aws|storageclass|storageclass-denied|big-update [iterations]
//
// `job-aws` is the Job review of a server with an `aws:` section and a warm facts cache: the
// volumes are located by `fileSystemId`, the review takes the server's two-step path
// (`reviewStep` with the cache's request-path read), and the answer must be byte for byte
// the answer of `job`.
//
// It checks every reply has the outcome the input is built for, so a smoke run also catches
// a benchmark that measures an error path, and prints the median and p99 wall clock.

let usage = "usage: review-profile job|job-aws|storageclass|storageclass-denied|big-update [iterations]"
let arguments = CommandLine.arguments.dropFirst()
guard let name = arguments.first else {
    print(usage)
    exit(2)
}
let iterations = arguments.dropFirst().first.flatMap { Int($0) } ?? 1000
guard iterations > 0 else {
    print(usage)
    exit(2)
}

let body: [UInt8]
let endpoint: AdmissionEngine.Endpoint
let expected: Decision.Outcome
var engine = AdmissionEngine(configuration: ReviewInputs.configuration())
let cache = WarmFactsCache(ReviewInputs.warmAWSFacts())
switch name {
case "job", "job-aws":
    (body, endpoint, expected) = (ReviewInputs.jobReview(), .mutate, .patched)
case "storageclass":
    (body, endpoint, expected) = (ReviewInputs.storageClassReview(), .validate, .allowed)
case "storageclass-denied":
    (body, endpoint, expected) = (ReviewInputs.deniedStorageClassReview(), .validate, .denied)
case "big-update":
    (body, endpoint, expected) = (ReviewInputs.bigUpdateReview(), .mutate, .allowed)
default:
    print(usage)
    exit(2)
}

/// One review as the server makes it: with `aws:`, decoded, then decided with the cached facts.
func review(_ engine: AdmissionEngine, aws: Bool) throws(ReviewError) -> ReviewReply {
    guard aws else { return try engine.review(body: body, endpoint: endpoint) }
    switch try engine.reviewStep(body: body, endpoint: endpoint, cached: cache.cachedFacts(covering:)) {
    case .decided(let reply): return reply
    case .needsFacts: fatalError("the cache is warm: no review may wait for AWS")
    }
}

let aws = name == "job-aws"
if aws {
    let plain = try review(engine, aws: false).body
    engine = AdmissionEngine(configuration: ReviewInputs.awsConfiguration())
    guard try review(engine, aws: true).body == plain else {
        print("job-aws: the answer differs from the job review's")
        exit(1)
    }
}

var samples: [UInt64] = []
samples.reserveCapacity(iterations)
var responseBytes = 0
for _ in 0..<iterations {
    let start = DispatchTime.now().uptimeNanoseconds
    let reply: ReviewReply
    do {
        reply = try review(engine, aws: aws)
    } catch {
        print("\(name): review failed: \(error)")
        exit(1)
    }
    let response = reply.body
    samples.append(DispatchTime.now().uptimeNanoseconds - start)
    guard reply.decision.outcome == expected else {
        print("\(name): expected \(expected.rawValue), got \(reply.decision.outcome.rawValue)")
        exit(1)
    }
    responseBytes = response.count
}
samples.sort()
func micros(_ nanoseconds: UInt64) -> String { String(format: "%.2f", Double(nanoseconds) / 1000) }
let p99 = samples[min(samples.count - 1, samples.count * 99 / 100)]
print(
    "\(name): \(body.count) bytes in, \(responseBytes) bytes out, \(iterations) iterations, "
        + "median \(micros(samples[samples.count / 2])) µs, p99 \(micros(p99)) µs, min \(micros(samples[0])) µs"
)
