extension RuleCatalog {
    /// The rules of Workloads, in the order docs/rules.md lists them.
    static let workloadRules: [RuleDescription] = [
        RuleDescription(
            "volume-unknown", .workload, .deny,
            summary: "fsx-webhook/volumes names a volume the configuration does not have",
            details: "`fsx-webhook/volumes` names a volume the configuration does not have."),
        RuleDescription(
            "container-unknown", .workload, .deny,
            summary: "fsx-webhook/containers names a container the pod does not have",
            details: "`fsx-webhook/containers` names a container the pod does not have."),
        RuleDescription(
            "placement-invalid", .workload, .deny,
            summary: "fsx-webhook/placement is not required, preferred or none",
            details: "`fsx-webhook/placement` is not `required`, `preferred` or `none`."),
        RuleDescription(
            "volume-name-conflict", .workload, .deny,
            summary: "A pod volume of the same name has another source",
            details: "A pod volume of the same name has another source."),
        RuleDescription(
            "mountpath-conflict", .workload, .deny,
            summary: "Another volume is mounted at the mount path",
            details: "Another volume is mounted at the mount path."),
        RuleDescription(
            "zone-conflict", .workload, .deny,
            summary: "The selected volumes are in different zones",
            details: "The selected volumes are in different zones under `required`."),
        RuleDescription(
            "nodeselector-conflict", .workload, .deny,
            summary: "nodeSelector pins another zone",
            details: "`nodeSelector` pins another zone."),
        RuleDescription(
            "affinity-conflict", .workload, .deny,
            summary: "No existing node affinity term can match the zone",
            details: "No existing nodeSelectorTerm can match the zone."),
        RuleDescription(
            "volume-zone-missing", .workload, .deny,
            summary: "A volume has no zone, but placement needs one",
            details: "A volume without a zone under `required` or `preferred` placement."),
        RuleDescription(
            "aws-zone-unknown", .workload, .deny,
            summary: "The zone of a fileSystemId volume is not known yet",
            details:
                "The zone of a `fileSystemId` volume is not known (AWS not asked, unreachable, or no such file system): denied under `required`, warned under `preferred`."
        ),
        RuleDescription(
            "invalid-field", .workload, .deny,
            summary: "A field the mutation reads has the wrong JSON type",
            details: "A field of the wrong JSON type (the apiserver would refuse the object anyway)."),
        RuleDescription(
            "no-volumes", .workload, .warn,
            summary: "Opted in, but no volume is selected",
            details: "Opted in, but no volume selected and no `defaultVolumes`."),
        RuleDescription(
            "no-pod-template", .workload, .warn,
            summary: "Opted in, but there is no pod template to mutate",
            details:
                "Opted in, but the workload has no pod template to mutate (a RayJob that submits to an existing cluster)."
        ),
        RuleDescription(
            "annotation-unknown", .workload, .warn,
            summary: "An fsx-webhook/ annotation this version does not know",
            details: "A misspelt `fsx-webhook/` annotation."),
    ]
}
