extension RuleCatalog {
    /// The rules of PersistentVolumes, in the order docs/rules.md lists them.
    static let persistentVolumeRules: [RuleDescription] = [
        RuleDescription(
            "pv-handle", .persistentVolume, .deny,
            summary: "The PersistentVolume's volumeHandle is missing or not a file system ID",
            details:
                "`volumeHandle` is set and not empty (denied); a handle that is not a file system ID (`fs-` and 8–17 hex digits) is a warning: mounting works, since the node plugin never reads it."
        ),
        RuleDescription(
            "pv-dnsname", .persistentVolume, .deny,
            summary: "volumeAttributes.dnsname is missing or not a host name",
            details:
                "`volumeAttributes.dnsname` is set and not empty (denied); a name that is neither a host name nor an IPv4 address is a warning (peered VPCs without DNS resolution use the file system's IP)."
        ),
        RuleDescription(
            "pv-mountname", .persistentVolume, .deny,
            summary: "volumeAttributes.mountname is not a Lustre mount name",
            details: "`volumeAttributes.mountname`, when set, is 1–8 letters, digits, `_` or `-`."),
        RuleDescription(
            "pv-access", .persistentVolume, .deny,
            summary: "Access mode or volume mode the driver cannot serve",
            details: "Not `ReadOnlyMany` alone, not `volumeMode: Block`."),
        RuleDescription(
            "pv-dnsname-mismatch", .persistentVolume, .warn,
            summary: "The DNS name names another file system than volumeHandle",
            details: "The DNS name names another file system than `volumeHandle`."),
        RuleDescription(
            "pv-mountname-missing", .persistentVolume, .warn,
            summary: "No mountname: the driver mounts fsx, right only for SCRATCH_1",
            details: "Without `volumeAttributes.mountname` the driver mounts `fsx`, right only for SCRATCH_1."),
        RuleDescription(
            "pv-attribute-unknown", .persistentVolume, .warn,
            summary: "A volumeAttributes key the driver ignores",
            details:
                "A `volumeAttributes` key other than `dnsname` and `mountname` (such as `subpath`) is ignored: the file system's root is mounted."
        ),
        RuleDescription(
            "pv-reclaim-policy", .persistentVolume, .warn,
            summary: "Delete deletes the file system; Recycle cannot work",
            details:
                "`Delete` deletes the real file system with the claim, and AWS takes no final backup by default; `Recycle` cannot work for CSI volumes."
        ),
    ]
}
