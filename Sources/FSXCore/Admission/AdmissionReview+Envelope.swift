/// The server's decoding of an AdmissionReview: the envelope is parsed as usual, while
/// `request.object` and `request.oldObject` are built only as far as the decision reads
/// them (`AdmissionEngine.Route`), and otherwise only validated. On an UPDATE of a Job,
/// which is allowed unchanged, that is the object's name; on a Job CREATE, its labels,
/// annotations and pod spec without the env vars; a StorageClass is built whole.
///
/// The route depends on the object's own type, which is inside the object, so it is guessed
/// from `request.kind` and `request.operation` (the apiserver writes them before the object)
/// and checked once the whole envelope is read; a wrong guess builds the object again.
/// Everything is validated by the same grammar as `JSONParser`, so a body is refused
/// exactly when the full parse refuses it.
extension JSONParser {
    /// An object of the request, as built during the envelope's parse.
    struct PartialObject {
        /// Where the object's `{` is, to build it again for another route.
        var start: Int
        /// What was built: what `route` reads, or `nil` when the object was only validated.
        var value: JSONValue?
        var route: AdmissionEngine.Route?
    }

    /// The AdmissionReview's members that `AdmissionReview.decode` reads, with placeholders
    /// (empty objects) for the objects in `object` and `oldObject`; or, when the body is not
    /// an object, `whole`, the body parsed.
    struct Envelope {
        var fields = AdmissionReview.Fields()
        var whole: JSONValue?
        var object: PartialObject?
        var oldObject: PartialObject?
    }
}

extension JSONParser.Cursor {
    /// Parses an AdmissionReview, building `request.object` and `request.oldObject` (when
    /// they are objects) for the route `request.kind` and `request.operation` suggest.
    /// Depths are those `parseValue` would count, and repeated keys resolve as there: the
    /// last one wins. Only the members `AdmissionReview.decode` reads are kept, each in its
    /// field, so no object is made for the review or its request.
    mutating func parseEnvelope() throws(JSONParseError) -> JSONParser.Envelope {
        skipWhitespace()
        guard index < end, bytes[index] == UInt8(ascii: "{") else {
            return JSONParser.Envelope(whole: try parseDocument())
        }
        var envelope = JSONParser.Envelope()
        if try !openObject(depth: 1) {
            repeat {
                // Keys are recognised on their bytes: skipped members make no string.
                guard let found = memberIndex(try scanKey(), among: Self.reviewKeys) else {
                    try skipValue(depth: 1)
                    continue
                }
                switch found {
                case 0: envelope.fields.apiVersion = try parseValue(depth: 1)
                case 1: envelope.fields.kind = try parseValue(depth: 1)
                default:
                    if index < end, bytes[index] == UInt8(ascii: "{") {
                        envelope.fields.request = nil
                        try parseRequest(depth: 2, into: &envelope)
                    } else {
                        (envelope.object, envelope.oldObject) = (nil, nil)
                        envelope.fields.requestFields = nil
                        envelope.fields.request = try parseValue(depth: 1)
                    }
                }
            } while try !endOfMember()
        }
        skipWhitespace()
        if index != end {
            throw JSONParseError(offset: index, reason: "unexpected data after the end of the document")
        }
        return envelope
    }

    /// Parses an object `request` into `envelope`'s `requestFields`, `object` and
    /// `oldObject`, in place: the fields are a few hundred bytes, not worth copying.
    private mutating func parseRequest(depth: Int, into envelope: inout JSONParser.Envelope) throws(JSONParseError) {
        envelope.fields.requestFields = AdmissionReview.RequestFields()
        (envelope.object, envelope.oldObject) = (nil, nil)
        if try openObject(depth: depth) { return }
        var operation = ""
        var type = ObjectType(group: "", version: "", kind: "")
        repeat {
            guard let found = memberIndex(try scanKey(), among: Self.requestKeys) else {
                // userInfo, resource, options and the like: nothing decides on them.
                try skipValue(depth: depth)
                continue
            }
            let isObject = found == Self.objectIndex
            let isOldObject = found == Self.oldObjectIndex
            let value: JSONValue
            if isObject || isOldObject, index < end, bytes[index] == UInt8(ascii: "{") {
                let route = AdmissionEngine.Route(type, operation: .init(operation))
                var partial = JSONParser.PartialObject(start: index)
                if isObject {
                    partial.value = try parseValue(depth: depth, selection: route.objectReads)
                    partial.route = route
                    envelope.object = partial
                } else {
                    if route.readsOldObject {
                        partial.value = try parseValue(depth: depth)
                        partial.route = route
                    } else {
                        try skipValue(depth: depth)
                    }
                    envelope.oldObject = partial
                }
                value = .object(JSONObject())
            } else {
                if isObject { envelope.object = nil }
                if isOldObject { envelope.oldObject = nil }
                value = try parseValue(depth: depth)
                // Only for the guess: what the request says comes before the objects.
                if found == Self.operationIndex, case .string(let text) = value { operation = text }
                if found == Self.kindIndex, case .object(let kind) = value {
                    type = ObjectType(
                        group: kind["group"]?.stringValue ?? "", version: kind["version"]?.stringValue ?? "",
                        kind: kind["kind"]?.stringValue ?? "")
                }
            }
            envelope.fields.requestFields![member: found] = value
        } while try !endOfMember()
    }

    /// The members of the review and of its request that `AdmissionReview.decode` reads, in
    /// the order of `AdmissionReview.Fields` and `AdmissionReview.RequestFields.keys`.
    static let reviewKeys = ["apiVersion", "kind", "request"].map {
        JSONSelection.Member(key: $0, selection: .everything)
    }
    static let requestKeys = AdmissionReview.RequestFields.keys.map {
        JSONSelection.Member(key: $0, selection: .everything)
    }

    /// Where in `requestKeys` the keys the parse treats specially are.
    static var operationIndex: Int { 1 }
    static var kindIndex: Int { 2 }
    static var objectIndex: Int { 5 }
    static var oldObjectIndex: Int { 6 }

    /// Builds what `selection` reads of the object at `start`, already validated by
    /// `parseEnvelope`; it lies at depth 3 (root, request, object).
    mutating func build(at start: Int, _ selection: JSONSelection) throws(JSONParseError) -> JSONValue {
        index = start
        return try parseValue(depth: 2, selection: selection)
    }
}

extension AdmissionEngine {
    /// What `decide` reads to find an object's type.
    static let typeReads = JSONSelection.members(["apiVersion", "kind"])

    /// What `decide` reads to name an object in messages (`subject(of:kind:request:)`).
    static let subjectReads = JSONSelection.members([
        ("apiVersion", .everything), ("kind", .everything),
        ("metadata", .members(["name", "generateName", "namespace"])),
    ])

    /// Decodes a review body for `decide`, building of `object` and `oldObject` only what
    /// the decision reads; the returned request holds just that. A body the full decoding
    /// refuses is refused with the same error, since it is then decoded fully.
    func decodeForDecision(
        _ body: UnsafeRawBufferPointer
    ) throws(ReviewError) -> (AdmissionReview.Version, AdmissionRequest) {
        var cursor = JSONParser.Cursor(body)
        let envelope: JSONParser.Envelope
        do {
            envelope = try cursor.parseEnvelope()
        } catch {
            return try AdmissionReview.decode(body)
        }
        var (version, request) =
            if let whole = envelope.whole {
                try AdmissionReview.decode(whole)
            } else {
                try AdmissionReview.decode(envelope.fields)
            }
        do throws(JSONParseError) {
            guard request.object != nil, let object = envelope.object else {
                // Without an object nothing else is read (DELETE).
                request.oldObject = nil
                return (version, request)
            }
            let typed: JSONValue
            if let value = object.value {
                typed = value
            } else {
                typed = try cursor.build(at: object.start, Self.typeReads)
            }
            var type = ObjectType(quicklyOf: typed)
            if type.kind.isEmpty {
                type = ObjectType(group: request.group, version: request.version, kind: request.kind)
            }
            let route = Route(type, operation: request.operation)
            if let value = object.value, object.route == route {
                request.object = value
            } else {
                request.object = try cursor.build(at: object.start, route.objectReads)
            }
            if !route.readsOldObject {
                request.oldObject = nil
            } else if let old = envelope.oldObject, request.oldObject != nil {
                if let value = old.value {
                    request.oldObject = value
                } else {
                    request.oldObject = try cursor.build(at: old.start, .everything)
                }
            }
            return (version, request)
        } catch {
            // Unreachable: the whole body was validated above. Should it ever happen, the
            // full decoding still answers correctly.
            return try AdmissionReview.decode(body)
        }
    }
}

extension ObjectType {
    /// `init(of:)`, with an ASCII `apiVersion` split on its bytes: in ASCII text `/` is a
    /// character of its own, so the first `/` byte is where `init(of:)` splits, and finding
    /// it costs no grapheme breaking. The parts, short, are made as small strings directly.
    /// Other text goes through `init(of:)`.
    init(quicklyOf object: JSONValue) {
        guard let apiVersion = object["apiVersion"]?.stringValue else {
            self.init(of: object)
            return
        }
        let parts: (group: String, version: String)?? = apiVersion.utf8.withContiguousStorageIfAvailable { bytes in
            var slash = -1
            for index in bytes.indices {
                if bytes[index] >= 0x80 { return nil }
                if bytes[index] == UInt8(ascii: "/"), slash < 0 { slash = index }
            }
            guard slash >= 0 else { return ("", apiVersion) }
            return (
                Self.asciiString(UnsafeBufferPointer(rebasing: bytes[..<slash])),
                Self.asciiString(UnsafeBufferPointer(rebasing: bytes[(slash + 1)...]))
            )
        }
        guard let parts = parts ?? nil else {
            self.init(of: object)
            return
        }
        self.init(group: parts.group, version: parts.version, kind: object["kind"]?.stringValue ?? "")
    }

    /// The string of ASCII `bytes`; below 16 bytes, made as a small string from its bytes.
    private static func asciiString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count < 16, JSONParser.SmallString.isAvailable else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var low: UInt64 = 0
        var high: UInt64 = 0
        for index in bytes.indices {
            if index < 8 {
                low |= UInt64(bytes[index]) &<< UInt64(index &* 8)
            } else {
                high |= UInt64(bytes[index]) &<< UInt64((index &- 8) &* 8)
            }
        }
        return JSONParser.SmallString.make(low, high, count: bytes.count)
    }
}
