import Testing

@testable import FSXCore

/// The byte-level fast paths of the StorageClass validators and `ObjectType` against the
/// `Character`-based code they short-cut, on seeded random text that mixes valid shapes,
/// ASCII punctuation and non-ASCII that grapheme breaking or canonical equivalence treats
/// specially (combining marks, a prepend character, CR LF, KELVIN SIGN).
@Suite("StorageClass fast paths agree with the general code")
struct StorageClassFastPathTests {

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

    @Test func tagsFastPathNeverHidesAProblem() {
        var random = SeededGenerator(seed: 0x5C_0001)
        var clean = 0
        var inputs = (0..<4000).map { _ in Self.randomTags(&random) }
        inputs += [
            "a=b", "aws:x=1", "AWS:x=1", "awsx=1", "aw=1", "CSIVolumeName=x", "csivolumename=x", "a=b,a=c", "a=b,A=c",
            "=b", "a=", "a==b", "a=b=c", "a=b,", ",a=b", "a b=c d", "a\r\nb=c", "a=b\r", "é=1", "e\u{301}=1,é=2",
            "kelvin\u{212A}=1", "a" + String(repeating: "k", count: 127) + "=v",
            String(repeating: "k", count: 129) + "=v",
            "k=" + String(repeating: "v", count: 256), "k=" + String(repeating: "v", count: 257),
            (0..<49).map { "k\($0)=v" }.joined(separator: ","), (0..<50).map { "k\($0)=v" }.joined(separator: ","),
        ]
        for tags in inputs where !tags.isEmpty {
            var general: [Violation] = []
            StorageClassValidator.checkTags(tags, into: &general)
            if StorageClassValidator.areCleanASCIITags(tags) {
                clean += 1
                #expect(general.isEmpty, "fast path passed \(tags.debugDescription)")
            }
        }
        // The corpus reaches the fast path often enough to mean something.
        #expect(clean > 500)
    }

    /// The split and ID check of `checkSecurityGroups` as they were before the fast path.
    static func referenceSecurityGroups(_ list: String) -> (count: Int, bad: Int) {
        var count = 0
        var bad = 0
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            count += 1
            if !referenceIsAWSID(String(item), prefix: "sg-") { bad += 1 }
        }
        return (count, bad)
    }

    /// `Patterns.isAWSID` as it was: `Character` prefix, then bytes.
    static func referenceIsAWSID(_ s: String, prefix: String, minDigits: Int = 8, maxDigits: Int = 17) -> Bool {
        guard s.hasPrefix(prefix) else { return false }
        let rest = s.utf8.dropFirst(prefix.utf8.count)
        guard rest.count >= minDigits, rest.count <= maxDigits else { return false }
        return rest.allSatisfy { Patterns.isLowerHex($0) }
    }

    @Test func securityGroupFastPathAgrees() {
        var random = SeededGenerator(seed: 0x5C_0002)
        var clean = 0
        for _ in 0..<4000 {
            let count = Int.random(in: 1...20, using: &random)
            let list = (0..<count).map { _ in
                Int.random(in: 0..<6, using: &random) == 0
                    ? Self.randomText(&random, maxPieces: 3)
                    : "sg-" + String(UInt64.random(in: 0...UInt64.max, using: &random), radix: 16)
            }.joined(separator: ",")
            guard !list.isEmpty else { continue }
            let reference = Self.referenceSecurityGroups(list)
            if let fast = StorageClassValidator.cleanSecurityGroupCount(list) {
                clean += 1
                #expect(reference.bad == 0 && fast == reference.count, "\(list.debugDescription)")
            } else {
                #expect(reference.bad > 0, "\(list.debugDescription)")
            }
        }
        #expect(clean > 500)
    }

    @Test func awsIDAgreesWithCharacterPrefix() {
        var random = SeededGenerator(seed: 0x5C_0003)
        let prefixes = ["sg-", "subnet-", "fs-", "", "K", "sg\r", "\u{600}", "e\u{301}", "é"]
        var inputs: [(String, String)] = [
            ("\u{212A}0123abcd", "K"), ("K0123abcd", "K"), ("\u{600}0123abcd", "\u{600}"), ("sg\r\n0123abcd", "sg\r"),
            ("sg\r0123abcd", "sg\r"), ("é0123abcd", "e\u{301}"), ("e\u{301}0123abcd", "é"),
        ]
        for _ in 0..<4000 {
            let prefix = prefixes.randomElement(using: &random)!
            let digits = String(repeating: "0a", count: Int.random(in: 0...10, using: &random))
            let s =
                Bool.random(using: &random)
                ? prefix + String(digits.prefix(Int.random(in: 0...20, using: &random)))
                : Self.randomText(&random, maxPieces: 4)
            inputs.append((s, prefix))
        }
        for (s, prefix) in inputs {
            #expect(
                Patterns.isAWSID(s, prefix: prefix) == Self.referenceIsAWSID(s, prefix: prefix),
                "\(s.debugDescription) \(prefix.debugDescription)")
        }
    }

    /// `ObjectType(of:)` as it was: the first "/" `Character`.
    static func referenceType(_ apiVersion: String) -> (group: String, version: String) {
        guard let slash = apiVersion.firstIndex(of: "/") else { return ("", apiVersion) }
        return (String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...]))
    }

    @Test func objectTypeSplitsLikeCharacters() {
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

    @Test func parameterKeysMatchTheDictionary() {
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
            #expect(FSxParameter(key: key) == FSxParameter.byKey[key], "\(key.debugDescription)")
        }
    }

    @Test func booleansAreGoParseBoolForms() {
        let parameters = { (text: String) in
            var violations: [Violation] = []
            let read = StorageClassParameters(
                reading: JSONObject([.init(key: "efaEnabled", value: .string(text))]), unknownParameters: .warn,
                into: &violations)
            return StorageClassValidator.boolean(.efaEnabled, read, into: &violations)
        }
        let others = ["", "yes", "no", "tRUE", "True ", "01", "\u{301}", "t\u{301}"]
        for text in FSxValues.trueForms.sorted() + FSxValues.falseForms.sorted() + others {
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

    /// `PersistentVolumeValidator.isHostname` as it was: split into `Character`s at ".".
    static func referenceIsHostname(_ name: String) -> Bool {
        guard name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            let bytes = label.utf8
            guard !bytes.isEmpty, bytes.count <= 63, bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-")
            else { return false }
            return bytes.allSatisfy { b in
                Patterns.isDigit(b) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == UInt8(ascii: "-")
            }
        }
    }

    @Test func hostnameOverBytesAgrees() {
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

    /// The length shortcuts for keys (`FSxParameter(key:)`, the top-level fields of a class)
    /// rely on this: only these scalars are canonically equivalent to ASCII text.
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

    /// The bit set of unreadable keys and the value slots have room for every parameter.
    @Test func everyParameterHasAnUnreadableBitAndASlot() {
        #expect(FSxParameter.allCases.count <= UInt32.bitWidth)
        var violations: [Violation] = []
        let members = FSxParameter.allCases.map { JSONObject.Member(key: $0.key, value: .string("v\($0.rawValue)")) }
        let read = StorageClassParameters(
            reading: JSONObject(members), unknownParameters: .warn, into: &violations)
        for parameter in FSxParameter.allCases {
            #expect(read[parameter] == "v\(parameter.rawValue)")
        }
    }
}
