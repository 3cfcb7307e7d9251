extension RuleID {
    /// `fsx-webhook/volumes` names a volume the configuration does not have.
    package static let volumeUnknown: RuleID = "volume-unknown"
    /// `fsx-webhook/containers` names a container the pod template does not have.
    package static let containerUnknown: RuleID = "container-unknown"
    /// `fsx-webhook/placement` is not `required`, `preferred` or `none`.
    package static let placementInvalid: RuleID = "placement-invalid"
    /// The pod already has a volume with the config key's name but another source.
    package static let volumeNameConflict: RuleID = "volume-name-conflict"
    /// A target container already mounts another volume at the configured mountPath.
    package static let mountPathConflict: RuleID = "mountpath-conflict"
    /// The selected volumes are in more than one zone.
    package static let zoneConflict: RuleID = "zone-conflict"
    /// The pod's required node affinity can never match the volumes' zone.
    package static let affinityConflict: RuleID = "affinity-conflict"
    /// The pod's `nodeSelector` pins another zone.
    package static let nodeSelectorConflict: RuleID = "nodeselector-conflict"
    /// Placement is asked for, but a selected volume has no zone in the configuration.
    package static let volumeZoneMissing: RuleID = "volume-zone-missing"
    /// The workload opts in but selects no volumes (a warning).
    package static let noVolumes: RuleID = "no-volumes"
    /// The workload opts in but has no pod template to mutate (a warning).
    package static let noPodTemplate: RuleID = "no-pod-template"
    /// An `fsx-webhook/` annotation this version does not know (a warning; likely a typo).
    package static let annotationUnknown: RuleID = "annotation-unknown"
    /// A field the decision reads is missing or has the wrong JSON type.
    package static let invalidField: RuleID = "invalid-field"
}
