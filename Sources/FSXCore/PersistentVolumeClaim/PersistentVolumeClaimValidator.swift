import FSXJSON

/// Judges PersistentVolumeClaims of an FSx StorageClass, offline.
///
/// The apiserver sends a webhook one object at a time, so the server never sees a claim with
/// its class; `fsx-webhook check` does when both are in its input, and then says what the
/// claim will get: the size AWS creates and bills, and the settings the driver or the
/// external-provisioner refuse.
enum PersistentVolumeClaimValidator {
    static let storageField = "spec.resources.requests.storage"
    static let classField = "spec.storageClassName"

    /// Every problem of `claim`, judged as a claim of `storageClass`.
    ///
    /// Returns `[]` when `storageClass` is not an FSx class. Never traps on unexpected JSON
    /// types: the apiserver refuses a malformed claim, so such fields are skipped.
    package static func validate(_ claim: JSONView, storageClass: JSONView) -> [Violation] {
        guard let profile = StorageClassValidator.profile(of: storageClass) else { return [] }
        let spec = claim["spec"]
        var violations: [Violation] = []

        if spec?["volumeMode"]?.isString("Block") == true {
            violations.append(
                .deny(
                    "pvc-volume-mode", "spec.volumeMode",
                    "spec.volumeMode: \"Block\" cannot work, the FSx driver mounts a file system only; "
                        + "remove it or use Filesystem"))
        }
        if let modes = spec?["accessModes"], modes.isArray, modes.count > 0,
            modes.elements.allSatisfy({ $0.isString("ReadOnlyMany") })
        {
            violations.append(
                .deny(
                    "pvc-access-mode", "spec.accessModes",
                    "spec.accessModes: [ReadOnlyMany] alone cannot be provisioned or mounted by aws-fsx-csi-driver; "
                        + "use ReadWriteMany and mount read-only in the pod (readOnly: true)"))
        }
        if let name = spec?["volumeAttributesClassName"]?.string, !name.isEmpty {
            violations.append(
                .deny(
                    "pvc-vac-unsupported", "spec.volumeAttributesClassName",
                    "spec.volumeAttributesClassName: \(Violation.quote(name)) cannot be used with the FSx driver, "
                        + "which has no ModifyVolume; the external-provisioner refuses the claim; remove it"))
        }

        switch profile.provisioning {
        case .staticBinding:
            if spec?["volumeName"]?.string?.isEmpty ?? true {
                violations.append(
                    .warn(
                        "pvc-static-class", classField,
                        "\(classField): \(Violation.quote(profile.name)) has no parameters, so this claim binds only "
                            + "to a matching pre-created PV (set volumeName to pick one); without one it stays Pending")
                )
            }
        case .dynamic(let sizing):
            if let request = spec?["resources"]?["requests"]?["storage"] {
                checkSize(request, sizing: sizing, into: &violations)
            }
            if profile.allowsExpansion, sizing.deployment == .scratch1 {
                violations.append(
                    .warn(
                        "pvc-scratch1-expand", classField,
                        "\(classField): \(Violation.quote(profile.name)) is SCRATCH_1 with allowVolumeExpansion: true, "
                            + "but SCRATCH_1 file systems cannot grow, so resizing this claim fails"))
            }
        case .unresolved:
            break
        }
        return violations
    }

    static func checkSize(
        _ request: JSONView, sizing: StorageClassProfile.Sizing, into violations: inout [Violation]
    ) {
        // A number is what YAML makes of an unquoted `1200`; the apiserver reads it as bytes.
        guard let text = request.string ?? request.numberText else { return }
        let quantity: StorageQuantity
        switch StorageQuantity.parse(text) {
        case .success(let parsed):
            quantity = parsed
        case .failure(.tooLarge):
            return
        case .failure:
            violations.append(
                .deny(
                    "field-type", storageField,
                    "\(storageField): \(Violation.quote(text)) is not a Kubernetes quantity; write it like 1200Gi"))
            return
        }
        guard quantity.bytes > 0 else { return }
        let created = sizing.createdGiB(forBytes: quantity.bytes)
        guard created * StorageQuantity.gibibyte != quantity.bytes else { return }
        var fix = "request \(created)Gi to use all of it"
        if let smaller = sizing.largestSize(belowBytes: quantity.bytes) {
            fix += ", or \(smaller)Gi if that is enough"
        }
        violations.append(
            .warn(
                "pvc-size-rounded", storageField,
                "\(storageField): \(text) (\(quantity.gibibytesText) GiB) on \(sizing.description) is rounded up by "
                    + "the driver: AWS creates and bills \(created) GiB (\(sizing.steps)); \(fix)"))
    }
}

/// What claims need to know of an FSx StorageClass.
struct StorageClassProfile {
    /// How the driver sizes a new file system (`pkg/util/util.go`, `RoundUpVolumeSize`, v1.9.0).
    struct Sizing: Equatable {
        var deployment: DeploymentType
        var storage: StorageType
        /// `perUnitStorageThroughput` as the driver reads it (0 when absent or unreadable).
        var throughput: Int32

        /// The allocation unit and the size below which a smaller unit applies, in GiB.
        var units: (small: UInt64, from: UInt64, large: UInt64) {
            if storage == .hdd { return throughput == 12 ? (6000, 0, 6000) : (1800, 0, 1800) }
            if deployment == .scratch1 { return (1200, 3600, 3600) }
            return (1200, 2400, 2400)
        }

        /// The GiB AWS creates for a request of `bytes`.
        func createdGiB(forBytes bytes: UInt64) -> UInt64 {
            let units = units
            let unit = bytes < units.from * StorageQuantity.gibibyte ? units.small : units.large
            let unitBytes = unit * StorageQuantity.gibibyte
            return (bytes / unitBytes + (bytes % unitBytes == 0 ? 0 : 1)) * unit
        }

        /// The largest size AWS creates that is below `bytes`, if any.
        func largestSize(belowBytes bytes: UInt64) -> UInt64? {
            let created = createdGiB(forBytes: bytes)
            // Sizes are the multiples of the small unit below `from`, then of the large one.
            let units = units
            var candidate = created
            while candidate > 0 {
                let step = candidate > units.from ? units.large : units.small
                guard candidate > step else { return nil }
                candidate -= step
                if candidate * StorageQuantity.gibibyte < bytes { return candidate }
            }
            return nil
        }

        var description: String {
            storage == .hdd
                ? "\(deployment.rawValue) HDD at \(throughput == 12 ? 12 : 40) MB/s/TiB" : deployment.rawValue
        }

        /// The sizes AWS offers, for the message.
        var steps: String {
            let units = units
            if units.from == 0 { return "multiples of \(units.large)" }
            return units.from == 3600
                ? "sizes 1200, 2400, then multiples of 3600" : "sizes 1200, 2400, then multiples of 2400"
        }
    }

    enum Provisioning {
        /// No parameters: binds pre-created PersistentVolumes only.
        case staticBinding
        case dynamic(Sizing)
        /// Parameters whose deployment or storage type is invalid or unreadable.
        case unresolved
    }

    var name: String
    var provisioning: Provisioning
    var allowsExpansion: Bool
}

extension StorageClassValidator {
    /// What claims need to know of `storageClass`; `nil` unless it is an FSx class.
    static func profile(of storageClass: JSONView) -> StorageClassProfile? {
        guard storageClass["provisioner"]?.isString(provisioner) == true else { return nil }
        let className = storageClass["metadata"]?["name"]?.string ?? ""
        let expansion = storageClass["allowVolumeExpansion"]?.bool ?? false
        let provisioning: StorageClassProfile.Provisioning
        let parametersValue = storageClass["parameters"]
        switch parametersValue?.kind {
        case nil, .null?:
            provisioning = .staticBinding
        case .object?:
            guard let object = parametersValue, object.count > 0 else {
                provisioning = .staticBinding
                break
            }
            var ignored: [Violation] = []
            let parameters = StorageClassParameters(reading: object, unknownParameters: .warn, into: &ignored)
            if let deployment = parameters.deployment, let storage = parameters.storage {
                let throughput = parameters.setting(.perUnitStorageThroughput).flatMap { Patterns.int32($0) } ?? 0
                provisioning = .dynamic(.init(deployment: deployment, storage: storage, throughput: throughput))
            } else {
                provisioning = .unresolved
            }
        default:
            provisioning = .unresolved
        }
        return StorageClassProfile(name: className, provisioning: provisioning, allowsExpansion: expansion)
    }
}
