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
        checkTags(tags, into: &violations)
    }

    /// Every tag problem of `tags`, split as the driver's Go code splits it: at every ',' byte,
    /// then at '=' bytes (`strings.Split`), keys compared byte for byte.
    static func checkTags(_ tags: String, into violations: inout [Violation]) {
        var found: [Substring?] = Array(repeating: nil, count: TagProblem.allCases.count)
        func note(_ problem: TagProblem, _ item: Substring) {
            if found[problem.rawValue] == nil { found[problem.rawValue] = item }
        }
        // Keys seen, for duplicates. Past `maximumExtraTags` items the count is refused anyway,
        // so later keys are not compared: a hostile list of a million tags stays linear.
        var keys: [Substring] = []
        var count = 0
        for item in tags.splitBytes(UInt8(ascii: ",")) {
            count += 1
            // Two parts: exactly one '=' byte.
            let bytes = item.utf8
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")),
                !bytes[bytes.index(after: equals)...].contains(UInt8(ascii: "="))
            else {
                note(.format, item)
                continue
            }
            let key = Substring(bytes[..<equals])
            let value = Substring(bytes[bytes.index(after: equals)...])
            // Lengths in characters (scalars), counted only when the bytes could exceed them.
            if key.isEmpty || (key.utf8.count > maximumTagKeyLength && key.unicodeScalars.count > maximumTagKeyLength) {
                note(.keyLength, item)
            }
            if value.utf8.count > maximumTagValueLength, value.unicodeScalars.count > maximumTagValueLength {
                note(.valueLength, item)
            }
            if !isTagText(key) || !isTagText(value) { note(.characters, item) }
            // AWS reserves the prefix in any case ("AWS:", "Aws:").
            if key.utf8.count >= 4, key.prefix(4).asciiCaseInsensitiveEquals("aws:") { note(.awsPrefix, item) }
            if key.bytesEqual(driverTagKey) { note(.driverKey, item) }
            if count <= maximumExtraTags + 1 {
                if keys.containsBytes(of: key) { note(.duplicate, item) } else { keys.append(key) }
            }
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
        // ASCII, the common case, without the Unicode tables: its only letters, numbers and
        // separators are A-Z, a-z, 0-9 and the space.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: " "), UInt8(ascii: "_"), UInt8(ascii: "."),
                    UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"),
                    UInt8(ascii: "@"):
                    return true
                default:
                    return false
                }
            }
        }
        return text.unicodeScalars.allSatisfy { scalar in
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
