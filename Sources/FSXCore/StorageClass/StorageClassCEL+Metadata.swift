/// CEL renderings of the rules in `StorageClassValidator+Metadata.swift`.
extension StorageClassCEL {
    static var metadataValidations: [Validation] {
        let mode = FSxParameter.metadataConfigurationMode
        let iops = FSxParameter.metadataIops
        let efa = FSxParameter.efaEnabled
        let modes = CEL.list(FSxValues.metadataModes)
        let levels = "1500, 3000, 6000, or a multiple of 12000 up to 192000"
        let validIops =
            "(variables.metadataIops in [1500, 3000, 6000] || (variables.metadataIops >= 12000 "
            + "&& variables.metadataIops <= 192000 && variables.metadataIops % 12000 == 0))"
        let badMode = "(variables.metadataMode != '' && !(variables.metadataMode in \(modes)))"
        let notP2 =
            "(variables.metadataMode in \(modes) && variables.deploymentValid && variables.deployment != 'PERSISTENT_2')"
        let automatic = "(variables.metadataIops >= 0 && variables.metadataMode == 'AUTOMATIC')"
        let badLevel = "(variables.metadataIops >= 0 && variables.metadataMode == 'USER_PROVISIONED' && !\(validIops))"
        let missing = "(variables.metadataIops == -1 && variables.metadataMode == 'USER_PROVISIONED')"
        let iopsText = "string(variables.metadataIops)"
        return [
            Validation(
                rule: "metadata",
                expression: "!(\(badMode) || \(notP2) || \(automatic) || \(badLevel) || \(missing))",
                messageExpression:
                    "\(badMode) ? \(enumMessage(mode, FSxValues.metadataModes)) : \(notP2) ? "
                    + message(
                        mode, value: mode.cel,
                        CEL.concat(
                            CEL.string("exists only on PERSISTENT_2 (this class has "), "variables.deploymentText",
                            CEL.string("); remove it or use PERSISTENT_2")))
                    + " : \(automatic) ? "
                    + message(
                        iops, value: iopsText,
                        CEL.string(
                            "is refused with metadataConfigurationMode AUTOMATIC, where AWS picks the IOPS; "
                                + "remove it or use USER_PROVISIONED"))
                    + " : \(badLevel) ? "
                    + message(iops, value: iopsText, CEL.string("is not an IOPS level AWS offers; use \(levels)"))
                    + " : "
                    + message(
                        iops, value: nil,
                        CEL.string(
                            "is missing; metadataConfigurationMode USER_PROVISIONED requires it; "
                                + "add metadataIops: \"6000\" (\(levels))"))),
            Validation(
                rule: "metadata-iops-ignored",
                expression: "!(variables.metadataIops >= 0 && !variables.metadataSet)",
                messageExpression: message(
                    iops, value: nil,
                    CEL.string("ignored: the driver drops it without metadataConfigurationMode: USER_PROVISIONED"))),
            Validation(
                rule: "efa",
                expression:
                    "!(variables.efa == 'true' && variables.deploymentValid && (variables.deployment != 'PERSISTENT_2' "
                    + "|| !variables.metadataSet))",
                messageExpression:
                    "variables.deployment != 'PERSISTENT_2' ? "
                    + message(
                        efa, value: efa.cel,
                        CEL.concat(
                            CEL.string(
                                "needs PERSISTENT_2 with a metadata configuration (Lustre 2.15), but this class has "),
                            "variables.deploymentText",
                            CEL.string("; remove it or use PERSISTENT_2 with metadataConfigurationMode")))
                    + " : "
                    + message(
                        efa, value: efa.cel,
                        CEL.string(
                            "needs a metadata configuration (Lustre 2.15) on PERSISTENT_2; "
                                + "add metadataConfigurationMode: AUTOMATIC, or remove efaEnabled"))),
        ]
    }
}
