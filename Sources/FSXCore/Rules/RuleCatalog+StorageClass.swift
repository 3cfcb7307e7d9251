extension RuleCatalog {
    /// The rules of StorageClasss, in the order docs/rules.md lists them.
    static let storageClassRules: [RuleDescription] = [
        RuleDescription(
            "parameter-type", .storageClass, .deny,
            summary: "A StorageClass parameter value is not a string",
            details: "Every parameter value is a string (quote `\"200\"`, `\"true\"`)."),
        RuleDescription(
            "field-type", .storageClass, .deny,
            summary: "A field has the wrong type",
            details: "`parameters` is a mapping, `allowVolumeExpansion` a boolean, `mountOptions` a list of strings."),
        RuleDescription(
            "subnet-required", .storageClass, .deny,
            summary: "The class has no subnetId",
            details:
                "`subnetId` is set and not empty; a class that names an existing file system (`fileSystemId`) is told that driver v1.9.0 creates a new one and that a static PV is the way."
        ),
        RuleDescription(
            "subnet-format", .storageClass, .deny,
            summary: "subnetId is not exactly one subnet ID",
            details: "`subnetId` is exactly one `subnet-` ID (a comma list is a classic mistake)."),
        RuleDescription(
            "sg-format", .storageClass, .deny,
            summary: "securityGroupIds is not a comma list of security group IDs",
            details: "`securityGroupIds`: comma-separated `sg-` IDs, no spaces, not empty, at most 16."),
        RuleDescription(
            "deployment-enum", .storageClass, .deny,
            summary: "deploymentType is not an FSx for Lustre deployment type",
            details:
                "`deploymentType` is `SCRATCH_1`, `SCRATCH_2`, `PERSISTENT_1` or `PERSISTENT_2` (absent: SCRATCH_1)."),
        RuleDescription(
            "storage-enum", .storageClass, .deny,
            summary: "storageType is not one this driver can create",
            details:
                "`storageType` is `SSD` or `HDD` (absent: SSD); `INTELLIGENT_TIERING` cannot be created by this driver."
        ),
        RuleDescription(
            "hdd-needs-p1", .storageClass, .deny,
            summary: "HDD storage needs PERSISTENT_1",
            details: "`HDD` only with `PERSISTENT_1`."),
        RuleDescription(
            "throughput-scratch", .storageClass, .deny,
            summary: "perUnitStorageThroughput is set on a SCRATCH type",
            details: "No `perUnitStorageThroughput` on SCRATCH types."),
        RuleDescription(
            "throughput-required", .storageClass, .deny,
            summary: "perUnitStorageThroughput is missing on a PERSISTENT type",
            details: "`perUnitStorageThroughput` on PERSISTENT types (the driver has no default)."),
        RuleDescription(
            "throughput-values", .storageClass, .deny,
            summary: "perUnitStorageThroughput is not offered for this deployment and storage type",
            details: "PERSISTENT_1 SSD: 50, 100, 200; PERSISTENT_1 HDD: 12, 40; PERSISTENT_2: 125, 250, 500, 1000."),
        RuleDescription(
            "drive-cache", .storageClass, .deny,
            summary: "driveCacheType is wrong, missing with HDD, or set without HDD",
            details: "`driveCacheType` is `NONE` or `READ`, required with HDD, not allowed otherwise."),
        RuleDescription(
            "compression-enum", .storageClass, .deny,
            summary: "dataCompressionType is not NONE or LZ4",
            details: "`dataCompressionType` is `NONE` or `LZ4`."),
        RuleDescription(
            "lustre-version", .storageClass, .deny,
            summary: "fileSystemTypeVersion is not available for this configuration",
            details:
                "`fileSystemTypeVersion` is 2.10, 2.12 or 2.15; not 2.10 on PERSISTENT_2; not 2.12 on PERSISTENT_2 with a metadata configuration."
        ),
        RuleDescription(
            "s3-on-p2", .storageClass, .deny,
            summary: "S3 import or export parameters on PERSISTENT_2",
            details:
                "No `s3ImportPath`, `s3ExportPath`, `autoImportPolicy` on PERSISTENT_2: AWS links S3 to it only through a data repository association."
        ),
        RuleDescription(
            "s3-path", .storageClass, .deny,
            summary: "An S3 path is not s3://bucket[/prefix]",
            details: "`s3://bucket[/prefix]` with a valid bucket name."),
        RuleDescription(
            "s3-needs-import", .storageClass, .deny,
            summary: "s3ExportPath or autoImportPolicy without s3ImportPath",
            details: "`s3ExportPath` and `autoImportPolicy` need `s3ImportPath`."),
        RuleDescription(
            "s3-same-bucket", .storageClass, .deny,
            summary: "The export path is in another bucket than the import path",
            details: "Export path in the import path's bucket."),
        RuleDescription(
            "autoimport-enum", .storageClass, .deny,
            summary: "autoImportPolicy is not an FSx auto-import policy",
            details: "`autoImportPolicy` is `NONE`, `NEW`, `NEW_CHANGED` or `NEW_CHANGED_DELETED`."),
        RuleDescription(
            "kms-persistent", .storageClass, .deny,
            summary: "kmsKeyId on a SCRATCH type",
            details: "`kmsKeyId` only on PERSISTENT types."),
        RuleDescription(
            "backup-retention", .storageClass, .deny,
            summary: "automaticBackupRetentionDays is out of range or not allowed here",
            details:
                "`automaticBackupRetentionDays` 0–90; above 0 only on PERSISTENT types and not with `s3ImportPath`."),
        RuleDescription(
            "copy-tags", .storageClass, .deny,
            summary: "copyTagsToBackups with s3ImportPath",
            details: "`copyTagsToBackups=true` not with `s3ImportPath`."),
        RuleDescription(
            "time-formats", .storageClass, .deny,
            summary: "A backup or maintenance start time has the wrong format",
            details:
                "`dailyAutomaticBackupStartTime` is `HH:MM`; `weeklyMaintenanceStartTime` is `d:HH:MM`, d 1 (Monday) to 7."
        ),
        RuleDescription(
            "number-format", .storageClass, .deny,
            summary: "An integer parameter is not plain 32-bit base-10 digits",
            details: "Integers are plain base-10 digits that fit in 32 bits (the driver wraps larger ones silently)."),
        RuleDescription(
            "bool-format", .storageClass, .deny,
            summary: "A boolean parameter is not a Go ParseBool form",
            details: "Booleans are one of Go's `ParseBool` forms."),
        RuleDescription(
            "metadata", .storageClass, .deny,
            summary: "The metadata configuration is not one AWS accepts",
            details:
                "`metadataConfigurationMode` is `AUTOMATIC` or `USER_PROVISIONED`, PERSISTENT_2 only; `metadataIops` only and always with USER_PROVISIONED: 1500, 3000, 6000, 12000 or a multiple of 12000 up to 192000."
        ),
        RuleDescription(
            "efa", .storageClass, .deny,
            summary: "efaEnabled needs PERSISTENT_2 with a metadata configuration",
            details: "`efaEnabled=true` needs PERSISTENT_2 with a metadata configuration."),
        RuleDescription(
            "extra-tags", .storageClass, .deny,
            summary: "extraTags is not a valid list of AWS tags",
            details:
                "`key=value` pairs: valid characters and lengths, no `aws:` prefix, no duplicate or `CSIVolumeName` key, at most 49."
        ),
        RuleDescription(
            "csi-reserved", .storageClass, .deny,
            summary: "A csi.storage.k8s.io/ key the external-provisioner refuses",
            details:
                "No `csi.storage.k8s.io/` key beyond the external-provisioner's own (`fstype`; the `provisioner-`, `controller-publish-`, `node-stage-`, `node-publish-`, `controller-expand-`, `node-expand-`, `controller-modify-` secret names and namespaces; the legacy `secret-name`, `secret-namespace`); `pvc/name`, `pvc/namespace`, `pv/name` are added by the provisioner itself."
        ),
        RuleDescription(
            "fstype-dup", .storageClass, .deny,
            summary: "The fstype is named more than once",
            details: "At most one of `csi.storage.k8s.io/fstype` and the keys whose lower case is `fstype`."),
        RuleDescription(
            "static-binding-class", .storageClass, .warn,
            summary: "A class without parameters only binds pre-created volumes",
            details:
                "No parameters at all (absent, `null` or empty): the class only binds pre-created PersistentVolumes; a claim without a matching PV stays Pending, since the driver needs `subnetId` to create a file system. No other parameter warning applies to such a class.."
        ),
        RuleDescription(
            "unknown-parameter", .storageClass, .warn,
            summary: "A parameter the driver does not read",
            details:
                "The driver ignores the key (nearest known key suggested); denied with `validation.unknownParameters: deny`. Intelligent-Tiering keys (`throughputCapacity`, `dataReadCacheSizingMode`, `dataReadCacheSizeGiB`, `readCacheSizingMode`, `skipFinalBackup`) and existing-file-system keys (`fileSystemId`, `dnsname`, `mountname`, `basedir`) get a message saying that driver v1.9.0 ignores them; look-alike keys name the non-ASCII character."
        ),
        RuleDescription(
            "sg-count", .storageClass, .warn,
            summary: "More security groups than the default quota of 5",
            details: "6–16 security groups exceed the default quota of 5."),
        RuleDescription(
            "backup-start-ignored", .storageClass, .warn,
            summary: "dailyAutomaticBackupStartTime without backups is dropped",
            details: "`dailyAutomaticBackupStartTime` without retention above 0 is dropped by the driver."),
        RuleDescription(
            "metadata-iops-ignored", .storageClass, .warn,
            summary: "metadataIops without a mode is dropped",
            details: "`metadataIops` without a mode is dropped by the driver."),
        RuleDescription(
            "lustre-version-default", .storageClass, .warn,
            summary: "No fileSystemTypeVersion: Lustre 2.10 for SCRATCH and PERSISTENT_1",
            details: "No `fileSystemTypeVersion`: SCRATCH and PERSISTENT_1 get Lustre 2.10."),
        RuleDescription(
            "scratch1-expansion", .storageClass, .warn,
            summary: "allowVolumeExpansion on SCRATCH_1, which cannot grow",
            details: "`allowVolumeExpansion: true` on SCRATCH_1, which cannot grow."),
        RuleDescription(
            "kms-alias", .storageClass, .warn,
            summary: "kmsKeyId given as an alias",
            details: "`kmsKeyId` given as an alias, not confirmed to work for FSx."),
        RuleDescription(
            "mount-options", .storageClass, .warn,
            summary: "A mount option neither Lustre nor mount(8) knows",
            details: "An option that is neither a Lustre nor a mount(8) option."),
        RuleDescription(
            "flock-conflict", .storageClass, .warn,
            summary: "More than one of flock, localflock, noflock",
            details: "More than one of `flock`, `localflock`, `noflock`."),
        RuleDescription(
            "aws-subnet-unknown", .storageClass, .deny,
            summary: "subnetId does not exist in the region (EC2)",
            details: "`subnetId` does not exist in the region (EC2 DescribeSubnets); needs the configuration's `aws:`."),
        RuleDescription(
            "aws-sg-unknown", .storageClass, .deny,
            summary: "A security group does not exist or is in another VPC than the subnet",
            details:
                "A security group does not exist, or is in another VPC than the subnet (EC2 DescribeSecurityGroups)."),
        RuleDescription(
            "aws-sg-lustre-988", .storageClass, .deny,
            summary: "No security group allows inbound TCP 988 from itself or the VPC CIDR",
            details:
                "No group of the class allows inbound TCP 988 from a group of the class or the VPC's CIDR: FSx refuses to create the file system (LNET traffic)."
        ),
        RuleDescription(
            "aws-sg-lustre-1018", .storageClass, .warn,
            summary: "No security group allows inbound TCP 1018-1023 from itself or the VPC CIDR",
            details: "The same as aws-sg-lustre-988 for TCP 1018–1023: Lustre clients may fail to mount."),
        RuleDescription(
            "aws-sg-efa", .storageClass, .deny,
            summary: "EFA enabled, but the groups do not allow all traffic within themselves",
            details:
                "`efaEnabled: \"true\"` and no group allows all inbound and outbound traffic from and to a group of the class."
        ),
        RuleDescription(
            "aws-unverified", .storageClass, .warn,
            summary: "AWS could not be asked in time; checked without the aws- rules",
            details: "AWS could not be asked within the lookup budget (throttled, unreachable, no credentials)."),
    ]
}
