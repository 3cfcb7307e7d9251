import FSXTestSupport
import Testing

@testable import FSXCore

/// Keys, values and lists are compared and split byte for byte, as the driver's Go code
/// does: checked against byte-level references on seeded random text that mixes valid shapes,
/// ASCII punctuation and non-ASCII that grapheme breaking or canonical equivalence treats
/// specially (combining marks, a prepend character, CR LF, KELVIN SIGN).
@Suite("StorageClass rules compare bytes, as the driver does")
struct StorageClassByteComparisonTests {

    static let pieces: [String] = [
        "a", "Z", "k", "K", "0", "7", "f", " ", "_", ".", ":", "/", "+", "-", "@", "=", ",", "\t", "!", "\"",
        "\r", "\n", "\r\n", "\u{0}", "\u{7F}",
        "é", "e\u{301}", "\u{301}", "\u{200D}", "\u{600}", "\u{212A}", "\u{2028}", "日", "\u{1F600}", "\u{85}",
        "aws:", "AWS:", "Aws:", "CSIVolumeName", "team", "ml", "cost-center", "1234",
        "sg-", "sg-0123456789abcdef0", "sg-0fedcba9", "subnet-", "subnet-0123456789abcdef0", "fs-0123abcd",
        "0123456789abcdef", "storage.k8s.io", "v1", "batch",
    ]

    static func randomText(_ random: inout SeededGenerator, maxPieces: Int = 12) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...maxPieces, using: &random) {
            text += pieces.randomElement(using: &random)!
        }
        return text
    }

    /// Random `key=value` lists, mostly valid so the fast path is reached.
    static func randomTags(_ random: inout SeededGenerator) -> String {
        let count = Int.random(in: 1...55, using: &random)
        let mostlyValid = Bool.random(using: &random)
        var items: [String] = []
        for index in 0..<count {
            if mostlyValid, Int.random(in: 0..<40, using: &random) != 0 {
                let key = ["team", "Team", "cost-center", "owner", "env", "a b", "x.y/z", "k\(index)"]
                    .randomElement(using: &random)!
                items.append("\(key)\(index)=\(["ml", "", "1234", "a+b@c", "q:r"].randomElement(using: &random)!)")
            } else {
                items.append(randomText(&random, maxPieces: 6))
            }
        }
        return items.joined(separator: ",")
    }

    @Test func tagsAreSplitAtCommaBytes() {
        // Go's strings.Split cuts at the ',' byte even when a combining mark follows it, which
        // makes ",\u{301}" one `Character`: the second tag starts with the mark, a character
        // AWS tags do not allow, and is not glued to the first.
        var violations: [Violation] = []
        StorageClassValidator.checkTags("team=ml,\u{301}x=y", into: &violations)
        #expect(violations.count == 1)
        #expect(violations.first?.message.contains("characters AWS tags do not allow") == true)
        // Keys compare by bytes: "e\u{301}" and "é" are two keys to AWS, not a duplicate.
        violations = []
        StorageClassValidator.checkTags("e\u{301}=1,\u{E9}=2", into: &violations)
        #expect(!violations.contains { $0.message.contains("twice") })
        violations = []
        StorageClassValidator.checkTags("team=ml,team=data", into: &violations)
        #expect(violations.contains { $0.message.contains("twice") })
    }

    @Test func tagDuplicatesAreFoundAmongManyTags() {
        var violations: [Violation] = []
        let tags = (0..<48).map { "k\($0)=v" } + ["k3=again"]
        StorageClassValidator.checkTags(tags.joined(separator: ","), into: &violations)
        #expect(violations.map(\.message).contains { $0.contains("twice") })
        violations = []
        // A hostile list: counted once, not compared pairwise.
        StorageClassValidator.checkTags(
            Array(repeating: "a=b", count: 200_000).joined(separator: ","), into: &violations)
        #expect(violations.contains { $0.message.contains("200000 tags") })
    }

    /// `checkTags` by its definition: Go's `strings.Split` over bytes, lengths in Unicode
    /// scalars, and AWS's tag pattern by Unicode category for every scalar.
    static func referenceTagViolations(_ tags: String) -> [Violation] {
        func isTagText(_ bytes: ArraySlice<UInt8>) -> Bool {
            String(decoding: bytes, as: UTF8.self).unicodeScalars.allSatisfy { scalar in
                if "_.:/=+-@".unicodeScalars.contains(scalar) { return true }
                switch scalar.properties.generalCategory {
                case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                    .decimalNumber, .letterNumber, .otherNumber, .spaceSeparator, .lineSeparator, .paragraphSeparator:
                    return true
                default:
                    return false
                }
            }
        }
        func scalars(_ bytes: ArraySlice<UInt8>) -> Int { String(decoding: bytes, as: UTF8.self).unicodeScalars.count }
        typealias Problem = StorageClassValidator.TagProblem
        var found: [Problem: ArraySlice<UInt8>] = [:]
        var keys: [ArraySlice<UInt8>] = []
        let items = Array(tags.utf8).split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        for (index, item) in items.enumerated() {
            func note(_ problem: Problem) { if found[problem] == nil { found[problem] = item } }
            let parts = item.split(separator: UInt8(ascii: "="), omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                note(.format)
                continue
            }
            let (key, value) = (parts[0], parts[1])
            if scalars(key) == 0 || scalars(key) > StorageClassValidator.maximumTagKeyLength { note(.keyLength) }
            if scalars(value) > StorageClassValidator.maximumTagValueLength { note(.valueLength) }
            if !isTagText(key) || !isTagText(value) { note(.characters) }
            let keyText = Substring(String(decoding: key, as: UTF8.self))
            if key.count >= 4, keyText.prefix(4).asciiCaseInsensitiveEquals("aws:") { note(.awsPrefix) }
            if Array(key) == Array(StorageClassValidator.driverTagKey.utf8) { note(.driverKey) }
            if index < StorageClassValidator.maximumExtraTags + 1 {
                if keys.contains(where: { Array($0) == Array(key) }) { note(.duplicate) } else { keys.append(key) }
            }
        }
        var violations: [Violation] = Problem.allCases.compactMap { problem in
            found[problem].map {
                StorageClassValidator.deny(
                    "extra-tags", .extraTags, nil, problem.explanation(Substring(String(decoding: $0, as: UTF8.self))))
            }
        }
        if items.count > StorageClassValidator.maximumExtraTags {
            violations.append(
                StorageClassValidator.deny(
                    "extra-tags", .extraTags, nil,
                    "has \(items.count) tags; AWS allows 50 per file system and the driver adds CSIVolumeName, "
                        + "so at most 49; remove some"))
        }
        return violations
    }

    @Test func tagsAreJudgedAsByTheirDefinition() {
        var random = SeededGenerator(seed: 0x5C_0007)
        var lists = ["team=ml,cost-center=1234", "a b=c d", "k=v\u{85}", "=v", "k==v", "aws:x=1", "AWS:x=1"]
        lists.append(String(repeating: "k", count: 128) + "=v," + String(repeating: "\u{E9}", count: 129) + "=v")
        lists.append("k=" + String(repeating: "\u{1F600}", count: 256) + ",k2=" + String(repeating: "v", count: 257))
        for _ in 0..<2_000 { lists.append(Self.randomTags(&random)) }
        for _ in 0..<1_000 { lists.append(Self.randomText(&random, maxPieces: 20)) }
        for tags in lists {
            var violations: [Violation] = []
            StorageClassValidator.checkTags(tags, into: &violations)
            #expect(violations == Self.referenceTagViolations(tags), "\(tags.debugDescription)")
        }
    }

    /// `Patterns.isAWSID` by its definition, over bytes.
    static func referenceIsAWSID(_ s: String, prefix: String, minDigits: Int = 8, maxDigits: Int = 17) -> Bool {
        let bytes = Array(s.utf8)
        let prefixBytes = Array(prefix.utf8)
        guard bytes.starts(with: prefixBytes) else { return false }
        let rest = bytes.dropFirst(prefixBytes.count)
        guard rest.count >= minDigits, rest.count <= maxDigits else { return false }
        return rest.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    @Test func securityGroupsSplitAtCommaBytes() {
        var violations: [Violation] = []
        var found: [Violation] = []
        StorageClassParameters.reading(
            JSONObject([
                .init(key: "securityGroupIds", value: "sg-0123456789abcdef0,\u{301}sg-0123456789abcdef0")
            ]),
            unknownParameters: .warn, into: &violations, or: ()
        ) { read in
            StorageClassValidator.checkSecurityGroups(read, into: &found)
        }
        violations += found
        #expect(FSxExpected.of(violations) == [.deny("sg-format", "parameters.securityGroupIds")])
        #expect(violations.first?.message.contains("\u{301}sg-") == true)
    }

    @Test func awsIDsAreCheckedOverBytes() {
        var random = SeededGenerator(seed: 0x5C_0003)
        var inputs: [String] = [
            "sg-0123abcd", "sg-0123ABCD", "sg\r\n0123abcd", "sg-0123abcd\u{301}", "\u{212A}0123abcd", "sg-",
            "sg-0123456789abcdef01", "sg-0123456789abcdef012",
        ]
        for _ in 0..<4000 {
            let digits = String(repeating: "0a", count: Int.random(in: 0...10, using: &random))
            inputs.append(
                Bool.random(using: &random)
                    ? "sg-" + String(digits.prefix(Int.random(in: 0...20, using: &random)))
                    : Self.randomText(&random, maxPieces: 4))
        }
        for s in inputs {
            #expect(
                Patterns.isAWSID(s, prefix: "sg-") == Self.referenceIsAWSID(s, prefix: "sg-"), "\(s.debugDescription)")
        }
    }

    /// `ObjectType(of:)` by definition: split at the first '/' byte, as Go's ParseGroupVersion.
    static func referenceType(_ apiVersion: String) -> (group: String, version: String) {
        let bytes = Array(apiVersion.utf8)
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else { return ("", apiVersion) }
        return (
            String(decoding: bytes[..<slash], as: UTF8.self), String(decoding: bytes[(slash + 1)...], as: UTF8.self)
        )
    }

    @Test func objectTypeSplitsAtTheFirstSlashByte() {
        var random = SeededGenerator(seed: 0x5C_0004)
        var inputs = [
            "", "/", "v1", "storage.k8s.io/v1", "a/b/c", "/v1", "g/", "g/\u{301}v1", "\u{600}/v1", "a\r\n/b",
            "é/v1", "g\u{200D}/v1", "日本/v1",
        ]
        inputs += (0..<3000).map { _ in Self.randomText(&random, maxPieces: 6) }
        for apiVersion in inputs {
            let type = ObjectType(of: .object(JSONObject([.init(key: "apiVersion", value: .string(apiVersion))])))
            let reference = Self.referenceType(apiVersion)
            #expect(
                type.group == reference.group && type.version == reference.version, "\(apiVersion.debugDescription)")
            #expect(type.group.utf8.elementsEqual(reference.group.utf8))
            #expect(type.version.utf8.elementsEqual(reference.version.utf8))
        }
    }

    @Test func parameterKeysMatchByBytes() {
        var random = SeededGenerator(seed: 0x5C_0005)
        var inputs = FSxParameter.keys
        inputs += FSxParameter.keys.map { $0.uppercased() }
        inputs += FSxParameter.keys.map { String($0.dropLast()) + "x" }
        inputs += ["kms\u{212A}eyId", "kmsKeyId\u{301}", "", "ab", "abc", "subnetIdx", "s3importPath"]
        for _ in 0..<3000 {
            var key = FSxParameter.keys.randomElement(using: &random)!
            if Bool.random(using: &random) {
                var scalars = Array(key.unicodeScalars)
                scalars[Int.random(in: 0..<scalars.count, using: &random)] =
                    Self.randomText(&random, maxPieces: 1).unicodeScalars.first ?? "x"
                key = String(String.UnicodeScalarView(scalars))
            }
            inputs.append(key)
            inputs.append(Self.randomText(&random))
        }
        for key in inputs {
            let reference = FSxParameter.allCases.first { Array($0.key.utf8) == Array(key.utf8) }
            #expect(FSxParameter(key: key) == reference, "\(key.debugDescription)")
        }
        // The look-alike is canonically equivalent to the real key, and still not it.
        #expect("kms\u{212A}eyId" == "kmsKeyId")
        #expect(FSxParameter(key: "kms\u{212A}eyId") == nil)
    }

    @Test func booleansAreGoParseBoolForms() {
        let parameters = { (text: String) in
            var violations: [Violation] = []
            var found: [Violation] = []
            return StorageClassParameters.reading(
                JSONObject([.init(key: "efaEnabled", value: .string(text))]), unknownParameters: .warn,
                into: &violations, or: .absent
            ) { read in
                StorageClassValidator.boolean(.efaEnabled, read, into: &found)
            }
        }
        let others = ["", "yes", "no", "tRUE", "True ", "01", "\u{301}", "t\u{301}"]
        for text in FSxValues.trueForms + FSxValues.falseForms + others {
            let expected: Bool? =
                FSxValues.trueForms.contains(text) ? true : FSxValues.falseForms.contains(text) ? false : nil
            switch parameters(text) {
            case .value(let value): #expect(value == expected, "\(text.debugDescription)")
            case .invalid: #expect(expected == nil, "\(text.debugDescription)")
            case .absent: #expect(Bool(false), "\(text.debugDescription) read as absent")
            }
        }
    }

    @Test func subjectIsTheInterpolatedText() {
        var random = SeededGenerator(seed: 0x5C_0006)
        var inputs: [(String, String, String)] = [
            ("", "", ""), ("Job", "ml", "train"), ("StorageClass", "", "fsx"), ("\u{301}", "\u{301}", "\u{301}"),
            ("Pod", "n\r", "\nx"), (String(repeating: "k", count: 40), "é", "e\u{301}"),
        ]
        for _ in 0..<2000 {
            inputs.append((Self.randomText(&random), Self.randomText(&random), Self.randomText(&random)))
        }
        for (kind, namespace, name) in inputs {
            let kindText = kind.isEmpty ? "object" : kind
            let nameText = name.isEmpty ? "(unnamed)" : name
            let expected =
                namespace.isEmpty ? "\(kindText) \"\(nameText)\"" : "\(kindText) \"\(namespace)/\(nameText)\""
            let subject = AdmissionEngine.subject(kind: kind, namespace: namespace, name: name)
            #expect(subject.utf8.elementsEqual(expected.utf8), "\(subject.debugDescription)")
        }
    }

    /// `PersistentVolumeValidator.isHostname` by its definition: labels between '.' bytes.
    static func referenceIsHostname(_ name: String) -> Bool {
        guard name.utf8.count <= 253 else { return false }
        return Array(name.utf8).split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy {
            label in
            let bytes = label
            guard !bytes.isEmpty, bytes.count <= 63, bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-")
            else { return false }
            return bytes.allSatisfy { b in
                Patterns.isDigit(b) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == UInt8(ascii: "-")
            }
        }
    }

    @Test func hostnamesAreCheckedOverBytes() {
        var random = SeededGenerator(seed: 0x5C_0007)
        var inputs = [
            "", ".", "a", "a.", ".a", "a..b", "-a.b", "a-.b", "fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com",
            "10.0.0.1", "a.\u{301}b", "a\u{301}.b", "é.com", "a\r\n.b", String(repeating: "a", count: 63) + ".b",
            String(repeating: "a", count: 64) + ".b", String(repeating: "a.", count: 126) + "a",
            String(repeating: "a.", count: 127) + "a",
        ]
        let parts = ["a", "Z", "0", "-", ".", "fs-0123abcd", "fsx", "\u{301}", "é", "_", " ", "\r\n"]
        for _ in 0..<4000 {
            var name = ""
            for _ in 0..<Int.random(in: 0...10, using: &random) { name += parts.randomElement(using: &random)! }
            inputs.append(name)
        }
        for name in inputs {
            #expect(
                PersistentVolumeValidator.isHostname(name) == Self.referenceIsHostname(name), "\(name.debugDescription)"
            )
        }
    }

    /// Why `==` on `String` is not the driver's comparison, and why the few `Set<String>`
    /// lookups kept (mount options) are still exact: only these scalars are canonically
    /// equivalent to ASCII text, and no mount option holds K, ';' or '`'.
    @Test func onlyThreeScalarsEqualASCII() {
        // Character hashing is by canonical equivalence, so one lookup per scalar suffices.
        let ascii = Set((0x20..<0x7F).map { Character(Unicode.Scalar(UInt8($0))) })
        var found: [UInt32] = []
        for value in UInt32(0x80)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if ascii.contains(Character(scalar)) { found.append(value) }
        }
        #expect(found == [0x37E, 0x1FEF, 0x212A])
    }

    /// Every parameter has its own slot, for a string value and for an unreadable one.
    @Test func everyParameterHasASlot() {
        var violations: [Violation] = []
        let members = FSxParameter.allCases.map { JSONObject.Member(key: $0.key, value: .string("v\($0.rawValue)")) }
        StorageClassParameters.reading(
            JSONObject(members), unknownParameters: .warn, into: &violations, or: ()
        ) { read in
            for parameter in FSxParameter.allCases {
                #expect(read[parameter] == "v\(parameter.rawValue)")
                #expect(!read.isUnreadable(parameter))
            }
        }
        StorageClassParameters.reading(
            JSONObject(FSxParameter.allCases.map { JSONObject.Member(key: $0.key, value: 1) }),
            unknownParameters: .warn, into: &violations, or: ()
        ) { unreadable in
            for parameter in FSxParameter.allCases {
                #expect(unreadable[parameter] == nil)
                #expect(unreadable.isUnreadable(parameter))
            }
        }
    }
}
