// libFuzzer target for the decode-and-decide path: bytes in as a request body, through
// `AdmissionEngine.review(body:endpoint:)` on both endpoints, and, whenever a response comes
// back, the checks the apiserver would make on it. A crash, or any broken invariant (which
// ends in `fatalError`), is a finding; a `ReviewError` is a normal outcome.
//
// Built and run by scripts/fuzz.sh; see docs/reliability.md.

import FSXCore

/// The configuration most findings need: three volumes in two zones, one reached through
/// its subnet, a default volume, required placement. Built in code (as the golden cases'
/// config.json) so the target needs no file.
let requiredPlacement = WebhookConfiguration(
    volumes: [
        .init(
            name: "training-data", claimName: "training-data", mountPath: "/data", readOnly: true,
            subnetId: "subnet-0123456789abcdef0", zone: "us-west-2a"),
        .init(name: "checkpoints", claimName: "checkpoint-storage", mountPath: "/checkpoints", zone: "us-west-2a"),
        .init(name: "scratch-b", claimName: "scratch-b", mountPath: "/scratch", zone: "us-west-2b"),
    ],
    defaultVolumes: ["training-data"],
    zones: ["subnet-0123456789abcdef0": "us-west-2a"],
    placement: .required)

/// The other branches of the configuration: preferred placement, no default volume, and
/// unknown StorageClass parameters denied rather than warned about.
let preferredPlacement = WebhookConfiguration(
    volumes: requiredPlacement.volumes,
    defaultVolumes: [],
    zones: requiredPlacement.zones,
    placement: .preferred,
    unknownParameters: .deny)

let engines = [AdmissionEngine(configuration: requiredPlacement), AdmissionEngine(configuration: preferredPlacement)]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReview(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = UnsafeBufferPointer(start: data, count: size)
    checkParserRoundTrip(body)
    for engine in engines {
        for endpoint in [AdmissionEngine.Endpoint.mutate, .validate] {
            let reply: ReviewReply
            do {
                reply = try engine.review(body: body, endpoint: endpoint)
            } catch {
                check(!error.message.isEmpty, "a ReviewError without a message", body)
                check((try? JSONParser.parse(error.body))?["code"] == 400, "error body is not a 400 Status", body)
                continue
            }
            checkReply(reply, body: body, engine: engine, endpoint: endpoint)
        }
    }
    return 0
}

/// Whatever parses must survive writing and parsing again unchanged: the server relies on
/// `JSONWriter` to hand the apiserver exactly the values it read.
func checkParserRoundTrip(_ body: UnsafeBufferPointer<UInt8>) {
    guard let value = try? JSONParser.parse(body) else { return }
    let written = JSONWriter.bytes(value)
    guard let again = try? JSONParser.parse(written) else {
        fail("writer output does not parse: \(String(decoding: written, as: UTF8.self))", body)
    }
    check(again == value, "value changed through writer and parser", body)
    check(JSONWriter.bytes(again) == written, "writer is not deterministic", body)
}

func checkReply(
    _ reply: ReviewReply, body: UnsafeBufferPointer<UInt8>, engine: AdmissionEngine, endpoint: AdmissionEngine.Endpoint
) {
    // The apiserver parses the bytes the server writes, not our in-memory value.
    let bytes = reply.body
    guard let review = try? JSONParser.parse(bytes) else {
        fail("response is not valid JSON: \(String(decoding: bytes, as: UTF8.self))", body)
    }
    guard let request = try? JSONParser.parse(body) else { fail("decoded a body that does not parse", body) }
    check(review["apiVersion"] == request["apiVersion"], "apiVersion not echoed", body)
    check(review["kind"] == "AdmissionReview", "kind is not AdmissionReview", body)
    guard let response = review["response"]?.objectValue else { fail("no response object", body) }
    check(response["uid"] == request["request"]?["uid"], "uid not echoed", body)
    guard case .bool(let allowed)? = response["allowed"] else { fail("allowed is not a boolean", body) }
    check(allowed == reply.decision.isAllowed, "allowed differs from the decision", body)

    if !allowed {
        check(response["status"]?["code"] == 403, "denial without status.code 403", body)
        let message = response["status"]?["message"]?.stringValue ?? ""
        check(!message.isEmpty, "denial without a message", body)
    }

    if let warnings = response["warnings"] {
        guard let lines = warnings.arrayValue, !lines.isEmpty else { fail("warnings is not a non-empty array", body) }
        var seen: Set<String> = []
        for line in lines {
            guard let text = line.stringValue else { fail("a warning is not a string", body) }
            // The apiserver drops a warning with a control character whole.
            check(!text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "control character", body)
            check(seen.insert(text).inserted, "duplicate warning \(text)", body)
        }
    }

    let patchText = response["patch"]
    check((patchText == nil) == (response["patchType"] == nil), "patch and patchType not together", body)
    guard let patchText else { return }
    check(endpoint == .mutate, "a patch on /validate", body)
    check(allowed, "a patch on a denial", body)
    check(response["patchType"] == "JSONPatch", "patchType is not JSONPatch", body)
    guard let encoded = patchText.stringValue, let decoded = Base64.decode(encoded),
        Base64.encode(decoded) == encoded
    else { fail("patch is not canonical base64", body) }
    guard let operations = try? JSONParser.parse(decoded), let list = operations.arrayValue, !list.isEmpty else {
        fail("patch is not a non-empty JSON array", body)
    }
    for operation in list {
        check(operation["op"] == "add", "an operation other than add: \(JSONWriter.string(operation))", body)
        check(operation["value"] != nil, "an add without a value", body)
    }
    guard let object = request["request"]?["object"] else { fail("a patch for no object", body) }
    let patched: JSONValue
    do {
        patched = try JSONPatchApplier.apply(operations, to: object)
    } catch {
        fail("patch does not apply: \(error); patch \(JSONWriter.string(operations))", body)
    }

    // Reinvocation (reinvocationPolicy: IfNeeded) sends the patched object back: it must be
    // allowed, and nothing may be missing any more.
    guard case .object(var reviewObject) = request, case .object(var inner)? = request["request"] else {
        fail("request is not an object", body)
    }
    inner["object"] = patched
    reviewObject["request"] = .object(inner)
    let second: ReviewReply
    do {
        second = try engine.review(body: JSONWriter.bytes(.object(reviewObject)), endpoint: .mutate)
    } catch {
        fail("the patched review is refused: \(error)", body)
    }
    check(second.decision.isAllowed, "the patched object is denied: \(second.decision.denialMessage)", body)
    check(
        second.decision.patch.isEmpty,
        "a second patch after the first: \(JSONWriter.string(second.decision.patch.json))", body)
}

func check(_ condition: Bool, _ message: @autoclosure () -> String, _ body: UnsafeBufferPointer<UInt8>) {
    if !condition { fail(message(), body) }
}

func fail(_ message: String, _ body: UnsafeBufferPointer<UInt8>) -> Never {
    fatalError("invariant broken: \(message)\ninput: \(String(decoding: body.prefix(4096), as: UTF8.self))")
}
