import FSXJSON

/// The server's decoding of an AdmissionReview: the body is validated and mapped in one
/// pass (`JSONScanner`), the envelope is read from the map in place, and the route is found
/// from the object's own type, once. `request.object` and `request.oldObject` are not built:
/// the decision reads them in place, as views into the body.
extension AdmissionEngine {
    /// A review decoded for `decide`: the request without its objects, the route they take,
    /// and views of the objects. The views borrow the body: valid only inside
    /// `withDecodedReview`.
    struct DecodedReview {
        var version: AdmissionReview.Version
        var request: AdmissionRequest
        var route: Route
        var object: JSONView?
        var oldObject: JSONView?

        /// The request with its objects built (for a review that must outlive the body).
        var requestWithObjects: AdmissionRequest {
            var built = request
            built.object = object.map { JSONValue($0) }
            built.oldObject = oldObject.map { JSONValue($0) }
            return built
        }
    }

    /// Decodes a review body and calls `use` with it. A body the full decoding
    /// (`AdmissionReview.decode`) refuses is refused with the same error.
    func withDecodedReview<Result>(
        _ body: some Collection<UInt8>, _ use: (DecodedReview) -> Result
    ) throws(ReviewError) -> Result {
        let decoded: Swift.Result<Result, ReviewError> =
            body.withContiguousStorageIfAvailable { buffer in
                Swift.Result { () throws(ReviewError) in try withDecodedReview(UnsafeRawBufferPointer(buffer), use) }
            }
            ?? Array(body).withUnsafeBytes { buffer in
                Swift.Result { () throws(ReviewError) in try withDecodedReview(buffer, use) }
            }
        return try decoded.get()
    }

    func withDecodedReview<Result>(
        _ body: UnsafeRawBufferPointer, _ use: (DecodedReview) -> Result
    ) throws(ReviewError) -> Result {
        let tape: JSONTape
        do throws(JSONScanError) {
            tape = try JSONScanner.scan(body)
        } catch {
            throw ReviewError(.invalidJSON, "body is not valid JSON: \(JSONParseError(error))")
        }
        let decoded: Swift.Result<Result, ReviewError> = tape.withEntries { entries in
            Swift.Result { () throws(ReviewError) in
                use(try decode(JSONView(bytes: body, entries: entries, position: 0)))
            }
        }
        return try decoded.get()
    }

    private func decode(_ root: JSONView) throws(ReviewError) -> DecodedReview {
        guard root.isObject else {
            let (version, request) = try AdmissionReview.decode(JSONValue(root))
            return DecodedReview(version: version, request: request, route: Route(of: request))
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
                    // A placeholder for `decode`'s checks; the decision reads the view.
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
        request.object = nil
        request.oldObject = nil
        guard let object else {
            // Without an object nothing else is read (DELETE).
            return DecodedReview(version: version, request: request, route: Route(of: request))
        }
        let route = Route(type: ObjectType(of: object), request: request)
        return DecodedReview(
            version: version, request: request, route: route, object: object,
            oldObject: route.readsOldObject ? oldObject : nil)
    }
}

extension ObjectType {
    /// The type an object names in `apiVersion` and `kind`, read in place.
    init(of object: JSONView) {
        self.init(apiVersion: object["apiVersion"]?.string ?? "", kind: object["kind"]?.string ?? "")
    }
}

extension JSONValue {
    /// Calls `body` with a view of this value, written as JSON and scanned: the CLI's objects
    /// come from YAML as values, and the decisions read views. `nil` when the value cannot be
    /// read back (nested deeper than `JSONParser.maximumDepth`).
    func withView<Result>(_ body: (JSONView) -> Result) -> Result? {
        let bytes = JSONWriter.bytes(self)
        return bytes.withUnsafeBytes { buffer -> Result? in
            guard let tape = try? JSONScanner.scan(buffer) else { return nil }
            return tape.withEntries { body(JSONView(bytes: buffer, entries: $0, position: 0)) }
        }
    }
}
