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
        try Self.withScannedBody(body) { root throws(ReviewError) in use(try decode(root)) }
    }

    /// Scans a review body and calls `use` with the view of the whole document.
    static func withScannedBody<Result>(
        _ body: some Collection<UInt8>, _ use: (JSONView) throws(ReviewError) -> Result
    ) throws(ReviewError) -> Result {
        let scanned: Swift.Result<Result, ReviewError> =
            body.withContiguousStorageIfAvailable { buffer in
                Swift.Result { () throws(ReviewError) in try withScannedBody(UnsafeRawBufferPointer(buffer), use) }
            }
            ?? Array(body).withUnsafeBytes { buffer in
                Swift.Result { () throws(ReviewError) in try withScannedBody(buffer, use) }
            }
        return try scanned.get()
    }

    static func withScannedBody<Result>(
        _ body: UnsafeRawBufferPointer, _ use: (JSONView) throws(ReviewError) -> Result
    ) throws(ReviewError) -> Result {
        let tape: JSONTape
        do throws(JSONScanError) {
            tape = try JSONScanner.scan(body)
        } catch {
            throw ReviewError(.invalidJSON, "body is not valid JSON: \(JSONParseError(error))")
        }
        return try tape.withEntries { entries throws(ReviewError) in
            try use(JSONView(bytes: body, entries: entries, position: 0))
        }
    }

    private func decode(_ root: JSONView) throws(ReviewError) -> DecodedReview {
        let (version, request, object, oldObject) = try AdmissionReview.decodeEnvelope(root)
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
