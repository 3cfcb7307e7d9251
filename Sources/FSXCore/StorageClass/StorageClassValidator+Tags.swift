/// `extraTags`: `key=value` pairs, comma-separated, added to the file system's AWS tags.
extension StorageClassValidator {
    static let maximumTagKeyLength = 128
    static let maximumTagValueLength = 256
    /// AWS allows 50 tags; the driver always adds `CSIVolumeName`.
    static let maximumExtraTags = 49
    static let driverTagKey = "CSIVolumeName"

    /// One kind of tag problem; each kind is reported once, naming its first offending item.
    enum TagProblem: Int, CaseIterable {
        case format, keyLength, valueLength, characters, awsPrefix, driverKey, duplicate

        func explanation(_ item: Substring) -> String {
            let shown = Violation.quote(String(item))
            switch self {
            case .format:
                return "has \(shown), which is not key=value with exactly one '='; the driver refuses it; "
                    + "write key=value pairs separated by commas"
            case .keyLength:
                return "has \(shown), whose key is empty or longer than 128 characters; AWS refuses it; shorten it"
            case .valueLength:
                return "has \(shown), whose value is longer than 256 characters; AWS refuses it; shorten it"
            case .characters:
                return
                    "has \(shown) with characters AWS tags do not allow (letters, digits, spaces and _ . : / + - @); "
                    + "remove them"
            case .awsPrefix:
                return "has \(shown), but keys starting with aws: are reserved by AWS; rename the key"
            case .driverKey:
                return "has \(shown), but the driver sets CSIVolumeName itself; use another key"
            case .duplicate:
                return "has the key of \(shown) twice; AWS refuses duplicate keys; keep one"
            }
        }
    }

    static func checkTags(_ parameters: StorageClassParameters, into violations: inout [Violation]) {
        // The driver skips an empty extraTags, so only a non-empty string is judged.
        guard let tags = parameters.setting(.extraTags) else { return }
        if areCleanASCIITags(tags) { return }
        checkTags(tags, into: &violations)
    }

    /// Whether `tags` surely has no tag problem, decided over its bytes without splitting
    /// into `Character`s; `false` means "not decided here" and sends it to `checkTags(_:into:)`.
    ///
    /// Only bytes from the ASCII tag set (letters, digits, space, `_ . : / + - @`, `=`, `,`)
    /// are accepted, so each byte is one `Character` (no CR LF pair can occur) and splitting,
    /// lengths and comparisons over bytes equal those over `Character`s and scalars.
    static func areCleanASCIITags(_ tags: String) -> Bool {
        var tags = tags
        return tags.withUTF8 { bytes in
            // Past 49 items the count is a problem anyway; the bound also keeps the pairwise
            // duplicate check small.
            withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: maximumExtraTags) { keys in
                var count = 0
                var start = 0
                while true {
                    var equals = -1
                    var end = start
                    while end < bytes.count {
                        let byte = bytes[end]
                        if byte == UInt8(ascii: ",") { break }
                        if byte == UInt8(ascii: "=") {
                            if equals >= 0 { return false }
                            equals = end
                        } else if !isASCIITagByte(byte) {
                            return false
                        }
                        end += 1
                    }
                    guard equals >= 0, count < maximumExtraTags else { return false }
                    let keyLength = equals - start
                    if keyLength == 0 || keyLength > maximumTagKeyLength { return false }
                    if end - equals - 1 > maximumTagValueLength { return false }
                    let key = start..<equals
                    if keyLength >= 4,
                        bytes[start] | 0x20 == UInt8(ascii: "a"), bytes[start + 1] | 0x20 == UInt8(ascii: "w"),
                        bytes[start + 2] | 0x20 == UInt8(ascii: "s"), bytes[start + 3] == UInt8(ascii: ":")
                    {
                        return false
                    }
                    if equal(bytes, key, driverTagKey.utf8) { return false }
                    for index in 0..<count where equal(bytes, keys[index], bytes[key]) { return false }
                    keys.initializeElement(at: count, to: key)
                    count += 1
                    if end == bytes.count { return true }
                    start = end + 1
                }
            }
        }
    }

    /// A byte of AWS's tag pattern within ASCII, '=' excepted: letters, digits, space, `_ . : / + - @`.
    @inline(__always) static func isASCIITagByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: " "), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "/"),
            UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"):
            return true
        default:
            return false
        }
    }

    @inline(__always) static func equal(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ other: some Collection<UInt8>
    ) -> Bool {
        range.count == other.count && bytes[range].elementsEqual(other)
    }

    /// Every tag problem of `tags`, judged per `Character` as the driver's Go code splits it.
    static func checkTags(_ tags: String, into violations: inout [Violation]) {
        var found: [Substring?] = Array(repeating: nil, count: TagProblem.allCases.count)
        func note(_ problem: TagProblem, _ item: Substring) {
            if found[problem.rawValue] == nil { found[problem.rawValue] = item }
        }
        var keys = Set<Substring>()
        var count = 0
        for item in tags.split(separator: ",", omittingEmptySubsequences: false) {
            count += 1
            let parts = item.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                note(.format, item)
                continue
            }
            let key = parts[0]
            let value = parts[1]
            let keyLength = key.unicodeScalars.count
            if keyLength == 0 || keyLength > maximumTagKeyLength { note(.keyLength, item) }
            if value.unicodeScalars.count > maximumTagValueLength { note(.valueLength, item) }
            if !isTagText(key) || !isTagText(value) { note(.characters, item) }
            if key.lowercased().hasPrefix("aws:") { note(.awsPrefix, item) }
            if key == driverTagKey { note(.driverKey, item) }
            if !keys.insert(key).inserted { note(.duplicate, item) }
        }
        for problem in TagProblem.allCases {
            if let item = found[problem.rawValue] {
                violations.append(deny("extra-tags", .extraTags, nil, problem.explanation(item)))
            }
        }
        if count > maximumExtraTags {
            violations.append(
                deny(
                    "extra-tags", .extraTags, nil,
                    "has \(count) tags; AWS allows 50 per file system and the driver adds CSIVolumeName, "
                        + "so at most 49; remove some"))
        }
    }

    /// AWS's tag pattern `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$` (with '=' already split off).
    static func isTagText(_ text: Substring) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "_", ".", ":", "/", "=", "+", "-", "@": return true
            default: break
            }
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                .decimalNumber, .letterNumber, .otherNumber,
                .spaceSeparator, .lineSeparator, .paragraphSeparator:
                return true
            default:
                return false
            }
        }
    }
}
