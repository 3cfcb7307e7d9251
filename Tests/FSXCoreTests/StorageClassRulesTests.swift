import FSXTestSupport
import Testing

@testable import FSXCore

/// What a test expects of one violation: rule, severity and field, never the wording.
struct FSxExpected: Hashable, Comparable, Sendable, CustomStringConvertible {
    var rule: String
    var severity: Violation.Severity
    var field: String

    static func deny(_ rule: String, _ field: String) -> FSxExpected {
        FSxExpected(rule: rule, severity: .deny, field: field)
    }
    static func warn(_ rule: String, _ field: String) -> FSxExpected {
        FSxExpected(rule: rule, severity: .warn, field: field)
    }

    init(rule: String, severity: Violation.Severity, field: String) {
        self.rule = rule
        self.severity = severity
        self.field = field
    }

    init(_ violation: Violation) {
        self.init(rule: violation.rule.rawValue, severity: violation.severity, field: violation.field)
    }

    static func < (a: FSxExpected, b: FSxExpected) -> Bool { a.description < b.description }
    var description: String { "\(severity.rawValue) \(rule) @ \(field)" }

    static func of(_ violations: [Violation]) -> [FSxExpected] { violations.map(FSxExpected.init).sorted() }

    /// What every message of a rule table must be: one line that starts with its field, and
    /// for a warning, short enough to read in kubectl's output.
    static func checkMessages(_ violations: [Violation], sourceLocation: SourceLocation = #_sourceLocation) {
        for violation in violations {
            #expect(
                !violation.message.contains { $0.isNewline || ($0.asciiValue.map { $0 < 0x20 } ?? false) },
                "\(violation.message)", sourceLocation: sourceLocation)
            #expect(
                violation.message.hasPrefix(violation.field), "\(violation.message)", sourceLocation: sourceLocation)
            if violation.severity == .warn {
                #expect(violation.message.count < 120, "\(violation.message)", sourceLocation: sourceLocation)
            }
        }
    }
}

/// A change to the valid base StorageClass used by the rule tables.
enum FSxEdit: Sendable {
    case set(String, JSONValue)
    case remove(String)
    /// A top-level field of the StorageClass (`allowVolumeExpansion`, `mountOptions`, ...).
    case top(String, JSONValue)
    /// Removes a top-level field (`parameters`, for a static-binding class).
    case removeTop(String)
}

enum FSxStorageClasses {
    /// A class with no problem at all: PERSISTENT_2 SSD at 250 MB/s/TiB on Lustre 2.15.
    static let baseParameters: [(String, JSONValue)] = [
        ("subnetId", "subnet-0123456789abcdef0"),
        ("securityGroupIds", "sg-0123456789abcdef0"),
        ("deploymentType", "PERSISTENT_2"),
        ("perUnitStorageThroughput", "250"),
        ("fileSystemTypeVersion", "2.15"),
    ]

    static func make(_ edits: [FSxEdit]) -> JSONValue {
        var parameters = JSONObject(baseParameters.map { JSONObject.Member(key: $0.0, value: $0.1) })
        var root = JSONObject([
            .init(key: "apiVersion", value: "storage.k8s.io/v1"),
            .init(key: "kind", value: "StorageClass"),
            .init(key: "metadata", value: ["name": "fsx"]),
            .init(key: "provisioner", value: "fsx.csi.aws.com"),
        ])
        for edit in edits {
            switch edit {
            case .set(let key, let value): parameters[key] = value
            case .remove(let key): parameters[key] = nil
            case .top, .removeTop: break
            }
        }
        root["parameters"] = .object(parameters)
        for edit in edits {
            switch edit {
            case .top(let key, let value): root[key] = value
            case .removeTop(let key): root[key] = nil
            case .set, .remove: break
            }
        }
        return .object(root)
    }

    /// Removes every parameter of the base class.
    static let noBaseParameters: [FSxEdit] = baseParameters.map { .remove($0.0) }

    static let scratch1: [FSxEdit] = [.set("deploymentType", "SCRATCH_1"), .remove("perUnitStorageThroughput")]
    static let scratch2: [FSxEdit] = [.set("deploymentType", "SCRATCH_2"), .remove("perUnitStorageThroughput")]
    static let persistent1: [FSxEdit] = [
        .set("deploymentType", "PERSISTENT_1"), .set("perUnitStorageThroughput", "200"),
    ]
    static let persistent1HDD: [FSxEdit] = [
        .set("deploymentType", "PERSISTENT_1"), .set("storageType", "HDD"), .set("perUnitStorageThroughput", "40"),
        .set("driveCacheType", "READ"),
    ]

    /// `count` distinct valid security group IDs, comma-separated.
    static func securityGroups(_ count: Int) -> String {
        (0..<count).map { index -> String in
            let hex = String(index, radix: 16)
            return "sg-" + String(repeating: "0", count: 17 - hex.count) + hex
        }.joined(separator: ",")
    }

    /// `count` distinct valid `key=value` tags, comma-separated.
    static func tags(_ count: Int) -> String {
        (0..<count).map { "key\($0)=value\($0)" }.joined(separator: ",")
    }

    static func validate(_ edits: [FSxEdit], policy: WebhookConfiguration.UnknownParameterPolicy = .warn) -> [Violation]
    {
        StorageClassValidator.validate(make(edits), unknownParameters: policy)
    }
}

/// One named row of a rule table: the edits to the base class, the violations expected.
typealias FSxRuleCase = TableCase<[FSxEdit], [FSxExpected]>

private typealias C = FSxRuleCase
private typealias SC = FSxStorageClasses
private func deny(_ rule: String, _ key: String) -> FSxExpected { .deny(rule, "parameters.\(key)") }
private func warn(_ rule: String, _ key: String) -> FSxExpected { .warn(rule, "parameters.\(key)") }
private func set(_ key: String, _ value: JSONValue) -> FSxEdit { .set(key, value) }
private func remove(_ key: String) -> FSxEdit { .remove(key) }

/// Rows whose class must be refused (each expects at least one denial).
let storageClassDeniedCases: [FSxRuleCase] = [
    // subnet-required / subnet-format
    C("deniesMissingSubnet", [remove("subnetId")], [deny("subnet-required", "subnetId")]),
    C("deniesEmptySubnet", [set("subnetId", "")], [deny("subnet-required", "subnetId")]),
    C(
        "deniesSubnetList", [set("subnetId", "subnet-0123456789abcdef0,subnet-0fedcba9876543210")],
        [deny("subnet-format", "subnetId")]),
    C(
        "deniesSubnetWithUppercaseHex", [set("subnetId", "subnet-0123456789ABCDEF0")],
        [deny("subnet-format", "subnetId")]),
    C("deniesSubnetWithSevenDigits", [set("subnetId", "subnet-0123abc")], [deny("subnet-format", "subnetId")]),
    C("deniesSubnetWithSpaces", [set("subnetId", " subnet-0123456789abcdef0")], [deny("subnet-format", "subnetId")]),
    // sg-format / sg-count
    C("deniesMissingSecurityGroups", [remove("securityGroupIds")], [deny("sg-format", "securityGroupIds")]),
    C("deniesEmptySecurityGroups", [set("securityGroupIds", "")], [deny("sg-format", "securityGroupIds")]),
    C(
        "deniesSpaceAfterComma", [set("securityGroupIds", "sg-0123456789abcdef0, sg-0fedcba9876543210")],
        [deny("sg-format", "securityGroupIds")]),
    C(
        "deniesTrailingComma", [set("securityGroupIds", "sg-0123456789abcdef0,")],
        [deny("sg-format", "securityGroupIds")]),
    C("deniesSecurityGroupName", [set("securityGroupIds", "default")], [deny("sg-format", "securityGroupIds")]),
    C(
        "deniesMoreThanSixteenSecurityGroups", [set("securityGroupIds", .string(SC.securityGroups(17)))],
        [deny("sg-format", "securityGroupIds")]),
    // deployment-enum / storage-enum / hdd-needs-p1
    C(
        "deniesLowercaseDeploymentType", [set("deploymentType", "persistent_2")],
        [deny("deployment-enum", "deploymentType")]),
    C(
        "deniesUnknownDeploymentType", [set("deploymentType", "PERSISTENT_3")],
        [deny("deployment-enum", "deploymentType")]),
    C("deniesIntelligentTiering", [set("storageType", "INTELLIGENT_TIERING")], [deny("storage-enum", "storageType")]),
    C("deniesLowercaseStorageType", [set("storageType", "ssd")], [deny("storage-enum", "storageType")]),
    C("deniesHDDOnPersistent2", [set("storageType", "HDD")], [deny("hdd-needs-p1", "storageType")]),
    C(
        "deniesHDDOnScratchByDefault", SC.scratch1 + [remove("deploymentType"), set("storageType", "HDD")],
        [deny("hdd-needs-p1", "storageType")]),
    // throughput-*
    C(
        "deniesThroughputOnScratch2", [set("deploymentType", "SCRATCH_2")],
        [deny("throughput-scratch", "perUnitStorageThroughput")]),
    C(
        "deniesThroughputWithoutDeploymentType", [remove("deploymentType"), set("perUnitStorageThroughput", "200")],
        [deny("throughput-scratch", "perUnitStorageThroughput")]),
    C(
        "deniesPersistent1WithoutThroughput", SC.persistent1 + [remove("perUnitStorageThroughput")],
        [deny("throughput-required", "perUnitStorageThroughput")]),
    C(
        "deniesPersistent2WithoutThroughput", [remove("perUnitStorageThroughput")],
        [deny("throughput-required", "perUnitStorageThroughput")]),
    C(
        "deniesPersistent1ThroughputOnPersistent2", [set("perUnitStorageThroughput", "200")],
        [deny("throughput-values", "perUnitStorageThroughput")]),
    C(
        "deniesPersistent2ThroughputOnPersistent1", SC.persistent1 + [set("perUnitStorageThroughput", "250")],
        [deny("throughput-values", "perUnitStorageThroughput")]),
    C(
        "deniesSSDThroughputOnHDD", SC.persistent1HDD + [set("perUnitStorageThroughput", "50")],
        [deny("throughput-values", "perUnitStorageThroughput")]),
    // drive-cache
    C(
        "deniesHDDWithoutDriveCache", SC.persistent1HDD + [remove("driveCacheType")],
        [deny("drive-cache", "driveCacheType")]),
    C(
        "deniesUnknownDriveCache", SC.persistent1HDD + [set("driveCacheType", "WRITE")],
        [deny("drive-cache", "driveCacheType")]),
    C("deniesDriveCacheOnSSD", [set("driveCacheType", "READ")], [deny("drive-cache", "driveCacheType")]),
    // compression-enum
    C(
        "deniesLowercaseCompression", [set("dataCompressionType", "lz4")],
        [deny("compression-enum", "dataCompressionType")]),
    C(
        "deniesUnknownCompression", [set("dataCompressionType", "ZSTD")],
        [deny("compression-enum", "dataCompressionType")]),
    // lustre-version
    C(
        "deniesUnknownLustreVersion", [set("fileSystemTypeVersion", "2.16")],
        [deny("lustre-version", "fileSystemTypeVersion")]),
    C(
        "deniesLustre210OnPersistent2", [set("fileSystemTypeVersion", "2.10")],
        [deny("lustre-version", "fileSystemTypeVersion")]),
    C(
        "deniesLustre212WithMetadataOnPersistent2",
        [set("fileSystemTypeVersion", "2.12"), set("metadataConfigurationMode", "AUTOMATIC")],
        [deny("lustre-version", "fileSystemTypeVersion")]),
    // s3-on-p2 / s3-path / s3-needs-import / s3-same-bucket / autoimport-enum
    C(
        "deniesImportPathOnPersistent2", [set("s3ImportPath", "s3://ml-training-data")],
        [deny("s3-on-p2", "s3ImportPath")]),
    C("deniesAutoImportOnPersistent2", [set("autoImportPolicy", "NEW")], [deny("s3-on-p2", "autoImportPolicy")]),
    C(
        "deniesPathWithoutScheme", SC.scratch2 + [set("s3ImportPath", "ml-training-data/imagenet")],
        [deny("s3-path", "s3ImportPath")]),
    C(
        "deniesPathWithOneSlash", SC.scratch2 + [set("s3ImportPath", "s3:/ml-training-data")],
        [deny("s3-path", "s3ImportPath")]),
    C("deniesUppercaseBucket", SC.scratch2 + [set("s3ImportPath", "s3://ML-data")], [deny("s3-path", "s3ImportPath")]),
    C("deniesShortBucket", SC.scratch2 + [set("s3ImportPath", "s3://ab/x")], [deny("s3-path", "s3ImportPath")]),
    C(
        "deniesBucketWithDoubleDot", SC.scratch2 + [set("s3ImportPath", "s3://ml..data")],
        [deny("s3-path", "s3ImportPath")]),
    C(
        "deniesBucketStartingWithDash", SC.scratch2 + [set("s3ImportPath", "s3://-mldata")],
        [deny("s3-path", "s3ImportPath")]),
    C(
        "deniesIPAddressBucket", SC.scratch2 + [set("s3ImportPath", "s3://192.168.10.1/data")],
        [deny("s3-path", "s3ImportPath")]),
    C(
        "deniesBucketWithUnderscore", SC.scratch2 + [set("s3ImportPath", "s3://ml_data")],
        [deny("s3-path", "s3ImportPath")]),
    C("deniesEmptyBucket", SC.scratch2 + [set("s3ImportPath", "s3:///prefix")], [deny("s3-path", "s3ImportPath")]),
    C(
        "deniesBadExportPath",
        SC.scratch2 + [set("s3ImportPath", "s3://mldata"), set("s3ExportPath", "s3://mldata\n/x")],
        [deny("s3-path", "s3ExportPath")]),
    C(
        "deniesExportWithoutImport", SC.scratch2 + [set("s3ExportPath", "s3://mldata/out")],
        [deny("s3-needs-import", "s3ExportPath")]),
    C(
        "deniesAutoImportWithoutImport", SC.scratch2 + [set("autoImportPolicy", "NEW")],
        [deny("s3-needs-import", "autoImportPolicy")]),
    C(
        "deniesExportToAnotherBucket",
        SC.scratch2 + [set("s3ImportPath", "s3://mldata/in"), set("s3ExportPath", "s3://mlresults/out")],
        [deny("s3-same-bucket", "s3ExportPath")]),
    C(
        "deniesUnknownAutoImportPolicy",
        SC.scratch2 + [set("s3ImportPath", "s3://mldata"), set("autoImportPolicy", "NEW_CHANGED_DELETE")],
        [deny("autoimport-enum", "autoImportPolicy")]),
    // kms-persistent
    C(
        "deniesKmsKeyOnScratch", SC.scratch2 + [set("kmsKeyId", "1234abcd-12ab-34cd-56ef-1234567890ab")],
        [deny("kms-persistent", "kmsKeyId")]),
    // backup-retention / copy-tags / time-formats
    C(
        "deniesRetentionOverNinety", [set("automaticBackupRetentionDays", "91")],
        [deny("backup-retention", "automaticBackupRetentionDays")]),
    C(
        "deniesRetentionOnScratch", SC.scratch2 + [set("automaticBackupRetentionDays", "7")],
        [deny("backup-retention", "automaticBackupRetentionDays")]),
    C(
        "deniesRetentionWithImportPath",
        SC.persistent1 + [set("s3ImportPath", "s3://mldata"), set("automaticBackupRetentionDays", "7")],
        [deny("backup-retention", "automaticBackupRetentionDays")]),
    C(
        "deniesCopyTagsWithImportPath",
        SC.persistent1 + [set("s3ImportPath", "s3://mldata"), set("copyTagsToBackups", "true")],
        [deny("copy-tags", "copyTagsToBackups")]),
    C(
        "deniesBackupTimeWithoutLeadingZero",
        [set("automaticBackupRetentionDays", "7"), set("dailyAutomaticBackupStartTime", "5:00")],
        [deny("time-formats", "dailyAutomaticBackupStartTime")]),
    C(
        "deniesBackupTimeHour24",
        [set("automaticBackupRetentionDays", "7"), set("dailyAutomaticBackupStartTime", "24:00")],
        [deny("time-formats", "dailyAutomaticBackupStartTime")]),
    C(
        "deniesMaintenanceDayEight", [set("weeklyMaintenanceStartTime", "8:09:00")],
        [deny("time-formats", "weeklyMaintenanceStartTime")]),
    C(
        "deniesMaintenanceDayZero", [set("weeklyMaintenanceStartTime", "0:09:00")],
        [deny("time-formats", "weeklyMaintenanceStartTime")]),
    C(
        "deniesMaintenanceWithoutDay", [set("weeklyMaintenanceStartTime", "09:00")],
        [deny("time-formats", "weeklyMaintenanceStartTime")]),
    C(
        "deniesMaintenanceMinute60", [set("weeklyMaintenanceStartTime", "1:09:60")],
        [deny("time-formats", "weeklyMaintenanceStartTime")]),
    // number-format
    C(
        "deniesDecimalThroughput", [set("perUnitStorageThroughput", "250.0")],
        [deny("number-format", "perUnitStorageThroughput")]),
    C(
        "deniesSignedThroughput", [set("perUnitStorageThroughput", "+250")],
        [deny("number-format", "perUnitStorageThroughput")]),
    C(
        "deniesThroughputBeyondInt32", [set("perUnitStorageThroughput", "4294967546")],
        [deny("number-format", "perUnitStorageThroughput")]),
    C(
        "deniesEmptyRetention", [set("automaticBackupRetentionDays", "")],
        [deny("number-format", "automaticBackupRetentionDays")]),
    C(
        "deniesNegativeRetention", [set("automaticBackupRetentionDays", "-1")],
        [deny("number-format", "automaticBackupRetentionDays")]),
    C(
        "deniesMetadataIopsWithUnit",
        [set("metadataConfigurationMode", "USER_PROVISIONED"), set("metadataIops", "6k")],
        [deny("number-format", "metadataIops")]),
    // bool-format
    C("deniesYesAsBoolean", [set("copyTagsToBackups", "yes")], [deny("bool-format", "copyTagsToBackups")]),
    C("deniesEmptyBoolean", [set("efaEnabled", "")], [deny("bool-format", "efaEnabled")]),
    C("deniesMixedCaseBoolean", [set("efaEnabled", "tRUE")], [deny("bool-format", "efaEnabled")]),
    // metadata
    C(
        "deniesUnknownMetadataMode", [set("metadataConfigurationMode", "AUTO")],
        [deny("metadata", "metadataConfigurationMode")]),
    C(
        "deniesMetadataOnPersistent1", SC.persistent1 + [set("metadataConfigurationMode", "AUTOMATIC")],
        [deny("metadata", "metadataConfigurationMode")]),
    C(
        "deniesUserProvisionedWithoutIops", [set("metadataConfigurationMode", "USER_PROVISIONED")],
        [deny("metadata", "metadataIops")]),
    C(
        "deniesUnofferedMetadataIops",
        [set("metadataConfigurationMode", "USER_PROVISIONED"), set("metadataIops", "5000")],
        [deny("metadata", "metadataIops")]),
    C(
        "deniesMetadataIopsAboveMaximum",
        [set("metadataConfigurationMode", "USER_PROVISIONED"), set("metadataIops", "204000")],
        [deny("metadata", "metadataIops")]),
    C(
        "deniesMetadataIopsWithAutomatic",
        [set("metadataConfigurationMode", "AUTOMATIC"), set("metadataIops", "12000")],
        [deny("metadata", "metadataIops")]),
    // efa
    C("deniesEfaWithoutMetadata", [set("efaEnabled", "true")], [deny("efa", "efaEnabled")]),
    C("deniesEfaOnPersistent1", SC.persistent1 + [set("efaEnabled", "t")], [deny("efa", "efaEnabled")]),
    // extra-tags
    C("deniesTagWithoutValue", [set("extraTags", "team")], [deny("extra-tags", "extraTags")]),
    C("deniesTagWithTwoEquals", [set("extraTags", "team=a=b")], [deny("extra-tags", "extraTags")]),
    C("deniesTrailingCommaInTags", [set("extraTags", "team=ml,")], [deny("extra-tags", "extraTags")]),
    C("deniesAwsTagPrefix", [set("extraTags", "AWS:team=ml")], [deny("extra-tags", "extraTags")]),
    C("deniesDriverTagKey", [set("extraTags", "CSIVolumeName=mine")], [deny("extra-tags", "extraTags")]),
    C("deniesDuplicateTagKeys", [set("extraTags", "team=a,team=b")], [deny("extra-tags", "extraTags")]),
    C("deniesTagCharacters", [set("extraTags", "team=ml!")], [deny("extra-tags", "extraTags")]),
    C(
        "deniesLongTagKey", [set("extraTags", .string(String(repeating: "k", count: 129) + "=v"))],
        [deny("extra-tags", "extraTags")]),
    C(
        "deniesLongTagValue", [set("extraTags", .string("k=" + String(repeating: "v", count: 257)))],
        [deny("extra-tags", "extraTags")]),
    C("deniesFiftyTags", [set("extraTags", .string(SC.tags(50)))], [deny("extra-tags", "extraTags")]),
    C(
        "deniesEachKindOfTagProblemOnce", [set("extraTags", "a,b,team=x,team=y")],
        [deny("extra-tags", "extraTags"), deny("extra-tags", "extraTags")]),
    // csi-reserved
    C(
        "deniesProvisionerAddedClaimName", [set("csi.storage.k8s.io/pvc/name", "claim")],
        [deny("csi-reserved", "csi.storage.k8s.io/pvc/name")]),
    C(
        "deniesProvisionerAddedNamespaceAndVolumeName",
        [set("csi.storage.k8s.io/pvc/namespace", "ml"), set("csi.storage.k8s.io/pv/name", "pv-1")],
        [deny("csi-reserved", "csi.storage.k8s.io/pvc/namespace"), deny("csi-reserved", "csi.storage.k8s.io/pv/name")]),
    C(
        "deniesMisspeltReservedKey", [set("csi.storage.k8s.io/fs-type", "lustre")],
        [deny("csi-reserved", "csi.storage.k8s.io/fs-type")]),
    C(
        "deniesReservedKeyOfAnotherFamily", [set("csi.storage.k8s.io/node-resize-secret-name", "s")],
        [deny("csi-reserved", "csi.storage.k8s.io/node-resize-secret-name")]),
    // fstype-dup
    C(
        "deniesBothFSTypeKeys", [set("fstype", "lustre"), set("csi.storage.k8s.io/fstype", "lustre")],
        [deny("fstype-dup", "csi.storage.k8s.io/fstype")]),
    C(
        "deniesFSTypeKeysInTwoCases", [set("fsType", "lustre"), set("FSTYPE", "lustre")],
        [deny("fstype-dup", "FSTYPE")]),
    // Any parameter declares a provisioning class: every deny rule applies. Driver v1.9.0
    // cannot provision on an existing file system and creates a new one, which needs subnetId.
    C(
        "deniesClassWithOnlyFileSystemId", SC.noBaseParameters + [set("fileSystemId", "fs-0123456789abcdef0")],
        [
            deny("subnet-required", "subnetId"), deny("sg-format", "securityGroupIds"),
            warn("unknown-parameter", "fileSystemId"), warn("lustre-version-default", "fileSystemTypeVersion"),
        ]),
    C(
        "deniesClassWithOnlyFSType", SC.noBaseParameters + [set("csi.storage.k8s.io/fstype", "lustre")],
        [
            deny("subnet-required", "subnetId"), deny("sg-format", "securityGroupIds"),
            warn("lustre-version-default", "fileSystemTypeVersion"),
        ]),
    // parameter-type / field-type
    C(
        "deniesUnquotedNumber", [set("perUnitStorageThroughput", 250)],
        [deny("parameter-type", "perUnitStorageThroughput")]),
    C("deniesUnquotedBoolean", [set("copyTagsToBackups", true)], [deny("parameter-type", "copyTagsToBackups")]),
    C("deniesNullSubnet", [set("subnetId", nil)], [deny("parameter-type", "subnetId")]),
    C(
        "deniesSecurityGroupsAsList", [set("securityGroupIds", ["sg-0123456789abcdef0"])],
        [deny("parameter-type", "securityGroupIds")]),
    C(
        "deniesUnquotedUnknownKey", [set("size", 1200)],
        [deny("parameter-type", "size"), warn("unknown-parameter", "size")]),
    C(
        "deniesQuotedAllowVolumeExpansion", [.top("allowVolumeExpansion", "true")],
        [.deny("field-type", "allowVolumeExpansion")]),
    C("deniesMountOptionsAsString", [.top("mountOptions", "flock")], [.deny("field-type", "mountOptions")]),
    C("deniesNumericMountOption", [.top("mountOptions", ["flock", 1])], [.deny("field-type", "mountOptions[1]")]),
]

/// Rows whose class must be allowed: with no violation, or only the listed warnings.
let storageClassAllowedCases: [FSxRuleCase] = [
    C("allowsValidPersistent2Class", []),
    C("allowsEightDigitSubnet", [set("subnetId", "subnet-01234567")]),
    C("allowsTwoSecurityGroups", [set("securityGroupIds", "sg-0123456789abcdef0,sg-0fedcba9876543210")]),
    C("allowsFiveSecurityGroups", [set("securityGroupIds", .string(SC.securityGroups(5)))]),
    C(
        "warnsAboutSixSecurityGroups", [set("securityGroupIds", .string(SC.securityGroups(6)))],
        [warn("sg-count", "securityGroupIds")]),
    C(
        "warnsAboutSixteenSecurityGroups", [set("securityGroupIds", .string(SC.securityGroups(16)))],
        [warn("sg-count", "securityGroupIds")]),
    C("allowsPersistent1SSD", SC.persistent1),
    C("allowsPersistent1HDDWithReadCache", SC.persistent1HDD),
    C(
        "allowsPersistent1HDDWithoutCache",
        SC.persistent1HDD + [set("perUnitStorageThroughput", "12"), set("driveCacheType", "NONE")]),
    C("allowsExplicitSSD", [set("storageType", "SSD")]),
    C("allowsScratch2WithoutThroughput", SC.scratch2),
    C("allowsThroughput1000OnPersistent2", [set("perUnitStorageThroughput", "1000")]),
    C("allowsLeadingZeroThroughput", [set("perUnitStorageThroughput", "0250")]),
    C("allowsEmptyDriveCacheOnSSD", [set("driveCacheType", "")]),
    C("allowsLZ4", [set("dataCompressionType", "LZ4")]),
    C("allowsLustre212WithoutMetadataOnPersistent2", [set("fileSystemTypeVersion", "2.12")]),
    C("allowsLustre210OnScratch2", SC.scratch2 + [set("fileSystemTypeVersion", "2.10")]),
    C(
        "warnsAboutDefaultLustreOnScratch2", SC.scratch2 + [remove("fileSystemTypeVersion")],
        [warn("lustre-version-default", "fileSystemTypeVersion")]),
    C(
        "warnsAboutDefaultLustreOnPersistent1", SC.persistent1 + [set("fileSystemTypeVersion", "")],
        [warn("lustre-version-default", "fileSystemTypeVersion")]),
    C("allowsDefaultLustreOnPersistent2", [remove("fileSystemTypeVersion")]),
    C(
        "allowsImportAndExportOnPersistent1",
        SC.persistent1 + [
            set("s3ImportPath", "s3://ml.data-1/imagenet/"), set("s3ExportPath", "s3://ml.data-1/exports"),
            set("autoImportPolicy", "NEW_CHANGED_DELETED"),
        ]),
    C("allowsBucketOnlyImportPath", SC.scratch2 + [set("s3ImportPath", "s3://mldata")]),
    C("allowsEmptyS3ParametersOnPersistent2", [set("s3ImportPath", ""), set("autoImportPolicy", "")]),
    C(
        "allowsKmsKeyArnOnPersistent2",
        [set("kmsKeyId", "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")]),
    C("warnsAboutKmsAlias", [set("kmsKeyId", "alias/fsx")], [warn("kms-alias", "kmsKeyId")]),
    C(
        "warnsAboutKmsAliasArn", [set("kmsKeyId", "arn:aws:kms:us-west-2:111122223333:alias/fsx")],
        [warn("kms-alias", "kmsKeyId")]),
    C(
        "allowsRetentionNinety",
        [set("automaticBackupRetentionDays", "90"), set("dailyAutomaticBackupStartTime", "23:59")]),
    C("allowsZeroRetentionOnScratch", SC.scratch2 + [set("automaticBackupRetentionDays", "0")]),
    C(
        "warnsAboutBackupTimeWithoutRetention", [set("dailyAutomaticBackupStartTime", "05:00")],
        [warn("backup-start-ignored", "dailyAutomaticBackupStartTime")]),
    C(
        "warnsAboutBackupTimeWithZeroRetention",
        [set("automaticBackupRetentionDays", "0"), set("dailyAutomaticBackupStartTime", "5")],
        [warn("backup-start-ignored", "dailyAutomaticBackupStartTime")]),
    C("allowsMaintenanceWindow", [set("weeklyMaintenanceStartTime", "1:00:00")]),
    C("allowsCopyTagsWithoutImportPath", [set("copyTagsToBackups", "True")]),
    C(
        "allowsCopyTagsFalseWithImportPath",
        SC.persistent1 + [set("s3ImportPath", "s3://mldata"), set("copyTagsToBackups", "0")]),
    C("allowsAutomaticMetadata", [set("metadataConfigurationMode", "AUTOMATIC")]),
    C(
        "allowsSmallestMetadataIops",
        [set("metadataConfigurationMode", "USER_PROVISIONED"), set("metadataIops", "1500")]),
    C(
        "allowsMetadataIopsMultipleOf12000",
        [set("metadataConfigurationMode", "USER_PROVISIONED"), set("metadataIops", "36000")]),
    C(
        "allowsLargestMetadataIops",
        [set("metadataConfigurationMode", "USER_PROVISIONED"), set("metadataIops", "192000")]),
    C(
        "warnsAboutMetadataIopsWithoutMode", [set("metadataIops", "6000")],
        [warn("metadata-iops-ignored", "metadataIops")]),
    C(
        "allowsEfaWithMetadataOnPersistent2",
        [set("metadataConfigurationMode", "AUTOMATIC"), set("efaEnabled", "true")]),
    C("allowsEfaFalseOnScratch", SC.scratch2 + [set("efaEnabled", "false")]),
    C("allowsTags", [set("extraTags", "team=ml,cost-center=42,owner=a@b.c,path=/x:y+z,note=two words")]),
    C("allowsUnicodeTags", [set("extraTags", "Abteilung=Forschung und Entwicklung,équipe=ml")]),
    C("allowsEmptyTags", [set("extraTags", "")]),
    C("allowsFortyNineTags", [set("extraTags", .string(SC.tags(49)))]),
    C("allowsEmptyTagValue", [set("extraTags", "team=")]),
    C("allowsReservedFSType", [set("csi.storage.k8s.io/fstype", "lustre")]),
    C(
        "allowsReservedSecretKeys",
        [
            set("csi.storage.k8s.io/provisioner-secret-name", "s"),
            set("csi.storage.k8s.io/node-expand-secret-namespace", "ns"),
        ]),
    C("allowsDeprecatedFSTypeAlone", [set("fstype", "lustre")]),
    C("allowsDeprecatedFSTypeInAnyCase", [set("fsType", "lustre")]),
    C(
        "allowsEveryExternalProvisionerSecretKey",
        [
            set("csi.storage.k8s.io/node-expand-secret-name", "s"),
            set("csi.storage.k8s.io/node-expand-secret-namespace", "ns"),
            set("csi.storage.k8s.io/controller-modify-secret-name", "s"),
            set("csi.storage.k8s.io/controller-modify-secret-namespace", "ns"),
            set("csi.storage.k8s.io/secret-name", "s"), set("csi.storage.k8s.io/secret-namespace", "ns"),
        ]),
    // Static-binding classes: no parameters at all (absent, null or empty).
    C(
        "allowsStaticBindingClassWithoutParameters", [.removeTop("parameters")],
        [.warn("static-binding-class", "parameters")]),
    C(
        "allowsStaticBindingClassWithNullParameters", [.top("parameters", nil)],
        [.warn("static-binding-class", "parameters")]),
    C(
        "allowsStaticBindingClassWithEmptyParameters", [.top("parameters", [:])],
        [.warn("static-binding-class", "parameters")]),
    C(
        "allowsStaticBindingClassWithMountOptionsAndExpansion",
        [.removeTop("parameters"), .top("mountOptions", ["flock"]), .top("allowVolumeExpansion", true)],
        [.warn("static-binding-class", "parameters")]),
    C(
        "warnsAboutMountOptionsOfStaticBindingClass", [.removeTop("parameters"), .top("mountOptions", ["flok"])],
        [.warn("static-binding-class", "parameters"), .warn("mount-options", "mountOptions[0]")]),
    // Keys compare by bytes: a look-alike is an unknown key, never read as the real one.
    C(
        "warnsAboutKelvinSignKmsKey",
        SC.scratch2 + [set("kms\u{212A}eyId", "arn:aws:kms:us-west-2:111122223333:key/1234abcd")],
        [.warn("unknown-parameter", "parameters[\"kms\u{212A}eyId\"]")]),
    C(
        "warnsAboutKelvinSignKmsKeyBesideRealOne",
        [
            set("kmsKeyId", "arn:aws:kms:us-west-2:111122223333:key/1234abcd"),
            set("kms\u{212A}eyId", "arn:aws:kms:us-west-2:111122223333:key/1234abcd"),
        ],
        [.warn("unknown-parameter", "parameters[\"kms\u{212A}eyId\"]")]),
    C(
        "warnsAboutLookAlikeDeploymentValue", [set("deploymentType", "PERSISTENT_2"), set("\u{212A}ey", "v")],
        [.warn("unknown-parameter", "parameters[\"\u{212A}ey\"]")]),
    // Keys of newer AWS features and unmerged driver branches: unknown to driver v1.9.0.
    C(
        "warnsAboutIntelligentTieringKeys",
        [set("throughputCapacity", "1200"), set("dataReadCacheSizingMode", "PROPORTIONAL_TO_THROUGHPUT_CAPACITY")],
        [warn("unknown-parameter", "throughputCapacity"), warn("unknown-parameter", "dataReadCacheSizingMode")]),
    C(
        "warnsAboutExistingFileSystemKeys",
        [
            set("fileSystemId", "fs-0123456789abcdef0"), set("dnsname", "fs-0123456789abcdef0.fsx.aws"),
            set("basedir", "/"),
        ],
        [
            warn("unknown-parameter", "fileSystemId"), warn("unknown-parameter", "dnsname"),
            warn("unknown-parameter", "basedir"),
        ]),
    C(
        "warnsAboutMisspeltExportPath", [set("s3OutputPath", "s3://mldata")],
        [warn("unknown-parameter", "s3OutputPath")]),
    C(
        "warnsAboutWrongCaseSubnetKey", [set("subnetID", "subnet-0123456789abcdef0")],
        [warn("unknown-parameter", "subnetID")]),
    C("allowsExpansionOnScratch2", SC.scratch2 + [.top("allowVolumeExpansion", true)]),
    C("allowsNoExpansionOnScratch1", SC.scratch1 + [.top("allowVolumeExpansion", false)]),
    C(
        "warnsAboutExpansionOnScratch1", SC.scratch1 + [.top("allowVolumeExpansion", true)],
        [.warn("scratch1-expansion", "allowVolumeExpansion")]),
    C(
        "warnsAboutExpansionWithDefaultDeployment",
        SC.scratch1 + [remove("deploymentType"), .top("allowVolumeExpansion", true)],
        [.warn("scratch1-expansion", "allowVolumeExpansion")]),
    C(
        "allowsKnownMountOptions",
        [.top("mountOptions", ["flock", "noatime,user_xattr", "x-systemd.automount", "network=tcp1", "_netdev"])]),
    C(
        "warnsAboutUnknownMountOption", [.top("mountOptions", ["flock", "flok"])],
        [.warn("mount-options", "mountOptions[1]")]),
    C(
        "warnsAboutUnknownOptionInsideEntry", [.top("mountOptions", ["noatime,lazystat"])],
        [.warn("mount-options", "mountOptions[0]")]),
    C("allowsRepeatedFlock", [.top("mountOptions", ["flock", "flock"])]),
    C(
        "warnsAboutConflictingLockModes", [.top("mountOptions", ["flock", "noatime,localflock"])],
        [.warn("flock-conflict", "mountOptions")]),
]

@Suite("StorageClass rules")
struct StorageClassRulesTests {
    @Test(arguments: storageClassDeniedCases)
    func deniesClass(_ row: FSxRuleCase) {
        let found = FSxExpected.of(FSxStorageClasses.validate(row.input))
        #expect(found == row.expected.sorted())
        #expect(found.contains { $0.severity == .deny })
    }

    @Test(arguments: storageClassAllowedCases)
    func allowsClass(_ row: FSxRuleCase) {
        let found = FSxExpected.of(FSxStorageClasses.validate(row.input))
        #expect(found == row.expected.sorted())
        #expect(!found.contains { $0.severity == .deny })
    }

    /// Every StorageClass rule of docs/rules.md has at least one denied and one allowed row, so a rule
    /// cannot silently lose its tests.
    @Test func everyRuleHasDeniedAndAllowedRows() {
        let denyRules: [String] = [
            "subnet-required", "subnet-format", "sg-format", "deployment-enum", "storage-enum", "hdd-needs-p1",
            "throughput-scratch", "throughput-required", "throughput-values", "drive-cache", "compression-enum",
            "lustre-version", "s3-on-p2", "s3-path", "s3-needs-import", "s3-same-bucket", "autoimport-enum",
            "kms-persistent", "backup-retention", "copy-tags", "time-formats", "number-format", "bool-format",
            "metadata", "efa", "extra-tags", "csi-reserved", "fstype-dup", "parameter-type", "field-type",
        ]
        let warnRules: [String] = [
            "unknown-parameter", "backup-start-ignored", "metadata-iops-ignored", "lustre-version-default",
            "scratch1-expansion", "kms-alias", "mount-options", "flock-conflict", "sg-count", "static-binding-class",
        ]
        let denied = Set(storageClassDeniedCases.flatMap { $0.expected.filter { $0.severity == .deny }.map(\.rule) })
        let warned = Set(storageClassAllowedCases.flatMap { $0.expected.filter { $0.severity == .warn }.map(\.rule) })
        for rule in denyRules { #expect(denied.contains(rule), "no denied row for \(rule)") }
        for rule in warnRules { #expect(warned.contains(rule), "no warning row for \(rule)") }
        // Allowed rows with no expectation at all exist for the class as a whole.
        #expect(storageClassAllowedCases.contains { $0.expected.isEmpty })
    }
}
