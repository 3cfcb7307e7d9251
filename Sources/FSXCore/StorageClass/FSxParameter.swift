import FSXJSON

/// A StorageClass parameter that aws-fsx-csi-driver reads (`pkg/driver/controller.go`,
/// v1.9.0). The driver ignores every other key, so this list is what "unknown" means.
enum FSxParameter: Int, CaseIterable, Sendable {
    case subnetId
    case securityGroupIds
    case deploymentType
    case storageType
    case perUnitStorageThroughput
    case driveCacheType
    case dataCompressionType
    case fileSystemTypeVersion
    case s3ImportPath
    case s3ExportPath
    case autoImportPolicy
    case kmsKeyId
    case automaticBackupRetentionDays
    case dailyAutomaticBackupStartTime
    case copyTagsToBackups
    case weeklyMaintenanceStartTime
    case extraTags
    case metadataConfigurationMode
    case metadataIops
    case efaEnabled

    /// The key as written in `parameters` (case-sensitive, like the driver's map lookup).
    var key: String { Self.keys[rawValue] }

    /// The dotted field path used in violations.
    var field: String { Self.fields[rawValue] }

    /// The parameter whose key has exactly the bytes of `key`, as the driver's Go map lookup
    /// finds it: a key with a look-alike character ("kms\u{212A}eyId") is no parameter.
    init?(key: String) {
        let utf8 = key.utf8
        guard utf8.count >= 3,
            let found = Self.candidate(count: utf8.count, third: utf8[utf8.index(utf8.startIndex, offsetBy: 2)]),
            Self.keys[found.rawValue].bytesEqual(key)
        else { return nil }
        self = found
    }

    /// The parameter whose key is the text of the string `key`, compared in place.
    init?(key: JSONView) {
        guard !key.hasEscapes else {
            guard let text = key.string, let found = FSxParameter(key: text) else { return nil }
            self = found
            return
        }
        let bytes = key.rawBytes
        guard bytes.count >= 3, let found = Self.candidate(count: bytes.count, third: bytes[2]),
            bytes.sameBytes(as: Self.keyTexts[found.rawValue])
        else { return nil }
        self = found
    }

    /// The only key of `count` bytes whose third byte is `third` (which tell all keys
    /// apart); one comparison then decides, where a dictionary lookup hashes the whole key.
    private static func candidate(count: Int, third: UInt8) -> FSxParameter? {
        switch (count, third) {
        case (8, UInt8(ascii: "b")): return .subnetId
        case (8, UInt8(ascii: "s")): return .kmsKeyId
        case (9, _): return .extraTags
        case (10, _): return .efaEnabled
        case (11, _): return .storageType
        case (12, UInt8(ascii: "I")): return .s3ImportPath
        case (12, UInt8(ascii: "E")): return .s3ExportPath
        case (12, UInt8(ascii: "t")): return .metadataIops
        case (14, UInt8(ascii: "p")): return .deploymentType
        case (14, UInt8(ascii: "i")): return .driveCacheType
        case (16, UInt8(ascii: "c")): return .securityGroupIds
        case (16, UInt8(ascii: "t")): return .autoImportPolicy
        case (17, _): return .copyTagsToBackups
        case (19, _): return .dataCompressionType
        case (21, _): return .fileSystemTypeVersion
        case (24, _): return .perUnitStorageThroughput
        case (25, _): return .metadataConfigurationMode
        case (26, _): return .weeklyMaintenanceStartTime
        case (28, _): return .automaticBackupRetentionDays
        case (29, _): return .dailyAutomaticBackupStartTime
        default: return nil
        }
    }

    // Same order as the cases; `rawValue` indexes it. Static text, compared with a key's bytes
    // where they are.
    static let keyTexts: [StaticString] = [
        "subnetId", "securityGroupIds", "deploymentType", "storageType", "perUnitStorageThroughput",
        "driveCacheType", "dataCompressionType", "fileSystemTypeVersion", "s3ImportPath", "s3ExportPath",
        "autoImportPolicy", "kmsKeyId", "automaticBackupRetentionDays", "dailyAutomaticBackupStartTime",
        "copyTagsToBackups", "weeklyMaintenanceStartTime", "extraTags", "metadataConfigurationMode",
        "metadataIops", "efaEnabled",
    ]

    static let keys: [String] = keyTexts.map(\.description)

    static let fields: [String] = keys.map { "parameters.\($0)" }
}

/// `deploymentType`; absent (or empty, which the driver does not send) means SCRATCH_1.
enum DeploymentType: String, CaseIterable, Sendable {
    case scratch1 = "SCRATCH_1"
    case scratch2 = "SCRATCH_2"
    case persistent1 = "PERSISTENT_1"
    case persistent2 = "PERSISTENT_2"

    var isPersistent: Bool { self == .persistent1 || self == .persistent2 }

    /// `allCases`, made once.
    static let all = allCases
}

/// `storageType`; absent means SSD. INTELLIGENT_TIERING exists in AWS but is not a case:
/// the driver cannot create it.
enum StorageType: String, CaseIterable, Sendable {
    case ssd = "SSD"
    case hdd = "HDD"

    /// `allCases`, made once.
    static let all = allCases
}

/// Value sets of the enum-like parameters, as AWS's API model lists them.
enum FSxValues {
    static let driveCacheTypes = ["NONE", "READ"]
    static let compressionTypes = ["NONE", "LZ4"]
    static let lustreVersions = ["2.10", "2.12", "2.15"]
    static let autoImportPolicies = ["NONE", "NEW", "NEW_CHANGED", "NEW_CHANGED_DELETED"]
    static let metadataModes = ["AUTOMATIC", "USER_PROVISIONED"]

    /// Go's `strconv.ParseBool` forms, which the driver uses for boolean parameters.
    static let trueForms = ["1", "t", "T", "TRUE", "true", "True"]
    static let falseForms = ["0", "f", "F", "FALSE", "false", "False"]

    /// MB/s/TiB offered per deployment and storage type.
    static func throughputs(_ deployment: DeploymentType, _ storage: StorageType) -> [Int32] {
        switch (deployment, storage) {
        case (.persistent1, .ssd): return [50, 100, 200]
        case (.persistent1, .hdd): return [12, 40]
        case (.persistent2, _): return [125, 250, 500, 1000]
        case (.scratch1, _), (.scratch2, _): return []
        }
    }

    /// USER_PROVISIONED metadata IOPS: 1500, 3000, 6000, then multiples of 12000 up to 192000.
    static func isValidMetadataIops(_ iops: Int32) -> Bool {
        if iops == 1500 || iops == 3000 || iops == 6000 { return true }
        return iops >= 12000 && iops <= 192_000 && iops % 12000 == 0
    }

    /// Keys the external-provisioner (v6) itself consumes under `csi.storage.k8s.io/`
    /// (`pkg/controller/controller.go`, `removePrefixedParameters`); any other key with that
    /// prefix makes it fail every provisioning of the class.
    static let reservedSuffixes: [String] = [
        "fstype",
        "secret-name", "secret-namespace",
        "provisioner-secret-name", "provisioner-secret-namespace",
        "controller-publish-secret-name", "controller-publish-secret-namespace",
        "node-stage-secret-name", "node-stage-secret-namespace",
        "node-publish-secret-name", "node-publish-secret-namespace",
        "controller-expand-secret-name", "controller-expand-secret-namespace",
        "node-expand-secret-name", "node-expand-secret-namespace",
        "controller-modify-secret-name", "controller-modify-secret-namespace",
    ]
    static let reservedPrefix = "csi.storage.k8s.io/"
    /// The one reserved key that names an fstype.
    static let prefixedFSTypeKey = "csi.storage.k8s.io/fstype"

    /// Reserved keys the external-provisioner adds to each CreateVolume call itself (with
    /// `--extra-create-metadata`); written in a class they are unknown reserved keys to it.
    static let provisionerAddedSuffixes: [String] = ["pvc/name", "pvc/namespace", "pv/name"]

    /// Deprecated external-provisioner keys: still read by it, passed on to the driver, which
    /// ignores them. Known, so not reported as typos. (Every key whose lower case is `fstype`
    /// is known as well: the external-provisioner reads them all as the fstype.)
    static let deprecatedProvisionerKeys: [String] = [
        "csiProvisionerSecretName", "csiProvisionerSecretNamespace",
        "csiControllerPublishSecretName", "csiControllerPublishSecretNamespace",
        "csiNodeStageSecretName", "csiNodeStageSecretNamespace",
        "csiNodePublishSecretName", "csiNodePublishSecretNamespace",
    ]

    /// Keys of Amazon FSx Intelligent-Tiering file systems that an unmerged driver branch
    /// reads (aws-fsx-csi-driver PR #483, closed unmerged; issue #459). Driver v1.9.0 ignores
    /// them; they are unknown keys with a message that says so.
    static let intelligentTieringKeys: [String] = [
        "throughputCapacity", "dataReadCacheSizingMode", "dataReadCacheSizeGiB", "readCacheSizingMode",
        "skipFinalBackup",
    ]

    /// Keys for provisioning on an existing file system or a sub-directory of one, from
    /// unmerged driver branches. Driver v1.9.0 ignores them and creates a new file system for
    /// every claim; the way to use an existing one is a static PersistentVolume.
    static let existingFileSystemKeys: [String] = ["fileSystemId", "dnsname", "mountname", "basedir"]

    /// Names people reach for that are too far from the real key for an edit-distance match.
    static let aliases: KeyValuePairs<String, FSxParameter> = [
        "s3OutputPath": .s3ExportPath,
        "outputPath": .s3ExportPath,
        "throughput": .perUnitStorageThroughput,
        "storageThroughput": .perUnitStorageThroughput,
        "perUnitThroughput": .perUnitStorageThroughput,
        "lustreVersion": .fileSystemTypeVersion,
        "version": .fileSystemTypeVersion,
        "autoImport": .autoImportPolicy,
        "tags": .extraTags,
        "backupRetentionDays": .automaticBackupRetentionDays,
        "kmsKeyArn": .kmsKeyId,
        "securityGroups": .securityGroupIds,
        "compression": .dataCompressionType,
    ]

    /// The parameter an alias in `aliases` stands for, matched byte for byte.
    static func alias(_ key: String) -> FSxParameter? {
        aliases.first { $0.key.bytesEqual(key) }?.value
    }
}
