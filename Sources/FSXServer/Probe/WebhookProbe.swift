import FSXCore

/// `fsx-webhook probe`: two reviews a working webhook must answer in a known way.
///
/// A known-bad StorageClass (the PERSISTENT_2 class linked to S3 of
/// examples/broken/storageclass-seed-persistent2-s3.yaml, which AWS refuses)
/// must be denied, or under `validation.enforcement: warn` allowed with a "would deny:"
/// warning; a known-good one (SCRATCH_2 with every setting given) must be allowed without
/// any warning. Both are dry runs, named so that a log line shows where they came from.
public enum WebhookProbe {
    /// One judged exchange.
    public struct Check: Sendable, Equatable {
        public var name: String
        public var passed: Bool
        /// What was seen, in one line.
        public var detail: String
    }

    static let badClass: JSONValue = [
        "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
        "metadata": ["name": "fsx-webhook-probe-known-bad"],
        "provisioner": "fsx.csi.aws.com",
        "parameters": [
            "subnetId": "subnet-0123456789abcdef0", "securityGroupIds": "sg-0123456789abcdef0",
            "deploymentType": "PERSISTENT_2", "perUnitStorageThroughput": "250",
            "s3ImportPath": "s3://ml-training-data", "fileSystemTypeVersion": "2.15",
        ],
    ]

    static let goodClass: JSONValue = [
        "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
        "metadata": ["name": "fsx-webhook-probe-known-good"],
        "provisioner": "fsx.csi.aws.com",
        "parameters": [
            "subnetId": "subnet-0123456789abcdef0", "securityGroupIds": "sg-0123456789abcdef0",
            "deploymentType": "SCRATCH_2", "fileSystemTypeVersion": "2.15",
        ],
    ]

    /// The AdmissionReview the apiserver would send for a dry-run CREATE of `object`.
    public static func review(of object: JSONValue, uid: String) -> [UInt8] {
        let name = object["metadata"]?["name"] ?? ""
        return JSONWriter.bytes([
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": [
                "uid": .string(uid),
                "kind": ["group": "storage.k8s.io", "version": "v1", "kind": "StorageClass"],
                "resource": ["group": "storage.k8s.io", "version": "v1", "resource": "storageclasses"],
                "operation": "CREATE", "name": name, "object": object, "dryRun": true,
                "userInfo": ["username": "fsx-webhook-probe"],
            ],
        ])
    }

    public static let badReview = review(of: badClass, uid: "fsx-webhook-probe-known-bad")
    public static let goodReview = review(of: goodClass, uid: "fsx-webhook-probe-known-good")

    /// Sends both reviews and judges the answers; throws only when the webhook cannot be
    /// reached at all.
    public static func run(_ client: ProbeClient) async throws(ProbeError) -> [Check] {
        let bad = try await client.post(badReview)
        let good = try await client.post(goodReview)
        return [judgeBad(bad), judgeGood(good)]
    }

    /// The known-bad class: denied, or allowed with a "would deny:" warning.
    public static func judgeBad(_ reply: ProbeClient.Response) -> Check {
        let name = "known-bad StorageClass"
        let response: Answer
        switch Answer.read(reply, uid: "fsx-webhook-probe-known-bad") {
        case .broken(let why): return Check(name: name, passed: false, detail: why)
        case .answer(let answer): response = answer
        }
        if !response.allowed {
            return Check(name: name, passed: true, detail: "denied: \(response.message)")
        }
        if let staged = response.warnings.first(where: { $0.hasPrefix("would deny: ") }) {
            return Check(name: name, passed: true, detail: "allowed under enforcement warn: \(staged)")
        }
        let said = response.warnings.isEmpty ? "no warning" : "warnings: \(response.warnings.joined(separator: "; "))"
        return Check(
            name: name, passed: false,
            detail:
                "allowed (\(said)); the webhook should deny a PERSISTENT_2 class with s3ImportPath (is s3-on-p2 off in validation.rules, or the request not reaching fsx-webhook?)"
        )
    }

    /// The known-good class: allowed without a warning.
    public static func judgeGood(_ reply: ProbeClient.Response) -> Check {
        let name = "known-good StorageClass"
        switch Answer.read(reply, uid: "fsx-webhook-probe-known-good") {
        case .broken(let why):
            return Check(name: name, passed: false, detail: why)
        case .answer(let response) where !response.allowed:
            return Check(name: name, passed: false, detail: "denied: \(response.message)")
        case .answer(let response) where !response.warnings.isEmpty:
            return Check(
                name: name, passed: false,
                detail: "allowed with warnings: \(response.warnings.joined(separator: "; "))")
        case .answer:
            return Check(name: name, passed: true, detail: "allowed without warnings")
        }
    }

    /// The parts of a response AdmissionReview the judgement reads.
    struct Answer {
        var allowed: Bool
        var message: String
        var warnings: [String]

        enum Read {
            case answer(Answer)
            /// Not an answer that can be judged, and why.
            case broken(String)
        }

        static func read(_ reply: ProbeClient.Response, uid: String) -> Read {
            let excerpt = String(decoding: reply.body.prefix(300), as: UTF8.self)
            guard reply.status == 200 else { return .broken("HTTP \(reply.status) instead of 200: \(excerpt)") }
            guard let json = try? JSONParser.parse(reply.body), let response = json["response"],
                let allowed = response["allowed"]?.boolValue
            else {
                return .broken("the answer is not an AdmissionReview response: \(excerpt)")
            }
            guard response["uid"]?.stringValue == uid else {
                return .broken("the answer carries uid \(response["uid"]?.stringValue ?? "none"), not \(uid)")
            }
            let warnings = response["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let message = response["status"]?["message"]?.stringValue ?? ""
            return .answer(Answer(allowed: allowed, message: message, warnings: warnings))
        }
    }
}
