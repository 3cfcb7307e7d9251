import FSXJSON

/// Why a byte sequence is not acceptable JSON.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset in the input where the problem was found.
    public var offset: Int
    public var reason: String

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension JSONParseError {
    init(_ error: JSONScanError) { self.init(offset: error.offset, reason: error.reason) }
}

/// Strict RFC 8259 JSON into a lossless `JSONValue`, for the CLI, the configuration and
/// tests: the bytes are validated and mapped by `JSONScanner` (FSXJSON), and the value
/// built from that map. The server's review does not come here: it reads the map in place
/// (AdmissionReview+Envelope.swift).
public enum JSONParser {
    /// Nesting depth at which parsing stops (`JSONScanner.maximumDepth`): a real Kubernetes
    /// object nests about 20 levels; the limit ends hostile input (100,000 `[`s) with an
    /// error.
    public static let maximumDepth = JSONScanner.maximumDepth

    /// Parses a complete JSON document; trailing non-whitespace is an error.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> =
            bytes.withContiguousStorageIfAvailable { buffer in
                parseResult(UnsafeRawBufferPointer(buffer))
            } ?? Array(bytes).withUnsafeBytes { parseResult($0) }
        return try result.get()
    }

    /// Parses a JSON document held in a string.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue { try parse(text.utf8) }

    static func parseResult(_ buffer: UnsafeRawBufferPointer) -> Result<JSONValue, JSONParseError> {
        do throws(JSONScanError) {
            let tape = try JSONScanner.scan(buffer)
            return .success(
                tape.withEntries { JSONValue(JSONView(bytes: buffer, entries: $0, position: 0)) })
        } catch {
            return .failure(JSONParseError(error))
        }
    }
}
