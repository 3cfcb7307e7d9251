import FSXTestSupport
import Foundation
import Testing

@testable import FSXCore

/// Bodies an attacker, a broken client or a bit flip could send, through the whole
/// decode-and-decide path (`AdmissionEngine.review(body:endpoint:)`). Each must end in a
/// `ReviewError` (the server's 400) or a response the apiserver accepts; never a crash.
/// The server-side attacks (slow clients, TLS garbage, sizes over the limit) are tested
/// against the running server; docs/reliability.md lists both.
@Suite("Hostile review bodies")
struct HostileReviewTests {
    static let engine = AdmissionEngine(configuration: .testing)

    /// An opted-in Job CREATE (it gets a patch), as the apiserver would send it.
    static func jobReview(
        object: JSONValue = Jobs.job(), operation: String = "CREATE", oldObject: JSONValue = nil
    )
        -> JSONValue
    {
        [
            "apiVersion": "admission.k8s.io/v1",
            "kind": "AdmissionReview",
            "request": [
                "uid": "5d1c0e4e-hostile",
                "kind": ["group": "batch", "version": "v1", "kind": "Job"],
                "namespace": "ml",
                "operation": .string(operation),
                "object": object,
                "oldObject": oldObject,
                "dryRun": false,
            ],
        ]
    }

    static let jobBody = JSONWriter.string(jobReview())

    /// Reviews `body` on `endpoint` and records every broken rule as a test issue.
    @discardableResult
    static func expectWellFormed(
        _ body: [UInt8], endpoint: AdmissionEngine.Endpoint = .mutate, engine: AdmissionEngine = engine,
        _ label: String = "", sourceLocation: SourceLocation = #_sourceLocation
    ) -> ReviewInvariants.Outcome {
        let (outcome, problems) = ReviewInvariants.check(body, engine: engine, endpoint: endpoint)
        #expect(problems.isEmpty, "\(label): \(problems)", sourceLocation: sourceLocation)
        return outcome
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    // MARK: - Nesting

    static let deep = 100_000

    @Test(arguments: [("[", "]"), ("{\"a\":", "}")])
    func refusesNestingFarPastTheLimitAsABody(_ open: String, _ close: String) {
        let body = String(repeating: open, count: Self.deep) + "1" + String(repeating: close, count: Self.deep)
        #expect(Self.expectWellFormed(Self.bytes(body)) == .refused(.invalidJSON))
    }

    @Test(arguments: [("[", "]"), ("{\"a\":", "}")])
    func refusesNestingFarPastTheLimitInsideTheObject(_ open: String, _ close: String) {
        let nested = String(repeating: open, count: Self.deep) + "1" + String(repeating: close, count: Self.deep)
        let body = Self.jobBody.replacingOccurrences(of: "\"backoffLimit\":2", with: "\"backoffLimit\":\(nested)")
        #expect(body.count > Self.deep)
        #expect(Self.expectWellFormed(Self.bytes(body)) == .refused(.invalidJSON))
        do {
            _ = try AdmissionReview.decode(Self.bytes(body))
        } catch {
            #expect(error.message.contains("nested deeper than \(JSONParser.maximumDepth) levels"))
        }
    }

    /// The deepest document the parser takes still goes through the decision (and the
    /// writer and equality, which recurse too): a wrong-typed affinity nested to the limit.
    @Test func judgesAnObjectNestedToTheLimit() throws {
        // `affinity` is a member of the sixth object (review, request, object, spec, template,
        // spec), so its arrays reach depth 6 + levels: exactly the limit.
        let levels = JSONParser.maximumDepth - 6
        let nested = String(repeating: "[", count: levels) + String(repeating: "]", count: levels)
        let body = Self.jobBody.replacingOccurrences(of: "\"restartPolicy\":\"Never\"", with: "\"affinity\":\(nested)")
        #expect(Self.expectWellFormed(Self.bytes(body)) == .answered(.denied))
        let deeper = Self.jobBody.replacingOccurrences(
            of: "\"restartPolicy\":\"Never\"", with: "\"affinity\":[\(nested)]")
        #expect(Self.expectWellFormed(Self.bytes(deeper)) == .refused(.invalidJSON))
    }

    // MARK: - Encoding

    static let invalidUTF8: [(String, [UInt8])] = [
        ("stray continuation byte", [0x80]),
        ("0xFF", [0xFF]),
        ("overlong slash", [0xC0, 0xAF]),
        ("encoded surrogate", [0xED, 0xA0, 0x80]),
        ("beyond U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
        ("truncated sequence", [0xE2, 0x82]),
    ]

    @Test(arguments: invalidUTF8)
    func refusesInvalidUTF8InKeysAndValues(_ name: String, _ sequence: [UInt8]) {
        for target in ["\"train\"", "\"fsx-webhook/inject\"", "\"uid\"", "\"trainer\""] {
            let original = Self.bytes(Self.jobBody)
            let quote = Self.bytes(target)
            guard let start = original.firstRange(of: quote)?.lowerBound else {
                Issue.record("\(target) is not in the body")
                continue
            }
            var body = original
            body.insert(contentsOf: sequence, at: start + 2)
            #expect(Self.expectWellFormed(body, "\(name) in \(target)") == .refused(.invalidJSON), "\(target)")
        }
    }

    @Test func takesEscapedUnicodeAndEchoesItIntact() throws {
        let uid = "uid-\\u00e9-\\ud83d\\ude00-\\u0000-\\u2028"
        let body = Self.jobBody.replacingOccurrences(of: "5d1c0e4e-hostile", with: uid)
        #expect(Self.expectWellFormed(Self.bytes(body)) == .answered(.patched))
        let reply = try Self.engine.review(body: Self.bytes(body), endpoint: .mutate)
        #expect(try JSONParser.parse(reply.body)["response"]?["uid"] == "uid-é-😀-\u{0}-\u{2028}")
    }

    @Test(arguments: ["\\ud800", "\\udc00", "\\ud800\\u0041", "\\u12", "\\x41", "\t"])
    func refusesBrokenEscapes(_ escape: String) {
        let body = Self.jobBody.replacingOccurrences(of: "5d1c0e4e-hostile", with: escape)
        #expect(Self.expectWellFormed(Self.bytes(body), escape) == .refused(.invalidJSON))
    }

    // MARK: - Numbers

    static let numbers = [
        "123456789012345678901234567890", "-9223372036854775809", "9223372036854775808", "1e999999", "-1e-999999",
        "0.0000000000000000000000000001", "-0", "1E+308", "4.9e-325",
    ]

    /// Numbers beyond Double and Int64 are kept as text: where the rules read a number they
    /// decide on it, elsewhere they pass through untouched.
    @Test(arguments: numbers)
    func keepsNumbersBeyondDoubleAndInt64(_ number: String) throws {
        let job = Self.jobBody.replacingOccurrences(of: "\"backoffLimit\":2", with: "\"backoffLimit\":\(number)")
        #expect(Self.expectWellFormed(Self.bytes(job)) == .answered(.patched))
        let parsed = try JSONParser.parse(job)
        #expect(parsed["request"]?["object"]?["spec"]?["backoffLimit"] == .number(number))

        // A preference weight, which placement reads.
        var preferred = Jobs.job(annotations: [("fsx-webhook/placement", "preferred")])
        Jobs.set(
            &preferred, Jobs.podSpecPointer.tokens + ["affinity", "nodeAffinity"],
            ["preferredDuringSchedulingIgnoredDuringExecution": [["weight": .number(number), "preference": [:]]]])
        Self.expectWellFormed(Array(JSONWriter.bytes(Self.jobReview(object: preferred))), number)

        // A StorageClass parameter written as a number is refused by name.
        let storageClass: JSONValue = [
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": [
                "uid": "sc", "operation": "CREATE",
                "object": [
                    "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": ["name": "fsx"],
                    "provisioner": "fsx.csi.aws.com",
                    "parameters": [
                        "subnetId": "subnet-0123456789abcdef0", "securityGroupIds": "sg-0123456789abcdef0",
                        "deploymentType": "PERSISTENT_2", "perUnitStorageThroughput": .number(number),
                    ],
                ],
            ],
        ]
        let outcome = Self.expectWellFormed(JSONWriter.bytes(storageClass), endpoint: .validate, number)
        #expect(outcome == .answered(.denied))
        // A number where the envelope needs a string or a boolean is a bad request.
        for field in ["uid", "dryRun", "operation"] {
            let body = Self.jobBody.replacingOccurrences(
                of: field == "uid"
                    ? "\"uid\":\"5d1c0e4e-hostile\""
                    : field == "dryRun"
                        ? "\"dryRun\":false"
                        : "\"operation\":\"CREATE\"",
                with: "\"\(field)\":\(number)")
            #expect(Self.expectWellFormed(Self.bytes(body), field) == .refused(.invalidRequest), "\(field)")
        }
    }

    // MARK: - Wrong types

    static let wrongValues: [JSONValue] = [true, .number("1e999"), "x", [], [:]]

    /// Every field of the envelope the decoder reads, and the type it must have.
    static let envelopeFields: [(field: String, type: String)] = [
        ("request", "object"), ("uid", "string"), ("kind", "object"), ("operation", "string"),
        ("object", "object"), ("oldObject", "object"), ("dryRun", "boolean"), ("namespace", "string"),
        ("name", "string"),
    ]

    @Test(arguments: envelopeFields)
    func refusesWrongTypesInTheEnvelope(_ field: String, _ type: String) {
        for value in Self.wrongValues where value.typeName != type {
            guard case .object(var review) = Self.jobReview(), case .object(var request)? = review["request"] else {
                Issue.record("the review is not an object")
                return
            }
            if field == "request" {
                review["request"] = value
            } else {
                request[field] = value
                review["request"] = .object(request)
            }
            let outcome = Self.expectWellFormed(JSONWriter.bytes(.object(review)), "\(field) = \(value)")
            #expect(outcome == .refused(.invalidRequest), "\(field) as \(value.typeName)")
        }
    }

    /// Fields the decisions read, below the object, with the type each must have; a wrong
    /// type denies the object by name (WorkloadHostileInputTests checks each field path).
    /// `spec.csi` is the exception: a PV whose CSI source cannot be read is not known to be
    /// an FSx volume, so it is left to the apiserver's own validation, which refuses it.
    static let objectFields: [(kind: String, path: [String], type: String, denied: Bool)] = [
        ("Job", ["metadata"], "object", true), ("Job", ["metadata", "labels"], "object", true),
        ("Job", ["metadata", "labels", "fsx-webhook/inject"], "string", true),
        ("Job", ["metadata", "annotations"], "object", true),
        ("Job", ["metadata", "annotations", "fsx-webhook/volumes"], "string", true),
        ("Job", ["spec"], "object", true), ("Job", ["spec", "template"], "object", true),
        ("Job", ["spec", "template", "spec"], "object", true),
        ("Job", ["spec", "template", "spec", "containers"], "array", true),
        ("Job", ["spec", "template", "spec", "containers", "0"], "object", true),
        ("Job", ["spec", "template", "spec", "containers", "0", "name"], "string", true),
        ("Job", ["spec", "template", "spec", "containers", "0", "volumeMounts"], "array", true),
        ("Job", ["spec", "template", "spec", "initContainers"], "array", true),
        ("Job", ["spec", "template", "spec", "volumes"], "array", true),
        ("Job", ["spec", "template", "spec", "affinity"], "object", true),
        ("Job", ["spec", "template", "spec", "affinity", "nodeAffinity"], "object", true),
        ("Job", ["spec", "template", "spec", "nodeSelector"], "object", true),
        ("StorageClass", ["parameters"], "object", true), ("StorageClass", ["parameters", "subnetId"], "string", true),
        ("StorageClass", ["mountOptions"], "array", true),
        ("PersistentVolume", ["spec", "csi"], "object", false),
        ("PersistentVolume", ["spec", "csi", "volumeHandle"], "string", true),
        ("PersistentVolume", ["spec", "csi", "volumeAttributes"], "object", true),
        ("PersistentVolume", ["spec", "mountOptions"], "array", true),
    ]

    static func object(ofKind kind: String) -> JSONValue {
        switch kind {
        case "StorageClass":
            return [
                "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": ["name": "fsx"],
                "provisioner": "fsx.csi.aws.com",
                "parameters": [
                    "subnetId": "subnet-0123456789abcdef0", "securityGroupIds": "sg-0123456789abcdef0",
                    "deploymentType": "SCRATCH_2",
                ],
                "mountOptions": ["flock"],
            ]
        case "PersistentVolume":
            return [
                "apiVersion": "v1", "kind": "PersistentVolume", "metadata": ["name": "fsx-pv"],
                "spec": [
                    "capacity": ["storage": "1200Gi"], "accessModes": ["ReadWriteMany"], "mountOptions": ["flock"],
                    "csi": [
                        "driver": "fsx.csi.aws.com", "volumeHandle": "fs-0123456789abcdef0",
                        "volumeAttributes": [
                            "dnsname": "fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com", "mountname": "abcdefgh",
                        ],
                    ],
                ],
            ]
        default:
            var job = Jobs.job(
                podSpec: Jobs.podSpec(containers: [Jobs.container("trainer", mounts: [("cache", "/cache")])]))
            Jobs.set(&job, Jobs.podSpecPointer.tokens + ["volumes"], [Jobs.claimVolume("cache", claim: "cache")])
            return job
        }
    }

    @Test(arguments: objectFields)
    func deniesWrongTypesInsideTheObject(_ kind: String, _ path: [String], _ type: String, _ denied: Bool) {
        let original = Self.object(ofKind: kind)
        let endpoint = AdmissionEngine.endpoint(for: ObjectType(of: original))
        for value in Self.wrongValues where value.typeName != type {
            var object = original
            Jobs.set(&object, path, value)
            let review = Self.jobReview(object: object)
            let outcome = Self.expectWellFormed(JSONWriter.bytes(review), endpoint: endpoint, "\(path) = \(value)")
            let expected: ReviewInvariants.Outcome = .answered(denied ? .denied : .allowed)
            #expect(outcome == expected, "\(kind) \(path.joined(separator: ".")) as \(value.typeName)")
        }
    }

    // MARK: - Duplicate keys

    /// The last duplicate wins, as in Go's encoding/json, which the apiserver uses.
    @Test func lastDuplicateKeyWins() throws {
        let optedOut = Self.jobBody.replacingOccurrences(
            of: "\"fsx-webhook/inject\":\"true\"", with: "\"fsx-webhook/inject\":\"true\",\"fsx-webhook/inject\":\"no\""
        )
        #expect(Self.expectWellFormed(Self.bytes(optedOut)) == .answered(.allowed))
        let optedIn = Self.jobBody.replacingOccurrences(
            of: "\"fsx-webhook/inject\":\"true\"", with: "\"fsx-webhook/inject\":\"no\",\"fsx-webhook/inject\":\"true\""
        )
        #expect(Self.expectWellFormed(Self.bytes(optedIn)) == .answered(.patched))
        let uid = Self.jobBody.replacingOccurrences(of: "\"uid\":", with: "\"uid\":7,\"uid\":")
        let reply = try Self.engine.review(body: Self.bytes(uid), endpoint: .mutate)
        #expect(try JSONParser.parse(reply.body)["response"]?["uid"] == "5d1c0e4e-hostile")
        let request = Self.jobBody.dropLast() + ",\"request\":{\"uid\":\"second\",\"object\":null}}"
        let second = try Self.engine.review(body: Self.bytes(String(request)), endpoint: .mutate)
        #expect(try JSONParser.parse(second.body)["response"]?["uid"] == "second")
        #expect(second.decision.outcome == .allowed)
    }

    /// Past a few dozen members the parser finds duplicates through a hash index; the
    /// result must be the same as the scan's: one member per key, the last value, first place.
    @Test(arguments: [3, 40, 5_000])
    func wideObjectsKeepOneMemberPerKey(_ count: Int) throws {
        var text = "{"
        for index in 0..<count { text += "\"k\(index)\":\(index)," }
        text += "\"k0\":\"last\",\"k\(count - 1)\":\"also last\",\"k\(count / 2)\":null}"
        let object = try #require(try JSONParser.parse(text).objectValue)
        #expect(object.count == count)
        #expect(object.members.first == JSONObject.Member(key: "k0", value: "last"))
        #expect(object["k\(count - 1)"] == "also last")
        #expect(object["k\(count / 2)"] == .null)
        #expect(object.keys == (0..<count).map { "k\($0)" })
        // Equality ignores member order, whichever way it compares.
        let reversed = JSONObject(object.members.reversed())
        #expect(reversed == object)
        var changed = reversed
        changed["k1"] = "changed"
        #expect(changed != object)
        changed["k1"] = nil
        changed["other"] = object["k1"]
        #expect(changed != object)
    }

    // MARK: - Empty and truncated bodies

    @Test(arguments: [
        ("", ReviewError.Reason.invalidJSON), ("   \n", .invalidJSON), ("null", .notAdmissionReview),
        ("[]", .notAdmissionReview), ("{}", .notAdmissionReview), ("0", .notAdmissionReview),
        ("\"AdmissionReview\"", .notAdmissionReview), ("\u{FEFF}{}", .invalidJSON),
        ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}", .missingRequest),
        ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":null}", .missingRequest),
        ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}", .invalidRequest),
        ("{\"apiVersion\":\"admission.k8s.io/v2\",\"kind\":\"AdmissionReview\",\"request\":{}}", .notAdmissionReview),
    ])
    func refusesEmptyAndTrivialBodies(_ body: String, _ reason: ReviewError.Reason) {
        #expect(Self.expectWellFormed(Self.bytes(body)) == .refused(reason))
    }

    typealias GoldenBody = (name: String, body: [UInt8], engine: AdmissionEngine, endpoint: AdmissionEngine.Endpoint)

    /// Each golden request in compact form, with its case's configuration and endpoint.
    static let golden: [GoldenBody] = GoldenReviewTests.cases.compactMap { name -> GoldenBody? in
        let directory = GoldenReviewTests.directory.appendingPathComponent(name)
        guard let body = try? Data(contentsOf: directory.appendingPathComponent("request.json")),
            let request = try? JSONParser.parse(Array(body))
        else { return nil }
        let configuration =
            (try? Data(contentsOf: directory.appendingPathComponent("config.json")))
            .flatMap { try? JSONParser.parse(Array($0)) }
            .flatMap { try? WebhookConfiguration(json: $0) } ?? .default
        let kind = request["request"]?["kind"]?["kind"]?.stringValue ?? ""
        return (
            name, JSONWriter.bytes(request), AdmissionEngine(configuration: configuration),
            AdmissionEngine.endpoint(
                for: ObjectType(
                    group: request["request"]?["kind"]?["group"]?.stringValue ?? "", version: "", kind: kind))
        )
    }

    /// A connection cut anywhere: every proper prefix of a golden request is refused as
    /// invalid JSON, up to the closing brace; past it only whitespace is missing.
    @Test func refusesGoldenRequestsTruncatedAtEveryByte() throws {
        #expect(Self.golden.count == GoldenReviewTests.cases.count)
        var refused = 0
        for (name, body, engine, endpoint) in Self.golden {
            let end = try #require(body.lastIndex(of: UInt8(ascii: "}")))
            for length in 0..<body.count {
                let outcome = Self.expectWellFormed(
                    Array(body[..<length]), endpoint: endpoint, engine: engine, "\(name) cut at \(length)")
                if length <= end {
                    #expect(outcome == .refused(.invalidJSON), "\(name) cut at \(length)")
                    refused += 1
                } else {
                    #expect(outcome != .refused(.invalidJSON), "\(name) cut at \(length)")
                }
            }
        }
        #expect(refused > 20_000)
    }

    // MARK: - Random mutations

    static let tokens: [[UInt8]] =
        [
            "\"", "{", "}", "[", "]", ",", ":", "null", "true", "-1e999", "\\u0000", "\\ud800", "\"\":", "0",
            "{\"a\":[", "\"fsx-webhook/inject\":\"true\"", "\"CREATE\"", "\"UPDATE\"",
        ].map { Array($0.utf8) } + [[0xFF], [0xC0, 0xAF], [0x00], [0x7F]]

    static func mutate(_ body: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = body
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let at = Int.random(in: 0..<max(bytes.count, 1), using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where !bytes.isEmpty: bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &random), at: min(at, bytes.count))
            case 2 where !bytes.isEmpty: bytes.remove(at: at)
            case 3: bytes.insert(contentsOf: tokens.randomElement(using: &random)!, at: min(at, bytes.count))
            case 4 where at < bytes.count:
                // Duplicate a slice elsewhere: repeated members, keys and brackets.
                let length = Int.random(in: 1...64, using: &random)
                let slice = bytes[at..<min(at + length, bytes.count)]
                bytes.insert(contentsOf: slice, at: Int.random(in: 0...bytes.count, using: &random))
            default:
                // Swap a string's content for another byte of the same kind: names change
                // but the document often still parses, so the decisions run on it.
                if let quote = bytes[min(at, bytes.count)...].firstIndex(of: UInt8(ascii: "\"")),
                    quote + 1 < bytes.count, bytes[quote + 1] != UInt8(ascii: "\"")
                {
                    bytes[quote + 1] = UInt8.random(in: 0x61...0x7A, using: &random)
                }
            }
        }
        return bytes
    }

    @Test func survivesThousandsOfSeededMutationsOfGoldenRequests() {
        var random = SeededGenerator(seed: 0x00C0_FFEE_5EED)
        var (reviews, invalidJSON, answered, patched) = (0, 0, 0, 0)
        for (name, body, engine, endpoint) in Self.golden {
            for round in 0..<200 {
                let mutated = Self.mutate(body, using: &random)
                for endpoint in Set([endpoint, .mutate]) {
                    let outcome = Self.expectWellFormed(
                        mutated, endpoint: endpoint, engine: engine, "\(name) mutation \(round)")
                    reviews += 1
                    switch outcome {
                    case .refused(.invalidJSON): invalidJSON += 1
                    case .refused: break
                    case .answered(let decision):
                        answered += 1
                        if decision == .patched { patched += 1 }
                    }
                }
            }
        }
        // Both branches are exercised: many mutations stay valid JSON and are decided.
        #expect(reviews >= 4_600)
        #expect(invalidJSON > 1_000, "\(invalidJSON) of \(reviews) refused as invalid JSON")
        #expect(answered > 1_000, "\(answered) of \(reviews) answered")
        #expect(patched > 100, "\(patched) of \(reviews) patched")
    }

    // MARK: - Size

    /// The largest body the server takes (7 MiB: an UPDATE carries two objects of up to 3 MiB;
    /// docs/reliability.md, "Limits and why"): decoded and decided whole.
    @Test func decidesASevenMiBUpdate() throws {
        let env: [JSONValue] = (0..<12_000).map { index in
            ["name": .string("VARIABLE_\(index)"), "value": .string(String(repeating: "v", count: 240))]
        }
        var job = Jobs.job(
            podSpec: Jobs.podSpec(containers: [["name": "trainer", "image": "t:1", "env": .array(env)]]))
        let review = Self.jobReview(object: job, operation: "UPDATE", oldObject: job)
        let body = JSONWriter.bytes(review)
        #expect(body.count > 6 * 1024 * 1024 && body.count < 7 * 1024 * 1024, "\(body.count) bytes")
        // UPDATE: pod templates are immutable, so nothing is added.
        #expect(Self.expectWellFormed(body) == .answered(.allowed))

        // The same size as a CREATE: decided, and one patch for the whole pod spec.
        Jobs.set(&job, ["metadata", "annotations"], ["fsx-webhook/volumes": "training-data,checkpoints"])
        let create = JSONWriter.bytes(Self.jobReview(object: job))
        #expect(Self.expectWellFormed(create) == .answered(.patched))
    }

    // MARK: - Bounded reports

    /// A list of a hundred thousand bad items gets a few lines, not one each: every line costs
    /// a suggestion search, and the apiserver keeps only 4 KiB of warnings anyway.
    @Test func countsTheRestOfLongListsInOneLine() throws {
        // Enough to show the cap; the objects are built through test helpers that are
        // quadratic in the number of members, so not the hundred thousand of an attack.
        let many = 2_000
        let names = (0..<many).map { "volume-\($0)" }.joined(separator: ",")
        let volumes = Jobs.job(annotations: [("fsx-webhook/volumes", names)])
        let volumesDecision = Self.engine.decide(AdmissionRequest(creating: volumes))
        #expect(volumesDecision.denials.count == Violation.reportedPerList + 1)
        #expect(volumesDecision.denials.last?.message.contains("\(many - Violation.reportedPerList) more") == true)

        let containers = Jobs.job(annotations: [
            ("fsx-webhook/containers", (0..<many).map { "c\($0)" }.joined(separator: ","))
        ])
        #expect(
            Self.engine.decide(AdmissionRequest(creating: containers)).denials.count == Violation.reportedPerList + 1)

        var storageClass = Self.object(ofKind: "StorageClass")
        Jobs.set(&storageClass, ["mountOptions"], .array((0..<many).map { .string("option\($0)") }))
        let options = Self.engine.decide(AdmissionRequest(creating: storageClass))
        #expect(options.warnings.filter { $0.rule == "mount-options" }.count == Violation.reportedPerList + 1)

        var parameters = Self.object(ofKind: "StorageClass")
        let unknownKeys = (0..<many).map { "\"unknown\($0)\":\"x\"" }.joined(separator: ",")
        Jobs.set(&parameters, ["parameters"], Jobs.parse("{\"deploymentType\":\"SCRATCH_2\",\(unknownKeys)}"))
        let unknown = Self.engine.decide(AdmissionRequest(creating: parameters))
        #expect(unknown.warnings.filter { $0.rule == "unknown-parameter" }.count == Violation.reportedPerList + 1)

        // Wrong types are all denied, and the message counts past the first reasons.
        let labels = Jobs.job(
            labels: [("fsx-webhook/inject", "true")] + (0..<many).map { ("label-\($0)", .number(String($0))) })
        let body = JSONWriter.bytes(Self.jobReview(object: labels))
        #expect(Self.expectWellFormed(body) == .answered(.denied))
        let reply = try Self.engine.review(body: body, endpoint: .mutate)
        #expect(reply.decision.denials.count == many)
        let message = try #require(try JSONParser.parse(reply.body)["response"]?["status"]?["message"]?.stringValue)
        #expect(message.hasSuffix("and \(many - Decision.reasonsShown) more"))
        #expect(message.utf8.count < 16 * 1024)
    }

    @Test func keepsWarningsUnderTheApiserversLimit() {
        let warnings = (0..<500).map { Violation.warn("mount-options", "mountOptions[\($0)]", "warning \($0)") }
        let lines = AdmissionReview.warningLines(warnings + warnings)
        #expect(lines.count == AdmissionReview.warningsShown + 1)
        #expect(lines.last == "and \(500 - AdmissionReview.warningsShown) more warnings")
        #expect(lines.joined().utf8.count < 4096)
    }
}
