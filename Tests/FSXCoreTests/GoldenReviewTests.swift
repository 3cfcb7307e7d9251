import Foundation
import Testing

@testable import FSXCore

/// Whole reviews, request in and response out, compared as JSON values with the files in
/// Fixtures/golden/<case>/. Re-record with `FSX_RECORD_GOLDEN=1 swift test --filter Golden`
/// and review the diff: the recorded files are the product's observable behaviour.
///
/// The same fixtures are checked from outside Swift by tests/golden/test_golden.py (patches
/// applied with python-jsonpatch, the second pass through the `fsx-webhook review` binary).
@Suite struct GoldenReviewTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/golden")
    static let recording = ProcessInfo.processInfo.environment["FSX_RECORD_GOLDEN"] != nil

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("\($0)/request.json").path)
        }.sorted()
    }

    static func read(_ testCase: String, _ file: String) throws -> JSONValue? {
        let url = directory.appendingPathComponent("\(testCase)/\(file)")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try JSONParser.parse(Array(try Data(contentsOf: url)))
    }

    static func write(_ value: JSONValue, _ testCase: String, _ file: String) throws {
        var bytes = JSONWriter.bytes(value, style: .pretty)
        bytes.append(0x0A)
        try Data(bytes).write(to: directory.appendingPathComponent("\(testCase)/\(file)"))
    }

    /// The decision for one case: its configuration (if any) and the endpoint the chart
    /// would route its kind to.
    static func run(_ testCase: String) throws -> (request: JSONValue, reply: ReviewReply) {
        let request = try #require(try read(testCase, "request.json"))
        let configuration = try read(testCase, "config.json").map { try WebhookConfiguration(json: $0) } ?? .default
        let kind = request["request"]?["kind"]?["kind"]?.stringValue ?? ""
        let reply = try AdmissionEngine(configuration: configuration)
            .review(
                body: JSONWriter.bytes(request),
                endpoint: AdmissionEngine.endpoint(
                    for: ObjectType(
                        group: request["request"]?["kind"]?["group"]?.stringValue ?? "", version: "", kind: kind)))
        return (request, reply)
    }

    @Test func thereAreGoldenCasesForStorageClassesVolumesAndJobs() {
        let cases = Self.cases
        #expect(cases.contains { $0.hasPrefix("storageclass-") })
        #expect(cases.contains { $0.hasPrefix("persistentvolume-") })
        #expect(cases.contains { $0.hasPrefix("job-") })
    }

    /// Every built-in workload kind has a patched case, and every kind with several pod
    /// templates a denied one (whose message names the template).
    @Test(arguments: WorkloadKind.builtIn)
    func thereAreGoldenCasesForEveryWorkloadKind(_ kind: WorkloadKind) {
        let prefix = kind.kind.lowercased() + "-"
        let cases = Self.cases.filter { $0.hasPrefix(prefix) }
        #expect(cases.contains { $0.hasSuffix("-patched") }, "\(kind.kind)")
        if kind.locations.contains(where: { $0.label != .none }) {
            #expect(cases.contains { $0.hasSuffix("-denied") }, "\(kind.kind)")
        }
    }

    @Test(arguments: cases)
    func reviewMatchesTheGoldenResponse(_ testCase: String) throws {
        let (request, reply) = try Self.run(testCase)
        // Read back from the bytes the server sends: the goldens hold the response as a
        // value, so a re-recording is compared field by field, and the bytes must parse.
        let response = try JSONParser.parse(reply.body)
        if Self.recording {
            try Self.write(response, testCase, "response.json")
            if let patched = try Self.patched(request: request, reply: reply) {
                try Self.write(patched, testCase, "patched.json")
            }
            return
        }
        let expected = try #require(try Self.read(testCase, "response.json"), "record with FSX_RECORD_GOLDEN=1")
        #expect(response == expected, "\(testCase): \(JSONWriter.string(response, style: .pretty))")
        // The case's name states the outcome, so a re-recording that flips it stands out.
        let outcome = reply.decision.outcome
        if testCase.hasSuffix("-denied") { #expect(outcome == .denied) }
        if testCase.hasSuffix("-patched") { #expect(outcome == .patched) }
        if testCase.hasSuffix("-allowed") || testCase.hasSuffix("-unchanged") || testCase.hasSuffix("-warning") {
            #expect(outcome == .allowed || outcome == .allowedWithWarnings)
        }
        let patched = try Self.patched(request: request, reply: reply)
        #expect(patched == (try Self.read(testCase, "patched.json")), "\(testCase): patched.json")
    }

    /// The object after applying the response's patch with the test-side applier, or nil.
    static func patched(request: JSONValue, reply: ReviewReply) throws -> JSONValue? {
        guard let encoded = try JSONParser.parse(reply.body)["response"]?["patch"]?.stringValue else { return nil }
        let operations = try JSONParser.parse(try #require(Base64.decode(encoded)))
        let object = try #require(request["request"]?["object"])
        return try JSONPatchApplier.apply(operations, to: object)
    }
}
