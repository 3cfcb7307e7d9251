import FSXTestSupport
import Testing

@testable import FSXCore

/// The StorageClass rule tables, written out for `tests/policy`, which judges every class with
/// the generated ValidatingAdmissionPolicies (CEL) and with `fsx-webhook check` and requires
/// the same verdicts. Beside the named rows: seeded random classes that mix valid and invalid
/// values of every key, so the two renderings are compared off the beaten path too.
///
/// The file is committed; this test fails when it differs from the tables. Re-record with
/// `FSX_RECORD_POLICY_FIXTURES=1 swift test --filter PolicyFixtureExport`.
@Suite("Rule tables exported as policy fixtures")
struct PolicyFixtureExportTests {
    /// Values that reach every branch of the rules: valid, near misses and hostile shapes.
    static let values: [String] = [
        "", "SCRATCH_1", "SCRATCH_2", "PERSISTENT_1", "PERSISTENT_2", "persistent_2", "SCRATCH1", "SSD", "HDD",
        "INTELLIGENT_TIERING", "hdd", "NONE", "READ", "LZ4", "2.10", "2.12", "2.15", "2.16", "12", "40", "50", "100",
        "125", "200", "250", "500", "1000", "0", "7", "90", "91", "-1", "+7", "2147483647", "2147483648",
        "99999999999999999999", "00050", "1500", "12000", "24000", "13000", "192000", "204000", "AUTOMATIC",
        "USER_PROVISIONED", "automatic", "true", "false", "TRUE", "t", "yes", "NEW", "NEW_CHANGED",
        "NEW_CHANGED_DELETED", "s3://bucket", "s3://bucket/prefix", "s3://other-bucket/x", "s3://Bucket",
        "s3://a..b", "s3://192.168.1.1", "s3://xn--abc", "s3://ab", "s3://-bucket", "s3://bucket_x",
        "s3://b-s3alias/p", "s3://", "https://bucket", "s3://bucket/a\u{2028}b", "05:00", "24:00", "5:00",
        "7:09:00", "0:09:00", "8:09:00", "alias/fsx", "arn:aws:kms:us-west-2:111122223333:alias/fsx",
        "arn:aws:kms:us-west-2:111122223333:key/1234abcd", "team=ml,env=dev", "aws:x=1", "AWS:x=1",
        "CSIVolumeName=x", "team=ml,team=ai", "team=ml,", "a=b=c", "=v", "k=v\u{1}", "日本=値", "a",
        "sg-0123456789abcdef0", "sg-0123456789abcdef0,sg-0fedcba987654321f", "sg-0123456789abcdef0, sg-0fedcba9",
        " sg-0123456789abcdef0", "default", "subnet-0123456789abcdef0", "subnet-0123456789abcdef0,subnet-0fedcba9",
        "subnet-0123 456789abcdef0", "subnet-0123456789ABCDEF0",
        FSxStorageClasses.securityGroups(6), FSxStorageClasses.securityGroups(16), FSxStorageClasses.securityGroups(17),
        FSxStorageClasses.tags(49), FSxStorageClasses.tags(50),
        String(repeating: "k", count: 129) + "=v", "k=" + String(repeating: "v", count: 257),
    ]

    /// Keys the driver reads, and ones it does not (typos, look-alikes, reserved and fstype keys).
    static let keys: [String] =
        FSxParameter.keys + [
            "fileSystemId", "basedir", "throughputCapacity", "s3OutputPath", "subnetID", "kms\u{212A}eyId",
            "csi.storage.k8s.io/fstype", "csi.storage.k8s.io/pvc/name", "csi.storage.k8s.io/provisioner-secret-name",
            "csi.storage.k8s.io/fs-type", "fsType", "FSTYPE", "csiProvisionerSecretName", "my key",
        ]

    static let mountOptions: [JSONValue] = [
        "flock", "noflock", "localflock", "noatime", "flock,noatime", "x-systemd.automount", "network=tcp",
        "fl0ck", "relatime", "lazystatfs", "flock=1", "",
    ]

    static func randomCases(count: Int) -> [FSxRuleCase] {
        var random = SeededGenerator(seed: 0x5EED_CE1)
        let presets: [[FSxEdit]] = [
            [], FSxStorageClasses.scratch1, FSxStorageClasses.scratch2, FSxStorageClasses.persistent1,
            FSxStorageClasses.persistent1HDD, FSxStorageClasses.noBaseParameters,
        ]
        return (0..<count).map { index in
            var edits = presets.randomElement(using: &random)!
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let key = keys.randomElement(using: &random)!
                switch Int.random(in: 0..<10, using: &random) {
                case 0: edits.append(.remove(key))
                case 1:
                    edits.append(.set(key, .string(StorageClassByteComparisonTests.randomText(&random, maxPieces: 4))))
                default: edits.append(.set(key, .string(values.randomElement(using: &random)!)))
                }
            }
            switch Int.random(in: 0..<8, using: &random) {
            case 0: edits.append(.top("allowVolumeExpansion", .bool(Bool.random(using: &random))))
            case 1:
                let options = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                    mountOptions.randomElement(using: &random)!
                }
                edits.append(.top("mountOptions", .array(options)))
            default: break
            }
            return FSxRuleCase("random\(index)", edits)
        }
    }

    /// Every row as a StorageClass named after it, in one `v1` `List`.
    static func document() -> String {
        let rows = storageClassDeniedCases + storageClassAllowedCases + randomCases(count: 400)
        let items: [JSONValue] = rows.map { row in
            guard case .object(var object) = FSxStorageClasses.make(row.input) else { return .null }
            object["metadata"] = ["name": .string(row.name.lowercased())]
            return .object(object)
        }
        let list: JSONValue = ["apiVersion": "v1", "kind": "List", "items": .array(items)]
        return JSONWriter.string(list, style: .pretty) + "\n"
    }

    @Test func committedFixturesMatchTheRuleTables() throws {
        try RecordedFile.check(
            Self.document(), at: "tests/policy/fixtures/rule-tables.json", filter: "PolicyFixtureExport")
    }
}
