import FSXJSON

/// The AdmissionReview envelope: reading requests and writing responses.
public enum AdmissionReview {
    /// The versions the apiserver may send; the response carries the same one.
    public enum Version: String, Sendable {
        case v1 = "admission.k8s.io/v1"
        case v1beta1 = "admission.k8s.io/v1beta1"
    }

    /// Decodes a request body. Only the envelope and the fields in `AdmissionRequest` are
    /// interpreted; anything wrong with them is a `ReviewError` (the server answers 400).
    /// The request's objects are built whole (the server's review reads them in place).
    public static func decode(_ body: some Collection<UInt8>) throws(ReviewError) -> (Version, AdmissionRequest) {
        try AdmissionEngine.withScannedBody(body) { root throws(ReviewError) in
            let (version, envelope, object, oldObject) = try decodeEnvelope(root)
            var request = envelope
            request.object = object.map { JSONValue($0) }
            request.oldObject = oldObject.map { JSONValue($0) }
            return (version, request)
        }
    }

    /// The envelope read in place: the version, the request without its objects, and views
    /// of `object` and `oldObject`. The checks run in a fixed order, so a body with several
    /// problems always gets the same error.
    static func decodeEnvelope(
        _ root: JSONView
    ) throws(ReviewError) -> (Version, AdmissionRequest, object: JSONView?, oldObject: JSONView?) {
        guard root.isObject else {
            throw ReviewError(.notAdmissionReview, "body is a JSON \(root.typeName), not an AdmissionReview object")
        }
        let apiVersionView = root["apiVersion"]
        guard let version = [Version.v1, .v1beta1].first(where: { apiVersionView?.isString($0.rawValue) == true })
        else {
            let found = apiVersionView.map { JSONWriter.string(JSONValue($0)) } ?? "nothing"
            throw ReviewError(
                .notAdmissionReview,
                "apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1, found \(Violation.quote(found))")
        }
        if let kind = root["kind"], !kind.isString("AdmissionReview") {
            throw ReviewError(
                .notAdmissionReview,
                "kind must be AdmissionReview, found \(Violation.quote(JSONWriter.string(JSONValue(kind))))")
        }
        guard let request = root["request"], request.isObject else {
            guard let request = root["request"], !request.isNull else {
                throw ReviewError(.missingRequest, "AdmissionReview has no request")
            }
            throw ReviewError(.invalidRequest, "request must be an object, found a \(request.typeName)")
        }
        guard let uid = request["uid"]?.string, !uid.isEmpty else {
            throw ReviewError(.invalidRequest, "request.uid must be a non-empty string")
        }
        // The uid is echoed in the response: unbounded, a client chooses the size of every
        // answer it makes the server hold.
        guard uid.utf8.count <= maximumUIDLength else {
            throw ReviewError(
                .invalidRequest,
                "request.uid is \(uid.utf8.count) bytes; the limit is \(maximumUIDLength) (the apiserver sends a 36-character UID)"
            )
        }
        let operation = try optionalString(request["operation"], "operation") ?? ""
        let kind = request["kind"].flatMap { $0.isNull ? nil : $0 }
        if let kind, !kind.isObject {
            throw ReviewError(.invalidRequest, "request.kind must be an object, found a \(kind.typeName)")
        }
        let object = try optionalObject(request["object"], "object")
        let oldObject = try optionalObject(request["oldObject"], "oldObject")
        var dryRun = false
        if let flag = request["dryRun"], !flag.isNull {
            guard let value = flag.bool else {
                throw ReviewError(.invalidRequest, "request.dryRun must be a boolean, found a \(flag.typeName)")
            }
            dryRun = value
        }
        let parsed = AdmissionRequest(
            uid: uid,
            operation: .init(operation),
            group: kind?["group"]?.string ?? "",
            version: kind?["version"]?.string ?? "",
            kind: kind?["kind"]?.string ?? "",
            namespace: try optionalString(request["namespace"], "namespace") ?? "",
            name: try optionalString(request["name"], "name") ?? "",
            object: nil,
            oldObject: nil,
            dryRun: dryRun)
        return (version, parsed, object, oldObject)
    }

    /// The request's string member `key`, `value`; `nil` when absent or `null`.
    static func optionalString(_ value: JSONView?, _ key: String) throws(ReviewError) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.string else {
            throw ReviewError(.invalidRequest, "request.\(key) must be a string, found a \(value.typeName)")
        }
        return text
    }

    /// The request's object member `key`, `value`; `nil` when absent or `null`.
    static func optionalObject(_ value: JSONView?, _ key: String) throws(ReviewError) -> JSONView? {
        guard let value, !value.isNull else { return nil }
        guard value.isObject else {
            throw ReviewError(.invalidRequest, "request.\(key) must be an object, found a \(value.typeName)")
        }
        return value
    }

    /// Warning texts as the apiserver will keep them: no control characters (it drops such
    /// warnings whole), no duplicates (it merges them anyway), in a stable order, and at most
    /// `warningsShown` lines and a count of the rest (it cuts warnings past 4096 characters
    /// in all, so more would only grow the response).
    static func warningLines(_ warnings: [Violation]) -> [String] {
        var seen: Set<String> = []
        var lines: [String] = []
        var more = 0
        for warning in warnings {
            let clean = String(
                String.UnicodeScalarView(
                    warning.message.unicodeScalars.map {
                        $0.value < 0x20 || $0.value == 0x7F ? " " : $0
                    }))
            guard seen.insert(clean).inserted else { continue }
            if lines.count < warningsShown { lines.append(clean) } else { more += 1 }
        }
        if more > 0 { lines.append("and \(more) more warnings") }
        return lines
    }

    /// The longest `request.uid` answered, in bytes. Kubernetes UIDs are 36-character UUIDs;
    /// 128 leaves room for any other client that follows the API, and stops a client from
    /// making each answer as large as its request.
    static let maximumUIDLength = 128

    /// How many warning lines a response carries at most; 20 lines of up to 120 characters
    /// stay under the apiserver's 4096.
    static let warningsShown = 20
}

/// A request the server cannot judge: not JSON, not an AdmissionReview, no request.
/// The server answers 400 with `body`; the CLI exits 2 with `message`.
public struct ReviewError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case invalidJSON, notAdmissionReview, missingRequest, invalidRequest
    }

    public var reason: Reason
    public var message: String

    init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }

    /// Always 400: the body, not the server, is at fault.
    public var httpStatus: Int { 400 }

    /// A Kubernetes-style `Status` object naming the problem.
    public var body: [UInt8] {
        JSONWriter.bytes([
            "kind": "Status",
            "apiVersion": "v1",
            "status": "Failure",
            "reason": "BadRequest",
            "code": 400,
            "message": .string(message),
        ])
    }
}
