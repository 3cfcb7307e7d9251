import FSXCore

/// What the apiserver requires of any answer to any body (docs/reliability.md), checked
/// from the bytes the server writes, independently of how the engine reached its decision.
/// Fuzz/ReviewFuzzer checks the same rules on every input it generates.
enum ReviewInvariants {
    /// The outcome of one body on one endpoint.
    enum Outcome: Equatable {
        case refused(ReviewError.Reason)
        case answered(Decision.Outcome)
    }

    /// Reviews `body` and returns its outcome and every broken rule, as readable lines.
    static func check(
        _ body: [UInt8], engine: AdmissionEngine, endpoint: AdmissionEngine.Endpoint
    ) -> (outcome: Outcome, problems: [String]) {
        let reply: ReviewReply
        do {
            reply = try engine.review(body: body, endpoint: endpoint)
        } catch {
            var problems: [String] = []
            if error.message.isEmpty { problems.append("a ReviewError without a message") }
            if (try? JSONParser.parse(error.body))?["code"] != 400 { problems.append("error body is not a 400 Status") }
            return (.refused(error.reason), problems)
        }
        return (.answered(reply.decision.outcome), problems(in: reply, body: body, engine: engine, endpoint: endpoint))
    }

    static func problems(
        in reply: ReviewReply, body: [UInt8], engine: AdmissionEngine, endpoint: AdmissionEngine.Endpoint
    ) -> [String] {
        guard let review = try? JSONParser.parse(reply.body) else { return ["response is not valid JSON"] }
        guard let request = try? JSONParser.parse(body) else { return ["a body that does not parse was answered"] }
        var problems: [String] = []
        if review["apiVersion"] != request["apiVersion"] { problems.append("apiVersion not echoed") }
        if review["kind"] != "AdmissionReview" { problems.append("kind is not AdmissionReview") }
        guard let response = review["response"]?.objectValue else { return problems + ["no response object"] }
        if response["uid"] != request["request"]?["uid"] { problems.append("uid not echoed") }
        guard case .bool(let allowed)? = response["allowed"] else { return problems + ["allowed is not a boolean"] }
        if !allowed {
            if response["status"]?["code"] != 403 { problems.append("denial without status.code 403") }
            if (response["status"]?["message"]?.stringValue ?? "").isEmpty { problems.append("denial without message") }
        }
        for line in response["warnings"]?.arrayValue ?? [] {
            guard let text = line.stringValue else { return problems + ["a warning is not a string"] }
            if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                problems.append("a warning with a control character, which the apiserver drops")
            }
        }
        if (response["patch"] == nil) != (response["patchType"] == nil) { problems.append("patch without patchType") }
        guard let encoded = response["patch"] else { return problems }
        if endpoint == .validate { problems.append("a patch on /validate") }
        if !allowed { problems.append("a patch on a denial") }
        guard let text = encoded.stringValue, let bytes = Base64.decode(text),
            let operations = try? JSONParser.parse(bytes), let list = operations.arrayValue
        else { return problems + ["patch is not base64 of a JSON array"] }
        if list.contains(where: { $0["op"] != "add" }) { problems.append("an operation other than add") }
        guard let object = request["request"]?["object"],
            let patched = try? JSONPatchApplier.apply(operations, to: object)
        else { return problems + ["patch does not apply to the object"] }

        // Reinvocation sends the patched object back: allowed, and nothing more to add.
        guard case .object(var outer) = request, case .object(var inner)? = request["request"] else {
            return problems + ["request is not an object"]
        }
        inner["object"] = patched
        outer["request"] = .object(inner)
        guard let second = try? engine.review(body: JSONWriter.bytes(.object(outer)), endpoint: .mutate) else {
            return problems + ["the patched review is refused"]
        }
        if !second.decision.isAllowed { problems.append("the patched object is denied") }
        if !second.decision.patch.isEmpty { problems.append("a second patch after the first") }
        return problems
    }
}
