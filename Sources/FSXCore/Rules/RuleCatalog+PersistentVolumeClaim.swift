extension RuleCatalog {
    /// The rules of PersistentVolumeClaims, in the order docs/rules.md lists them.
    static let persistentVolumeClaimRules: [RuleDescription] = [
        RuleDescription(
            "pvc-size-rounded", .persistentVolumeClaim, .warn,
            summary: "The driver rounds the requested size up",
            details:
                "The driver rounds the request up: SCRATCH_1 1200, 2400, then multiples of 3600 GiB; SCRATCH_2, PERSISTENT SSD 1200, 2400, then multiples of 2400; HDD multiples of 6000 (12 MB/s/TiB) or 1800 (40): the message says what AWS creates and bills, and the request that avoids waste."
        ),
        RuleDescription(
            "pvc-volume-mode", .persistentVolumeClaim, .deny,
            summary: "volumeMode Block: the driver mounts a file system only",
            details: "`volumeMode: Block`: the driver mounts a file system only."),
        RuleDescription(
            "pvc-access-mode", .persistentVolumeClaim, .deny,
            summary: "ReadOnlyMany alone is not supported",
            details: "`ReadOnlyMany` alone."),
        RuleDescription(
            "pvc-vac-unsupported", .persistentVolumeClaim, .deny,
            summary: "volumeAttributesClassName is refused for this driver",
            details:
                "`volumeAttributesClassName` set: the external-provisioner refuses it for a driver without ModifyVolume."
        ),
        RuleDescription(
            "pvc-static-class", .persistentVolumeClaim, .warn,
            summary: "A claim of a static-binding class without volumeName",
            details:
                "A claim of a static-binding class without `volumeName` binds only if a matching pre-created PV exists."
        ),
        RuleDescription(
            "pvc-scratch1-expand", .persistentVolumeClaim, .warn,
            summary: "Resizing a claim of a SCRATCH_1 class fails",
            details: "A class of SCRATCH_1 with `allowVolumeExpansion: true`: resizing the claim fails."),
    ]
}
