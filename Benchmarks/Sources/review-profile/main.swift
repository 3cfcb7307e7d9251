import FSXCore
import Foundation
import ReviewInputs

// Decides one benchmark input in a loop: the program callgrind profiles (its instruction
// counts are repeatable on a shared machine, unlike times) and the CI smoke run executes.
//
//   review-profile job|storageclass|storageclass-denied|big-update [iterations]
//
// It checks every reply has the outcome the input is built for, so a smoke run also catches
// a benchmark that measures an error path, and prints the median and p99 wall clock.

let usage = "usage: review-profile job|storageclass|storageclass-denied|big-update [iterations]"
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
let engine = AdmissionEngine(configuration: ReviewInputs.configuration())
switch name {
case "job":
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

var samples: [UInt64] = []
samples.reserveCapacity(iterations)
var responseBytes = 0
for _ in 0..<iterations {
    let start = DispatchTime.now().uptimeNanoseconds
    let reply: ReviewReply
    do {
        reply = try engine.review(body: body, endpoint: endpoint)
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
