/// Metadata configuration (PERSISTENT_2) and EFA.
extension StorageClassValidator {
    static func checkMetadata(_ parameters: StorageClassParameters, into violations: inout [Violation]) {
        let mode = checkEnum(
            .metadataConfigurationMode, FSxValues.metadataModes, rule: "metadata", parameters, into: &violations)
        if let mode, let deployment = parameters.deployment, deployment != .persistent2 {
            violations.append(
                deny(
                    "metadata", .metadataConfigurationMode, mode,
                    "exists only on PERSISTENT_2 (this class has \(parameters.deploymentText)); "
                        + "remove it or use PERSISTENT_2"))
        }

        // The driver parses metadataIops whatever the mode, so its format matters even alone.
        let levels = "1500, 3000, 6000, or a multiple of 12000 up to 192000"
        switch integer(.metadataIops, example: "6000", parameters, into: &violations) {
        case .value(let iops):
            if !parameters.hasMetadataConfiguration {
                violations.append(
                    warn(
                        "metadata-iops-ignored", .metadataIops, nil,
                        "ignored: the driver drops it without metadataConfigurationMode: USER_PROVISIONED"))
            } else if mode?.bytesEqual("AUTOMATIC") == true {
                violations.append(
                    deny(
                        "metadata", .metadataIops, String(iops),
                        "is refused with metadataConfigurationMode AUTOMATIC, where AWS picks the IOPS; "
                            + "remove it or use USER_PROVISIONED"))
            } else if mode?.bytesEqual("USER_PROVISIONED") == true, !FSxValues.isValidMetadataIops(iops) {
                violations.append(
                    deny("metadata", .metadataIops, String(iops), "is not an IOPS level AWS offers; use \(levels)"))
            }
        case .absent:
            if mode?.bytesEqual("USER_PROVISIONED") == true {
                violations.append(
                    deny(
                        "metadata", .metadataIops, nil,
                        "is missing; metadataConfigurationMode USER_PROVISIONED requires it; "
                            + "add metadataIops: \"6000\" (\(levels))"))
            }
        case .invalid:
            break
        }

        guard case .value(true) = boolean(.efaEnabled, parameters, into: &violations),
            let deployment = parameters.deployment
        else { return }
        if deployment != .persistent2 {
            violations.append(
                deny(
                    "efa", .efaEnabled, parameters[.efaEnabled],
                    "needs PERSISTENT_2 with a metadata configuration (Lustre 2.15), but this class has "
                        + "\(parameters.deploymentText); remove it or use PERSISTENT_2 with metadataConfigurationMode"))
        } else if !parameters.hasMetadataConfiguration {
            violations.append(
                deny(
                    "efa", .efaEnabled, parameters[.efaEnabled],
                    "needs a metadata configuration (Lustre 2.15) on PERSISTENT_2; "
                        + "add metadataConfigurationMode: AUTOMATIC, or remove efaEnabled"))
        }
    }
}
