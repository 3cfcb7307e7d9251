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
        parameters.withSetting(.extraTags) { checkTags($0, into: &violations) }
    }

    /// Every tag problem of `tags`, split as the driver's Go code splits it: at every ',' byte,
    /// then at '=' bytes (`strings.Split`), keys compared byte for byte.
    static func checkTags(_ tags: String, into violations: inout [Violation]) {
        var tags = tags
        tags.withUTF8 { checkTags(UnsafeRawBufferPointer($0), into: &violations) }
    }

    /// `checkTags` over the value's UTF-8 bytes, read where they are: items are byte ranges,
    /// and text is made only for the item a violation names.
    static func checkTags(_ tags: UnsafeRawBufferPointer, into violations: inout [Violation]) {
        // Per problem, the start and end of its first item; nothing is kept until one is found.
        var found: [Int] = []
        func note(_ problem: TagProblem, _ item: Range<Int>) {
            if found.isEmpty { found = Array(repeating: -1, count: 2 * TagProblem.allCases.count) }
            guard found[2 * problem.rawValue] < 0 else { return }
            found[2 * problem.rawValue] = item.lowerBound
            found[2 * problem.rawValue + 1] = item.upperBound
        }
        // Keys seen (start and end), for duplicates. Past `maximumExtraTags` items the count is
        // refused anyway, so later keys are not compared: a hostile list stays linear.
        var keys: [Int] = []
        var count = 0
        var start = 0
        while start <= tags.count {
            var end = start
            var equals = -1
            var twoEquals = false
            while end < tags.count, tags[end] != UInt8(ascii: ",") {
                if tags[end] == UInt8(ascii: "=") {
                    if equals < 0 { equals = end } else { twoEquals = true }
                }
                end += 1
            }
            let item = start..<end
            start = end + 1
            count += 1
            // Two parts: exactly one '=' byte.
            guard equals >= 0, !twoEquals else {
                note(.format, item)
                continue
            }
            let key = UnsafeRawBufferPointer(rebasing: tags[item.lowerBound..<equals])
            let value = UnsafeRawBufferPointer(rebasing: tags[(equals + 1)..<item.upperBound])
            // Lengths in characters (scalars), counted only when the bytes could exceed them.
            if key.isEmpty || (key.count > maximumTagKeyLength && scalarCount(key) > maximumTagKeyLength) {
                note(.keyLength, item)
            }
            if value.count > maximumTagValueLength, scalarCount(value) > maximumTagValueLength {
                note(.valueLength, item)
            }
            if !isTagText(key) || !isTagText(value) { note(.characters, item) }
            if hasAWSPrefix(key) { note(.awsPrefix, item) }
            if key.sameBytes(as: driverTagKey) { note(.driverKey, item) }
            if count <= maximumExtraTags + 1 {
                var seen = false
                var index = 0
                while index < keys.count, !seen {
                    seen = UnsafeRawBufferPointer(rebasing: tags[keys[index]..<keys[index + 1]]).sameBytes(as: key)
                    index += 2
                }
                if seen {
                    note(.duplicate, item)
                } else {
                    keys.append(item.lowerBound)
                    keys.append(equals)
                }
            }
        }
        if !found.isEmpty {
            for problem in TagProblem.allCases where found[2 * problem.rawValue] >= 0 {
                let item = UnsafeRawBufferPointer(
                    rebasing: tags[found[2 * problem.rawValue]..<found[2 * problem.rawValue + 1]])
                let text = Substring(String(decoding: item, as: UTF8.self))
                violations.append(deny("extra-tags", .extraTags, nil, problem.explanation(text)))
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

    /// Unicode scalars in valid UTF-8: every byte but continuation bytes starts one.
    static func scalarCount(_ bytes: UnsafeRawBufferPointer) -> Int {
        bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    /// The key's first four characters are "aws:" in any case (AWS reserves the prefix:
    /// "AWS:", "Aws:"). Characters, not bytes: a mark after the ':' joins it into another
    /// character, so only a key with a non-ASCII fifth byte is read as characters.
    static func hasAWSPrefix(_ key: UnsafeRawBufferPointer) -> Bool {
        guard key.count >= 4 else { return false }
        for (offset, wanted) in "aws:".utf8.enumerated() {
            let byte = key[offset]
            guard (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) == wanted else { return false }
        }
        guard key.count > 4, key[4] >= 0x80 else { return true }
        return Substring(String(decoding: key, as: UTF8.self)).prefix(4).asciiCaseInsensitiveEquals("aws:")
    }

    /// AWS's tag pattern `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$` (with '=' already split off).
    static func isTagText(_ text: UnsafeRawBufferPointer) -> Bool {
        // ASCII, the common case, without the Unicode tables: its only letters, numbers and
        // separators are A-Z, a-z, 0-9 and the space.
        for byte in text {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: " "), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"),
                UInt8(ascii: "@"):
                continue
            case 0x80...:
                return isTagText(scalars: String(decoding: text, as: UTF8.self).unicodeScalars)
            default:
                return false
            }
        }
        return true
    }

    static func isTagText(scalars: String.UnicodeScalarView) -> Bool {
        scalars.allSatisfy { scalar in
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
