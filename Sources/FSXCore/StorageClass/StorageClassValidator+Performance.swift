/// Deployment and storage type, throughput, drive cache, compression and Lustre version.
extension StorageClassValidator {
    static func checkPerformance(_ parameters: StorageClassParameters, into violations: inout [Violation]) {
        let deployment = parameters.deployment
        let storage = parameters.storage

        if deployment == nil, let value = parameters.setting(.deploymentType) {
            violations.append(
                deny(
                    "deployment-enum", .deploymentType, value,
                    enumText(.deploymentType, value, DeploymentType.allCases.map(\.rawValue))))
        }

        if storage == nil, let value = parameters.setting(.storageType) {
            let text =
                value.bytesEqual("INTELLIGENT_TIERING")
                ? "exists in AWS, but aws-fsx-csi-driver cannot create it (it sends a storage capacity and no "
                    + "throughputCapacity, which that class requires); use SSD or HDD, or create the file system "
                    + "outside Kubernetes and mount it with a static PersistentVolume"
                : enumText(.storageType, value, StorageType.allCases.map(\.rawValue))
            violations.append(deny("storage-enum", .storageType, value, text))
        }

        // HDD on another deployment type: the fix may be SSD, so HDD-only rules stay quiet.
        var hddRefused = false
        if storage == .hdd, let deployment, deployment != .persistent1 {
            hddRefused = true
            violations.append(
                deny(
                    "hdd-needs-p1", .storageType, StorageType.hdd.rawValue,
                    "is offered only with deploymentType PERSISTENT_1 (this class has \(parameters.deploymentText)); "
                        + "use SSD, or deploymentType: PERSISTENT_1"))
        }

        checkThroughput(parameters, hddRefused: hddRefused, into: &violations)
        checkDriveCache(parameters, hddRefused: hddRefused, into: &violations)
        checkEnum(
            .dataCompressionType, FSxValues.compressionTypes, rule: "compression-enum", parameters, into: &violations)
        checkLustreVersion(parameters, into: &violations)
    }

    static func checkThroughput(
        _ parameters: StorageClassParameters, hddRefused: Bool, into violations: inout [Violation]
    ) {
        if parameters.isUnreadable(.perUnitStorageThroughput) { return }
        let isGiven = parameters.view(.perUnitStorageThroughput) != nil
        guard let deployment = parameters.deployment else {
            if isGiven {
                _ = integer(.perUnitStorageThroughput, example: "200", parameters, into: &violations)
            }
            return
        }
        if !deployment.isPersistent {
            guard let given = parameters[.perUnitStorageThroughput] else { return }
            let target = persistentType(offering: Patterns.int32(given))
            violations.append(
                deny(
                    "throughput-scratch", .perUnitStorageThroughput, given,
                    "is not allowed with \(parameters.deploymentText) (throughput is set only on PERSISTENT types); "
                        + "remove it or use \(target)"))
            return
        }
        let storage = parameters.storage ?? .ssd
        let allowed = FSxValues.throughputs(deployment, storage)
        // Message parts, built only for a violation.
        var allowedText: String { allowed.map(String.init).joined(separator: ", ") }
        var kind: String {
            deployment == .persistent1 ? "\(deployment.rawValue) \(storage.rawValue)" : deployment.rawValue
        }
        guard isGiven else {
            violations.append(
                deny(
                    "throughput-required", .perUnitStorageThroughput, nil,
                    "is missing; \(deployment.rawValue) requires it and the driver has no default; "
                        + "add perUnitStorageThroughput: \"\(allowed[allowed.count / 2])\" (\(kind): \(allowedText) MB/s/TiB)"
                ))
            return
        }
        guard
            case .value(let number) = integer(.perUnitStorageThroughput, example: "200", parameters, into: &violations),
            parameters.storage != nil, !hddRefused, !allowed.contains(number)
        else { return }
        var fix = "use one of those"
        if deployment == .persistent1, storage == .ssd, FSxValues.throughputs(.persistent2, .ssd).contains(number) {
            fix += ", or deploymentType PERSISTENT_2 for \(number)"
        }
        violations.append(
            deny(
                "throughput-values", .perUnitStorageThroughput, String(number),
                "is not offered for \(kind) (AWS accepts \(allowedText) MB/s/TiB); \(fix)"))
    }

    /// The PERSISTENT type whose SSD throughputs include `throughput`, for the fix of a SCRATCH class.
    static func persistentType(offering throughput: Int32?) -> String {
        guard let throughput else { return "a PERSISTENT type" }
        if FSxValues.throughputs(.persistent1, .ssd).contains(throughput) { return "PERSISTENT_1" }
        if FSxValues.throughputs(.persistent2, .ssd).contains(throughput) { return "PERSISTENT_2" }
        return "a PERSISTENT type"
    }

    static func checkDriveCache(
        _ parameters: StorageClassParameters, hddRefused: Bool, into violations: inout [Violation]
    ) {
        if parameters.isUnreadable(.driveCacheType) { return }
        switch parameters.storage {
        case .ssd?:
            guard let value = parameters.setting(.driveCacheType) else { return }
            let storage = parameters.hasSetting(.storageType) ? "SSD" : "SSD, the default"
            violations.append(
                deny(
                    "drive-cache", .driveCacheType, value,
                    "applies only to HDD storage (this class uses \(storage)), and AWS refuses it otherwise; remove it")
            )
        case .hdd?:
            if parameters.hasSetting(.driveCacheType) {
                checkEnum(
                    .driveCacheType, FSxValues.driveCacheTypes, rule: "drive-cache", parameters, into: &violations)
            } else if !hddRefused {
                violations.append(
                    deny(
                        "drive-cache", .driveCacheType, nil,
                        "is missing; HDD storage requires it; add driveCacheType: NONE, or READ for an SSD read cache"))
            }
        case nil:
            checkEnum(.driveCacheType, FSxValues.driveCacheTypes, rule: "drive-cache", parameters, into: &violations)
        }
    }

    static func checkLustreVersion(_ parameters: StorageClassParameters, into violations: inout [Violation]) {
        if parameters.isUnreadable(.fileSystemTypeVersion) { return }
        guard parameters.hasSetting(.fileSystemTypeVersion) else {
            // PERSISTENT_2 defaults to 2.12 (2.15 with metadata); everything else to the old 2.10.
            if let deployment = parameters.deployment, deployment != .persistent2 {
                violations.append(
                    warn(
                        "lustre-version-default", .fileSystemTypeVersion, nil,
                        "not set, so AWS creates Lustre 2.10; set \"2.15\" for the current version"))
            }
            return
        }
        // The allowed text with the value's bytes, which a message quotes as the value.
        guard
            let version = checkEnum(
                .fileSystemTypeVersion, FSxValues.lustreVersions, rule: "lustre-version", parameters, into: &violations),
            parameters.deployment == .persistent2
        else { return }
        if version.bytesEqual("2.10") {
            violations.append(
                deny(
                    "lustre-version", .fileSystemTypeVersion, version,
                    "is not available on PERSISTENT_2, which starts at Lustre 2.12; use \"2.15\""))
        } else if version.bytesEqual("2.12"), parameters.hasMetadataConfiguration {
            violations.append(
                deny(
                    "lustre-version", .fileSystemTypeVersion, version,
                    "cannot have a metadata configuration on PERSISTENT_2 (that needs Lustre 2.15); "
                        + "use \"2.15\" or remove metadataConfigurationMode"))
        }
    }
}
