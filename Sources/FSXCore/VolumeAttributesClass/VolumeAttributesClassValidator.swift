import FSXJSON

/// Judges VolumeAttributesClasses (`storage.k8s.io`) that name aws-fsx-csi-driver.
///
/// A VolumeAttributesClass asks the driver to change a volume's attributes through the CSI
/// ModifyVolume call, which driver v1.9.0 does not offer: the external-provisioner then
/// refuses every claim that names the class ("CSI driver does not support
/// VolumeAttributesClass"). Creating the class breaks nothing yet, so it is a warning.
enum VolumeAttributesClassValidator {
    static let field = "driverName"

    package static func validate(_ volumeAttributesClass: JSONView) -> [Violation] {
        guard volumeAttributesClass[field]?.isString(StorageClassValidator.provisioner) == true else { return [] }
        return [
            .warn(
                "vac-unsupported", field,
                "driverName: fsx.csi.aws.com has no ModifyVolume, so every claim that names this class fails; remove it"
            )
        ]
    }
}
