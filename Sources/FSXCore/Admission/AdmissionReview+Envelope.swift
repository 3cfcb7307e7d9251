import FSXJSON

/// The server's decoding of an AdmissionReview: the body is validated and mapped in one
/// pass (`JSONScanner`), the envelope is read from the map in place, the route is found from
/// the object's own type, once, and of `request.object` and `request.oldObject` only what
/// that route reads is built. On an UPDATE of a Job, which is allowed unchanged, that is
/// the object's name; on a Job CREATE, its labels, annotations and pod spec without the env
/// vars; a StorageClass is built whole.
extension AdmissionEngine {
    /// What `decide` reads to name an object in messages (`subject(of:kind:request:)`).
    static let subjectReads = JSONSelection.members([
        ("apiVersion", .everything), ("kind", .everything),
        ("metadata", .members(["name", "generateName", "namespace"])),
    ])

    /// Decodes a review body for `decide`: the request with of `object` and `oldObject` only
    /// what the decision reads, and the route they take. A body the full decoding refuses is
    /// refused with the same error.
    func decodeForDecision(
        _ body: some Collection<UInt8>
    ) throws(ReviewError) -> (AdmissionReview.Version, AdmissionRequest, Route) {
        let decoded: Result<(AdmissionReview.Version, AdmissionRequest, Route), ReviewError> =
            body.withContiguousStorageIfAvailable { buffer in
                Result { () throws(ReviewError) in try decodeForDecision(UnsafeRawBufferPointer(buffer)) }
            }
            ?? Array(body).withUnsafeBytes { buffer in
                Result { () throws(ReviewError) in try decodeForDecision(buffer) }
            }
        return try decoded.get()
    }

    func decodeForDecision(
        _ body: UnsafeRawBufferPointer
    ) throws(ReviewError) -> (AdmissionReview.Version, AdmissionRequest, Route) {
        let tape: JSONTape
        do throws(JSONScanError) {
            tape = try JSONScanner.scan(body)
        } catch {
            throw ReviewError(.invalidJSON, "body is not valid JSON: \(JSONParseError(error))")
        }
        let result: Result<(AdmissionReview.Version, AdmissionRequest, Route), ReviewError> =
            tape.withEntries { entries in
                Result { () throws(ReviewError) in
                    try decode(JSONView(bytes: body, entries: entries, position: 0))
                }
            }
        return try result.get()
    }

    private func decode(_ root: JSONView) throws(ReviewError) -> (AdmissionReview.Version, AdmissionRequest, Route) {
        guard root.isObject else {
            let (version, request) = try AdmissionReview.decode(JSONValue(root))
            return (version, request, Route(of: request))
        }
        var fields = AdmissionReview.Fields(
            apiVersion: root["apiVersion"].map { JSONValue($0) }, kind: root["kind"].map { JSONValue($0) })
        let requestView = root["request"]
        var object: JSONView?
        var oldObject: JSONView?
        if let requestView, requestView.isObject {
            var requestFields = AdmissionReview.RequestFields()
            for (index, key) in AdmissionReview.RequestFields.keys.enumerated() {
                guard let member = requestView[key] else { continue }
                if member.isObject, key == "object" || key == "oldObject" {
                    // A placeholder for `decode`'s checks; what is read of it is built below.
                    requestFields[member: index] = .object(JSONObject())
                    if key == "object" { object = member } else { oldObject = member }
                } else {
                    requestFields[member: index] = JSONValue(member)
                }
            }
            fields.requestFields = requestFields
        } else {
            fields.request = requestView.map { JSONValue($0) }
        }
        var (version, request) = try AdmissionReview.decode(fields)
        guard let object else {
            // Without an object nothing else is read (DELETE).
            request.oldObject = nil
            return (version, request, Route(of: request))
        }
        let typeMembers = JSONValue(object, reading: Self.typeReads)
        let route = Route(type: ObjectType(of: typeMembers), request: request)
        request.object = JSONValue(object, reading: route.objectReads)
        request.oldObject = route.readsOldObject ? oldObject.map { JSONValue($0) } : nil
        return (version, request, route)
    }

    /// What `decide` reads to find an object's type.
    static let typeReads = JSONSelection.members(["apiVersion", "kind"])
}
