/// CEL renderings of the rules in `StorageClassValidator+Performance.swift`.
extension StorageClassCEL {
    static var performanceValidations: [Validation] {
        let deployment = FSxParameter.deploymentType
        let storage = FSxParameter.storageType
        let throughput = FSxParameter.perUnitStorageThroughput
        let cache = FSxParameter.driveCacheType
        let version = FSxParameter.fileSystemTypeVersion
        let p1SSD = FSxValues.throughputs(.persistent1, .ssd).map(String.init)
        let p1HDD = FSxValues.throughputs(.persistent1, .hdd).map(String.init)
        let p2 = FSxValues.throughputs(.persistent2, .ssd).map(String.init)
        let ints = { (values: [String]) in "[" + values.joined(separator: ", ") + "]" }
        // The storage type the throughput table is read with: SSD when invalid.
        let tableStorage = "(variables.storageValid ? variables.storage : 'SSD')"
        let offered =
            "(variables.deployment == 'PERSISTENT_2' ? \(CEL.list(p2)) : \(tableStorage) == 'HDD' ? \(CEL.list(p1HDD)) : \(CEL.list(p1SSD)))"
        let kind = "(variables.deployment == 'PERSISTENT_1' ? 'PERSISTENT_1 ' + \(tableStorage) : variables.deployment)"
        let versions = FSxValues.lustreVersions
        return [
            Validation(
                rule: "deployment-enum",
                expression: "!\(deployment.celSet) || variables.deploymentValid",
                messageExpression: enumMessage(deployment, DeploymentType.allCases.map(\.rawValue))),
            Validation(
                rule: "storage-enum",
                expression: "!\(storage.celSet) || variables.storageValid",
                messageExpression:
                    "\(storage.cel) == 'INTELLIGENT_TIERING' ? "
                    + message(
                        storage, value: storage.cel,
                        CEL.string(
                            "exists in AWS, but aws-fsx-csi-driver cannot create it (it sends a storage capacity and no "
                                + "throughputCapacity, which that class requires); use SSD or HDD, or create the file system "
                                + "outside Kubernetes and mount it with a static PersistentVolume"))
                    + " : " + enumMessage(storage, StorageType.allCases.map(\.rawValue))),
            Validation(
                rule: "hdd-needs-p1",
                expression: "!variables.hddRefused",
                messageExpression: message(
                    storage, value: "'HDD'",
                    CEL.concat(
                        CEL.string("is offered only with deploymentType PERSISTENT_1 (this class has "),
                        "variables.deploymentText", CEL.string("); use SSD, or deploymentType: PERSISTENT_1")))),
            Validation(
                rule: "throughput-scratch",
                expression: "!(variables.deploymentValid && !variables.persistent && \(throughput.celPresent))",
                messageExpression: message(
                    throughput, value: throughput.cel,
                    CEL.concat(
                        CEL.string("is not allowed with "), "variables.deploymentText",
                        CEL.string(" (throughput is set only on PERSISTENT types); remove it or use "),
                        "(variables.throughput in \(ints(p1SSD)) ? 'PERSISTENT_1' : variables.throughput in \(ints(p2)) "
                            + "? 'PERSISTENT_2' : 'a PERSISTENT type')"))),
            Validation(
                rule: "throughput-required",
                expression: "!(variables.persistent && !(\(throughput.celPresent)))",
                messageExpression: CEL.bind(
                    "t", offered,
                    message(
                        throughput, value: nil,
                        CEL.concat(
                            CEL.string("is missing; "), "variables.deployment",
                            CEL.string(" requires it and the driver has no default; add perUnitStorageThroughput: \""),
                            "t[size(t) / 2]", CEL.string("\" ("), kind, CEL.string(": "), "t.join(', ')",
                            CEL.string(" MB/s/TiB)"))))),
            Validation(
                rule: "throughput-values",
                expression:
                    "!(variables.persistent && variables.throughput >= 0 && variables.storageValid && !variables.hddRefused "
                    + "&& !(string(variables.throughput) in \(offered)))",
                messageExpression: CEL.bind(
                    "t", offered,
                    message(
                        throughput, value: "string(variables.throughput)",
                        CEL.concat(
                            CEL.string("is not offered for "), kind, CEL.string(" (AWS accepts "), "t.join(', ')",
                            CEL.string(" MB/s/TiB); use one of those"),
                            "(variables.deployment == 'PERSISTENT_1' && variables.storage == 'SSD' && "
                                + "string(variables.throughput) in \(CEL.list(p2)) ? "
                                + "', or deploymentType PERSISTENT_2 for ' + string(variables.throughput) : '')")))),
            Validation(
                rule: "drive-cache",
                expression:
                    "variables.storage == 'SSD' ? !\(cache.celSet) : variables.storage == 'HDD' ? "
                    + "(\(cache.celSet) ? \(cache.cel) in \(CEL.list(FSxValues.driveCacheTypes)) : variables.hddRefused) "
                    + ": (\(enumValid(cache, FSxValues.driveCacheTypes)))",
                messageExpression:
                    "variables.storage == 'SSD' ? "
                    + message(
                        cache, value: cache.cel,
                        CEL.concat(
                            CEL.string("applies only to HDD storage (this class uses "),
                            "(\(storage.celSet) ? 'SSD' : 'SSD, the default')",
                            CEL.string("), and AWS refuses it otherwise; remove it")))
                    + " : (variables.storage == 'HDD' && !\(cache.celSet)) ? "
                    + message(
                        cache, value: nil,
                        CEL.string(
                            "is missing; HDD storage requires it; add driveCacheType: NONE, or READ for an SSD read cache"
                        ))
                    + " : " + enumMessage(cache, FSxValues.driveCacheTypes)),
            Validation(
                rule: "compression-enum",
                expression: enumValid(.dataCompressionType, FSxValues.compressionTypes),
                messageExpression: enumMessage(.dataCompressionType, FSxValues.compressionTypes)),
            Validation(
                rule: "lustre-version",
                expression:
                    "!\(version.celSet) || (\(version.cel) in \(CEL.list(versions)) && !(variables.deployment == 'PERSISTENT_2' "
                    + "&& (\(version.cel) == '2.10' || (\(version.cel) == '2.12' && variables.metadataSet))))",
                messageExpression:
                    "!(\(version.cel) in \(CEL.list(versions))) ? \(enumMessage(version, versions)) : \(version.cel) == '2.10' ? "
                    + message(
                        version, value: version.cel,
                        CEL.string("is not available on PERSISTENT_2, which starts at Lustre 2.12; use \"2.15\""))
                    + " : "
                    + message(
                        version, value: version.cel,
                        CEL.string(
                            "cannot have a metadata configuration on PERSISTENT_2 (that needs Lustre 2.15); "
                                + "use \"2.15\" or remove metadataConfigurationMode"))),
            Validation(
                rule: "lustre-version-default",
                expression:
                    "!(variables.provisions && !\(version.celSet) && variables.deploymentValid "
                    + "&& variables.deployment != 'PERSISTENT_2')",
                messageExpression: message(
                    version, value: nil,
                    CEL.string("not set, so AWS creates Lustre 2.10; set \"2.15\" for the current version"))),
            Validation(
                rule: "number-format",
                expression:
                    "!((variables.throughput == -2 && (!variables.deploymentValid || variables.persistent)) "
                    + "|| variables.retention == -2 || variables.metadataIops == -2)",
                messageExpression:
                    "(variables.throughput == -2 && (!variables.deploymentValid || variables.persistent)) ? "
                    + numberMessage(throughput, example: "200") + " : variables.retention == -2 ? "
                    + numberMessage(.automaticBackupRetentionDays, example: "7") + " : "
                    + numberMessage(.metadataIops, example: "6000")),
        ]
    }

    /// `StorageClassValidator.integer`'s message.
    static func numberMessage(_ parameter: FSxParameter, example: String) -> String {
        message(
            parameter, value: parameter.cel,
            CEL.concat(
                "(\(parameter.cel).matches('^[0-9]+$') ? "
                    + CEL.string("is larger than 2147483647, which the driver silently wraps into a different number")
                    + " : " + CEL.string("is not a plain whole number (the driver refuses anything but digits)") + ")",
                CEL.string("; write digits only, such as \"\(example)\"")))
    }
}
