/// The response AdmissionReview of a decision, measured before it is written.
///
/// Its exact size is known first (`count`), so the server asks its output buffer for that many
/// bytes and `write(into:)` fills them: no copy of the response in between, and the patch's
/// base64 is encoded straight into its place.
///
/// The size comes from the patch's compact JSON, written once when the response is made
/// (its base64 length follows from its length), and from the envelope around it: uid,
/// message and warnings, measured by `ByteCounter` through the same generic code that writes
/// them. Measuring the patch instead of writing it first would be a second walk of its
/// values, about as costly as writing them (docs/performance.md, "The response").
///
/// `patch`/`patchType` appear only when the patch is included and there is something to
/// patch: a validating webhook must send neither, and the apiserver refuses a patch from it.
public struct AdmissionResponse: Sendable {
    let version: AdmissionReview.Version
    let uid: String
    let allowed: Bool
    /// `status.message` of a denial: made once (it joins the reasons), counted, then written.
    let message: String
    let warnings: [String]
    /// The compact JSON of the operations the response carries; empty when it carries none.
    let patchJSON: [UInt8]
    /// The length of everything before the patch's base64, or before the closing `}}` when
    /// there is no patch.
    let headCount: Int
    /// The length of the whole response, in bytes.
    public let count: Int

    init(version: AdmissionReview.Version, uid: String, decision: Decision, includePatch: Bool) {
        self.version = version
        self.uid = uid
        allowed = decision.isAllowed
        message = decision.denialMessage
        warnings = decision.warnings.isEmpty ? [] : AdmissionReview.warningLines(decision.warnings)
        patchJSON = includePatch && decision.isAllowed && !decision.patch.isEmpty ? decision.patch.jsonBytes : []
        var counter = ByteCounter()
        Self.writeHead(version, uid, allowed, message, warnings, patched: !patchJSON.isEmpty, into: &counter)
        headCount = counter.count
        count =
            patchJSON.isEmpty
            ? headCount + Self.end.utf8CodeUnitCount
            : headCount + Base64.encodedCount(patchJSON.count) + Self.patchedEnd.utf8CodeUnitCount
    }

    private static let end: StaticString = "}}"
    private static let patchedEnd: StaticString = #""}}"#

    /// The response up to the patch's base64 (`…,"patch":"`), or up to the closing `}}`.
    private static func writeHead<Output: JSONOutput & ~Copyable>(
        _ version: AdmissionReview.Version, _ uid: String, _ allowed: Bool, _ message: String,
        _ warnings: [String], patched: Bool, into out: inout Output
    ) {
        switch version {
        case .v1: out.append(#"{"apiVersion":"admission.k8s.io/v1""#)
        case .v1beta1: out.append(#"{"apiVersion":"admission.k8s.io/v1beta1""#)
        }
        out.append(#","kind":"AdmissionReview","response":{"uid":"#)
        JSONWriter.writeString(uid, into: &out)
        if allowed {
            out.append(#","allowed":true"#)
        } else {
            // 403, as controller-runtime's Denied: the request is understood and refused.
            out.append(#","allowed":false,"status":{"code":403,"reason":"Forbidden","message":"#)
            JSONWriter.writeString(message, into: &out)
            out.append(UInt8(ascii: "}"))
        }
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
        if patched { out.append(#","patchType":"JSONPatch","patch":""#) }
    }

    /// Writes the response into the first `count` bytes of `buffer` (which must hold at least
    /// that many) and returns `count`.
    ///
    /// The envelope is written through a `ByteWriter` bounded to exactly its measured room and
    /// checked to fill it: a count measured wrong stops the program instead of leaving
    /// uninitialized bytes in an answer or writing past one.
    @discardableResult
    public func write(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= count, "a response of \(count) bytes given \(buffer.count)")
        var head = ByteWriter(writingInto: UnsafeMutableRawBufferPointer(rebasing: buffer[..<headCount]))
        Self.writeHead(version, uid, allowed, message, warnings, patched: !patchJSON.isEmpty, into: &head)
        precondition(head.count == headCount, "the response head measured wrong")
        let end = patchJSON.isEmpty ? Self.end : Self.patchedEnd
        let endStart = count - end.utf8CodeUnitCount
        if !patchJSON.isEmpty {
            patchJSON.withUnsafeBytes {
                Base64.encode($0, into: UnsafeMutableRawBufferPointer(rebasing: buffer[headCount..<endStart]))
            }
        }
        UnsafeMutableRawBufferPointer(rebasing: buffer[endStart..<count]).copyMemory(
            from: UnsafeRawBufferPointer(start: end.utf8Start, count: end.utf8CodeUnitCount))
        return count
    }

    /// The response as an array, written by `write(into:)`: for the CLI and the tests.
    public var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = write(into: UnsafeMutableRawBufferPointer(buffer))
        }
    }
}
