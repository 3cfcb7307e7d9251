import Foundation
import Testing

/// `fsx-webhook review`: exactly the server's AdmissionReview response.
struct ReviewCommandTests {
    static func review(apiVersion: String, uid: String, object: String) -> String {
        """
        {"apiVersion": "\(apiVersion)", "kind": "AdmissionReview", "request": {
          "uid": "\(uid)", "kind": {"group": "", "version": "v1", "kind": "ConfigMap"},
          "resource": {"group": "", "version": "v1", "resource": "configmaps"},
          "namespace": "ml", "operation": "CREATE", "userInfo": {"username": "admin"},
          "object": \(object), "oldObject": null, "dryRun": false}}
        """
    }

    static let configMap = #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "ml"}}"#

    @Test(arguments: ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"])
    func echoesTheRequestUIDAndVersion(_ apiVersion: String) throws {
        let input = try CLIRunner.temporaryFile(
            "review.json",
            Self.review(apiVersion: apiVersion, uid: "e911857d-c318-11e8-bbad-025000000001", object: Self.configMap))
        defer { try? FileManager.default.removeItem(at: input.folder) }
        let run = try CLIRunner.run(["review", input.path])
        #expect(run.exitCode == 0)
        #expect(
            run.stdout
                == #"{"apiVersion":"\#(apiVersion)","kind":"AdmissionReview","response":{"uid":"e911857d-c318-11e8-bbad-025000000001","allowed":true}}"#
                + "\n")
    }

    @Test(arguments: ["validate", "mutate"])
    func readsStandardInputOnEitherEndpoint(_ endpoint: String) throws {
        let run = try CLIRunner.run(
            ["review", "--endpoint", endpoint],
            stdin: Self.review(apiVersion: "admission.k8s.io/v1", uid: "u-1", object: Self.configMap))
        #expect(run.exitCode == 0)
        #expect(
            run.stdout.hasPrefix(
                #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u-1""#))
    }

    struct BadReview: CustomTestStringConvertible, Sendable {
        var name: String
        var body: String
        var mentions: String
        var testDescription: String { name }
    }

    static let badReviews: [BadReview] = [
        .init(name: "not JSON", body: "apiVersion: v1\n", mentions: "not valid JSON"),
        .init(
            name: "no request", body: #"{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}"#,
            mentions: "no request"),
        .init(
            name: "unknown version", body: #"{"apiVersion": "admission.k8s.io/v2", "request": {"uid": "x"}}"#,
            mentions: "apiVersion"),
        .init(
            name: "request without uid", body: #"{"apiVersion": "admission.k8s.io/v1", "request": {}}"#, mentions: "uid"
        ),
    ]

    @Test(arguments: badReviews)
    func badInputExitsTwoWithTheReason(_ testCase: BadReview) throws {
        let run = try CLIRunner.run(["review", "-"], stdin: testCase.body)
        #expect(run.exitCode == 2)
        #expect(run.stderr.hasPrefix("fsx-webhook: <stdin>: "))
        #expect(run.stderr.contains(testCase.mentions))
        #expect(run.stdout.isEmpty)
    }

    @Test func missingFileExitsTwo() throws {
        let run = try CLIRunner.run(["review", "/nonexistent/review.json"])
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("cannot open"))
    }
}
