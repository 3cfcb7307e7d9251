/// The AdmissionReview envelope: reading requests and writing responses.
public enum AdmissionReview {
    /// The versions the apiserver may send; the response carries the same one.
    public enum Version: String, Sendable {
        case v1 = "admission.k8s.io/v1"
        case v1beta1 = "admission.k8s.io/v1beta1"
    }

    /// Decodes a request body. Only the envelope and the fields in `AdmissionRequest` are
    /// interpreted; anything wrong with them is a `ReviewError` (the server answers 400).
    public static func decode(_ body: some Collection<UInt8>) throws(ReviewError) -> (Version, AdmissionRequest) {
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            throw ReviewError(.invalidJSON, "body is not valid JSON: \(error)")
        }
        return try decode(json)
    }

    /// The members of a review that `decode` reads, each `nil` when absent.
    struct Fields {
        var apiVersion: JSONValue?
        var kind: JSONValue?
        /// `request` when it is not an object; when it is, its members are in `requestFields`.
        var request: JSONValue?
        var requestFields: RequestFields?
    }

    /// The members of an object `request` that `decode` reads, each `nil` when absent.
    struct RequestFields {
        /// In the order of `member(_:)`'s indices.
        static let keys = ["uid", "operation", "kind", "namespace", "name", "object", "oldObject", "dryRun"]

        var uid: JSONValue?
        var operation: JSONValue?
        var kind: JSONValue?
        var namespace: JSONValue?
        var name: JSONValue?
        var object: JSONValue?
        var oldObject: JSONValue?
        var dryRun: JSONValue?

        init() {}

        init(_ request: JSONObject) {
            for (index, key) in Self.keys.enumerated() { self[member: index] = request[key] }
        }

        /// The member named `keys[index]`.
        subscript(member index: Int) -> JSONValue? {
            get {
                switch index {
                case 0: return uid
                case 1: return operation
                case 2: return kind
                case 3: return namespace
                case 4: return name
                case 5: return object
                case 6: return oldObject
                default: return dryRun
                }
            }
            set {
                switch index {
                case 0: uid = newValue
                case 1: operation = newValue
                case 2: kind = newValue
                case 3: namespace = newValue
                case 4: name = newValue
                case 5: object = newValue
                case 6: oldObject = newValue
                default: dryRun = newValue
                }
            }
        }
    }

    /// Decodes an already parsed AdmissionReview.
    public static func decode(_ json: JSONValue) throws(ReviewError) -> (Version, AdmissionRequest) {
        guard let root = json.objectValue else {
            throw ReviewError(.notAdmissionReview, "body is a JSON \(json.typeName), not an AdmissionReview object")
        }
        var fields = Fields(apiVersion: root["apiVersion"], kind: root["kind"], request: root["request"])
        if case .object(let request)? = fields.request {
            fields.request = nil
            fields.requestFields = RequestFields(request)
        }
        return try decode(fields)
    }

    /// Decodes the members of an AdmissionReview object: `decode(_:)`'s checks, in its order,
    /// shared with the server's decoding, which finds the members as it parses.
    static func decode(_ fields: Fields) throws(ReviewError) -> (Version, AdmissionRequest) {
        guard let apiVersion = fields.apiVersion?.stringValue, let version = Version(rawValue: apiVersion) else {
            let found = fields.apiVersion.map { JSONWriter.string($0) } ?? "nothing"
            throw ReviewError(
                .notAdmissionReview,
                "apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1, found \(Violation.quote(found))")
        }
        if let kind = fields.kind, kind.stringValue != "AdmissionReview" {
            throw ReviewError(
                .notAdmissionReview, "kind must be AdmissionReview, found \(Violation.quote(JSONWriter.string(kind)))")
        }
        guard let request = fields.requestFields else {
            guard let requestValue = fields.request, !requestValue.isNull else {
                throw ReviewError(.missingRequest, "AdmissionReview has no request")
            }
            throw ReviewError(.invalidRequest, "request must be an object, found a \(requestValue.typeName)")
        }
        guard let uid = request.uid?.stringValue, !uid.isEmpty else {
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
        let operationText = try optionalString(request.operation, "operation") ?? ""
        let kind = request.kind
        if let kind, !kind.isNull, kind.objectValue == nil {
            throw ReviewError(.invalidRequest, "request.kind must be an object, found a \(kind.typeName)")
        }
        let object = try optionalObject(request.object, "object")
        let oldObject = try optionalObject(request.oldObject, "oldObject")
        let dryRun: Bool
        switch request.dryRun {
        case nil, .null?: dryRun = false
        case .bool(let flag)?: dryRun = flag
        case let other?:
            throw ReviewError(.invalidRequest, "request.dryRun must be a boolean, found a \(other.typeName)")
        }
        let parsed = AdmissionRequest(
            uid: uid,
            operation: .init(operationText),
            group: kind?["group"]?.stringValue ?? "",
            version: kind?["version"]?.stringValue ?? "",
            kind: kind?["kind"]?.stringValue ?? "",
            namespace: try optionalString(request.namespace, "namespace") ?? "",
            name: try optionalString(request.name, "name") ?? "",
            object: object,
            oldObject: oldObject,
            dryRun: dryRun)
        return (version, parsed)
    }

    static func optionalString(_ value: JSONValue?, _ key: String) throws(ReviewError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?:
            throw ReviewError(.invalidRequest, "request.\(key) must be a string, found a \(other.typeName)")
        }
    }

    static func optionalObject(_ value: JSONValue?, _ key: String) throws(ReviewError) -> JSONValue? {
        switch value {
        case nil, .null?: return nil
        case .object(let o)?: return .object(o)
        case let other?:
            throw ReviewError(.invalidRequest, "request.\(key) must be an object, found a \(other.typeName)")
        }
    }

    /// The response AdmissionReview for `decision`.
    ///
    /// `patch`/`patchType` appear only when `includePatch` and there is something to patch:
    /// validating webhooks must send neither (apiserver-contract.md).
    public static func response(
        version: Version, uid: String, decision: Decision, includePatch: Bool
    ) -> JSONValue {
        var response = JSONObject()
        response["uid"] = .string(uid)
        response["allowed"] = .bool(decision.isAllowed)
        if !decision.isAllowed {
            // 403, as controller-runtime's Denied: the request is understood and refused.
            response["status"] = [
                "code": 403,
                "reason": "Forbidden",
                "message": .string(decision.denialMessage),
            ]
        }
        let warnings = warningLines(decision.warnings)
        if !warnings.isEmpty {
            response["warnings"] = .array(warnings.map { .string($0) })
        }
        if includePatch, decision.isAllowed, !decision.patch.isEmpty {
            response["patchType"] = "JSONPatch"
            response["patch"] = .string(Base64.encode(decision.patch.jsonBytes))
        }
        return [
            "apiVersion": .string(version.rawValue),
            "kind": "AdmissionReview",
            "response": .object(response),
        ]
    }

    /// The bytes `JSONWriter.bytes(response(...))` writes for the same arguments, written
    /// directly: no response value is built, and the patch's JSON is base64-encoded straight
    /// into the output. `ResponseBytesTests` holds the two equal.
    public static func responseBytes(
        version: Version, uid: String, decision: Decision, includePatch: Bool
    ) -> [UInt8] {
        let patched = includePatch && decision.isAllowed && !decision.patch.isEmpty
        var out = ByteWriter(capacity: patched ? 256 + decision.patch.count * 160 : 256 + uid.utf8.count)
        // The patch's JSON first, then the response up to the patch after it: both are
        // copied into the result, the patch as base64, which needs no escaping.
        if patched { decision.patch.writeJSON(into: &out) }
        let patchEnd = out.count
        switch version {
        case .v1: out.append(#"{"apiVersion":"admission.k8s.io/v1""#)
        case .v1beta1: out.append(#"{"apiVersion":"admission.k8s.io/v1beta1""#)
        }
        out.append(#","kind":"AdmissionReview","response":{"uid":"#)
        JSONWriter.writeString(uid, into: &out)
        if decision.isAllowed {
            out.append(#","allowed":true"#)
        } else {
            out.append(#","allowed":false,"status":{"code":403,"reason":"Forbidden","message":"#)
            JSONWriter.writeString(decision.denialMessage, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        if !decision.warnings.isEmpty {
            let warnings = warningLines(decision.warnings)
            if !warnings.isEmpty {
                out.append(#","warnings":["#)
                var separator = false
                for line in warnings {
                    if separator { out.append(UInt8(ascii: ",")) }
                    separator = true
                    JSONWriter.writeString(line, into: &out)
                }
                out.append(UInt8(ascii: "]"))
            }
        }
        guard patched else {
            out.append("}}")
            return out.bytes
        }
        out.append(#","patchType":"JSONPatch","patch":""#)
        let patch = UnsafeRawBufferPointer(start: out.base, count: patchEnd)
        let head = out.bytes(from: patchEnd)
        let encoded = Base64.encodedCount(patch.count)
        let tail: StaticString = #""}}"#
        let total = head.count + encoded + tail.utf8CodeUnitCount
        return [UInt8](unsafeUninitializedCapacity: total) { result, initialized in
            let result = UnsafeMutableRawBufferPointer(result)
            result.copyMemory(from: head)
            Base64.encode(
                patch, into: UnsafeMutableRawBufferPointer(rebasing: result[head.count..<(head.count + encoded)]))
            UnsafeMutableRawBufferPointer(rebasing: result[(head.count + encoded)...]).copyMemory(
                from: UnsafeRawBufferPointer(start: tail.utf8Start, count: tail.utf8CodeUnitCount))
            initialized = total
        }
    }

    /// Warning texts as the apiserver will keep them: no control characters (it drops such
    /// warnings whole), no duplicates (it merges them anyway), in a stable order, and at most
    /// `warningsShown` lines and a count of the rest (it cuts warnings past 4096 characters
    /// in all, so more would only grow the response).
    public static func warningLines(_ warnings: [Violation]) -> [String] {
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
    public static let maximumUIDLength = 128

    /// How many warning lines a response carries at most; 20 lines of up to 120 characters
    /// stay under the apiserver's 4096.
    public static let warningsShown = 20
}

/// A request the server cannot judge: not JSON, not an AdmissionReview, no request.
/// The server answers 400 with `body`; the CLI exits 2 with `message`.
public struct ReviewError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case invalidJSON, notAdmissionReview, missingRequest, invalidRequest
    }

    public var reason: Reason
    public var message: String

    public init(_ reason: Reason, _ message: String) {
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
