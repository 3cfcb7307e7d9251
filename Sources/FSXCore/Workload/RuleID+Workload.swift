extension RuleID {
    /// `fsx-webhook/volumes` names a volume the configuration does not have.
    public static let volumeUnknown: RuleID = "volume-unknown"
    /// `fsx-webhook/containers` names a container the pod template does not have.
    public static let containerUnknown: RuleID = "container-unknown"
    /// `fsx-webhook/placement` is not `required`, `preferred` or `none`.
    public static let placementInvalid: RuleID = "placement-invalid"
    /// The pod already has a volume with the config key's name but another source.
    public static let volumeNameConflict: RuleID = "volume-name-conflict"
    /// A target container already mounts another volume at the configured mountPath.
    public static let mountPathConflict: RuleID = "mountpath-conflict"
    /// The selected volumes are in more than one zone.
    public static let zoneConflict: RuleID = "zone-conflict"
    /// The pod's required node affinity can never match the volumes' zone.
    public static let affinityConflict: RuleID = "affinity-conflict"
    /// The pod's `nodeSelector` pins another zone.
    public static let nodeSelectorConflict: RuleID = "nodeselector-conflict"
    /// Placement is asked for, but a selected volume has no zone in the configuration.
    public static let volumeZoneMissing: RuleID = "volume-zone-missing"
    /// The workload opts in but selects no volumes (a warning).
    public static let noVolumes: RuleID = "no-volumes"
    /// The workload opts in but has no pod template to mutate (a warning).
    public static let noPodTemplate: RuleID = "no-pod-template"
    /// An `fsx-webhook/` annotation this version does not know (a warning; likely a typo).
    public static let annotationUnknown: RuleID = "annotation-unknown"
    /// A field the decision reads is missing or has the wrong JSON type.
    public static let invalidField: RuleID = "invalid-field"
}
