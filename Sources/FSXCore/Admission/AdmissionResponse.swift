/// The response AdmissionReview of a decision, measured before it is written.
///
/// Its exact size is known first (`count`), so the server asks its output buffer for that many
/// bytes and `write(into:)` fills them: no array in between, and the patch's base64 is made in
/// place (see `write(into:)`). The layout is written once, generic over `JSONOutput`: counted
/// by `ByteCounter`, written by `ByteWriter`.
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
    /// The operations the response carries; empty when it carries none.
    let patch: [PatchOperation]
    /// The length of the patch's compact JSON, before base64.
    let patchCount: Int
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
        patch = includePatch && decision.isAllowed ? decision.patch : []
        var counter = ByteCounter()
        if !patch.isEmpty { patch.writeJSON(into: &counter) }
        patchCount = counter.count
        counter = ByteCounter()
        Self.writeHead(version, uid, allowed, message, warnings, patched: !patch.isEmpty, into: &counter)
        headCount = counter.count
        count = patch.isEmpty ? headCount + Self.end.utf8CodeUnitCount : Self.patchedCount(headCount, patchCount)
    }

    private static let end: StaticString = "}}"
    private static let patchedEnd: StaticString = #""}}"#

    private static func patchedCount(_ headCount: Int, _ patchCount: Int) -> Int {
        headCount + Base64.encodedCount(patchCount) + patchedEnd.utf8CodeUnitCount
    }

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
    /// The patch's JSON is written at the end of the room its base64 takes, then encoded
    /// forward into its place (`Base64.encodeInPlace`): base64 is 4/3 of its input, so the
    /// encoding, starting a third of the input's length earlier, never overtakes what it has
    /// still to read. Encoding 3-byte groups as the JSON writer produces them would also need
    /// no second buffer, but would put a carry of up to two bytes into every append; this
    /// keeps the JSON writer and the encoder as they are.
    ///
    /// Every part is written through a `ByteWriter` bounded to exactly its measured room, and
    /// checked to fill it: a count measured wrong stops the program instead of leaving
    /// uninitialized bytes in an answer or writing past one.
    @discardableResult
    public func write(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= count, "a response of \(count) bytes given \(buffer.count)")
        var head = ByteWriter(writingInto: UnsafeMutableRawBufferPointer(rebasing: buffer[..<headCount]))
        Self.writeHead(version, uid, allowed, message, warnings, patched: !patch.isEmpty, into: &head)
        precondition(head.count == headCount, "the response head measured wrong")
        let end = patch.isEmpty ? Self.end : Self.patchedEnd
        var endStart = headCount
        if !patch.isEmpty {
            endStart = headCount + Base64.encodedCount(patchCount)
            let encoded = UnsafeMutableRawBufferPointer(rebasing: buffer[headCount..<endStart])
            var json = ByteWriter(
                writingInto: UnsafeMutableRawBufferPointer(rebasing: encoded[(encoded.count - patchCount)...]))
            patch.writeJSON(into: &json)
            precondition(json.count == patchCount, "the patch measured wrong")
            Base64.encodeInPlace(encoded, count: patchCount)
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
