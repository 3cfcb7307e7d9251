extension RuleID {
    /// Every rule id the validators report (StorageClass, PersistentVolume,
    /// VolumeAttributesClass, PersistentVolumeClaim), sorted: the ids `validation.rules`
    /// may name and the only values of the `rule` label of `fsx_webhook_violations_total`.
    /// docs/rules.md documents each one; a test keeps the two lists equal.
    public static let validationRules: [RuleID] = [
        "autoimport-enum", "backup-retention", "backup-start-ignored", "bool-format", "compression-enum",
        "copy-tags", "csi-reserved", "deployment-enum", "drive-cache", "efa", "extra-tags", "field-type",
        "flock-conflict", "fstype-dup", "hdd-needs-p1", "kms-alias", "kms-persistent", "lustre-version",
        "lustre-version-default", "metadata", "metadata-iops-ignored", "mount-options", "number-format",
        "parameter-type", "pv-access", "pv-attribute-unknown", "pv-dnsname", "pv-dnsname-mismatch", "pv-handle",
        "pv-mountname", "pv-mountname-missing", "pv-reclaim-policy", "pvc-access-mode", "pvc-scratch1-expand",
        "pvc-size-rounded", "pvc-static-class", "pvc-vac-unsupported", "pvc-volume-mode", "s3-needs-import",
        "s3-on-p2", "s3-path", "s3-same-bucket", "scratch1-expansion", "sg-count", "sg-format",
        "static-binding-class", "storage-enum", "subnet-format", "subnet-required", "throughput-required",
        "throughput-scratch", "throughput-values", "time-formats", "unknown-parameter", "vac-unsupported",
    ]

    /// The ids of workload mutation. Their denials are never relaxed (a Job that cannot get
    /// its volumes must not start without them), so `validation.rules` refuses them.
    public static let workloadRules: [RuleID] = [
        .volumeUnknown, .containerUnknown, .placementInvalid, .volumeNameConflict, .mountPathConflict,
        .zoneConflict, .affinityConflict, .nodeSelectorConflict, .volumeZoneMissing, .noVolumes, .noPodTemplate,
        .annotationUnknown, .invalidField,
    ]

    /// Every id the decision can report: the metric's rule label takes only these.
    public static let known: [RuleID] = (validationRules + workloadRules).sorted()
}
