import FSXJSON

/// Judges PersistentVolumes of aws-fsx-csi-driver, mostly statically provisioned ones that
/// point at an existing file system.
///
/// The node plugin mounts `<dnsname>@tcp:/<mountname>` and checks nothing earlier, so a wrong
/// attribute shows up only as a pod stuck in ContainerCreating.
enum PersistentVolumeValidator {
    /// The CSI driver name whose volumes are judged; other volumes are not.
    static let driver = StorageClassValidator.provisioner

    static let handleField = "spec.csi.volumeHandle"
    static let attributesField = "spec.csi.volumeAttributes"
    static let dnsnameField = "spec.csi.volumeAttributes.dnsname"
    static let mountnameField = "spec.csi.volumeAttributes.mountname"

    /// Every problem of `persistentVolume`, denials and warnings, in a stable order.
    ///
    /// Returns `[]` unless `spec.csi.driver` is `fsx.csi.aws.com`. Never traps on
    /// unexpected JSON types: a value of the wrong type is itself reported.
    package static func validate(_ persistentVolume: JSONView) -> [Violation] {
        guard let spec = persistentVolume["spec"], let csi = spec["csi"], csi["driver"]?.isString(driver) == true
        else {
            return []
        }
        var violations: [Violation] = []
        let handle = checkHandle(csi["volumeHandle"], into: &violations)
        checkAttributes(csi["volumeAttributes"], handle: handle, into: &violations)
        checkAccess(spec, into: &violations)
        // A claim-driven PV carries the provisioner's annotation; Delete is then the class's
        // deliberate choice, not a surprise.
        let dynamic = persistentVolume["metadata"]?["annotations"]?["pv.kubernetes.io/provisioned-by"] != nil
        if !dynamic { checkReclaimPolicy(spec["persistentVolumeReclaimPolicy"], into: &violations) }
        LustreMountOptions.check(spec["mountOptions"], field: "spec.mountOptions", into: &violations)
        return violations
    }

    /// Returns the handle when it is a file system ID.
    ///
    /// The node plugin mounts `<dnsname>@tcp:/<mountname>` and never reads the handle, so only
    /// a missing or empty one (which the apiserver refuses anyway) is denied; a handle that is
    /// not an `fs-` ID works for mounting, but deleting the volume or reading its ID later
    /// would go wrong, so it is a warning.
    static func checkHandle(_ value: JSONView?, into violations: inout [Violation]) -> String? {
        guard let handle = value?.string, !handle.isEmpty else {
            let found = value.map { "is \(StorageClassValidator.describe($0))" } ?? "is missing"
            let shown = value?.isString == true ? "is empty" : found
            violations.append(
                .deny(
                    "pv-handle", handleField,
                    "\(handleField): \(shown); set it to the file system ID, like fs-0123456789abcdef0"))
            return nil
        }
        if Patterns.isAWSID(handle, prefix: "fs-") { return handle }
        violations.append(
            .warn(
                "pv-handle", handleField,
                "\(handleField): \(Violation.quote(handle, limit: 24)) is not a file system ID; use its FileSystemId"))
        return nil
    }

    /// The attributes the node plugin of driver v1.9.0 reads (`pkg/driver/node.go`).
    static let knownAttributes = ["dnsname", "mountname"]
    /// Attribute keys that other components write into a PV: the external-provisioner adds
    /// this one to every dynamically provisioned volume.
    static let foreignAttributePrefixes = ["storage.kubernetes.io/", "csi.storage.k8s.io/"]

    static func checkAttributes(_ value: JSONView?, handle: String?, into violations: inout [Violation]) {
        // `nil` for none at all; read in place, keys compared as bytes (the node plugin's Go
        // map lookup).
        var attributes: JSONView?
        if let value, !value.isNull {
            guard value.isObject else {
                violations.append(
                    .deny(
                        "field-type", attributesField,
                        "\(attributesField): is \(StorageClassValidator.describe(value)), not a map of strings; "
                            + "write volumeAttributes: {dnsname: ..., mountname: ...}"))
                return
            }
            attributes = value
        }
        let dnsname = attributes?["dnsname"]
        let mountname = attributes?["mountname"]
        // Misspellings named in the messages below, not reported a second time as unknown.
        var renamed: [String] = []

        if let name = dnsname?.string, !name.isEmpty {
            if !isHostname(name) {
                // Custom resolvers and peered VPCs use other names and the file system's IP; a
                // name of another shape is probably wrong but not surely so.
                violations.append(
                    .warn(
                        "pv-dnsname", dnsnameField,
                        "\(dnsnameField): \(Violation.quote(name, limit: 32)) is not a host name or IPv4 address; "
                            + "check it"))
            } else if let handle, let named = fileSystemID(inDNSName: name), !named.bytesEqual(handle) {
                violations.append(
                    .warn(
                        "pv-dnsname-mismatch", dnsnameField,
                        "\(dnsnameField): names \(named), but volumeHandle is \(handle); check both"))
            }
        } else if let other = dnsname, !other.isString, !other.isNull {
            violations.append(typeViolation(dnsnameField, other))
        } else {
            let misspelt = misspelt("dnsname", in: attributes)
            if let misspelt { renamed.append(misspelt) }
            let hint =
                misspelt.map { "rename \(shown($0)) to dnsname" }
                ?? "add dnsname: fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com (the file system's DNSName)"
            violations.append(
                .deny(
                    "pv-dnsname", dnsnameField,
                    "\(dnsnameField): is missing, and the driver cannot mount without it; \(hint)"))
        }

        if let name = mountname?.string, !name.isEmpty {
            if !isMountName(name) {
                violations.append(
                    .deny(
                        "pv-mountname", mountnameField,
                        "\(mountnameField): \(Violation.quote(name)) is not an FSx mount name (1 to 8 letters, digits, "
                            + "'_' or '-'); use the MountName from aws fsx describe-file-systems"))
            }
        } else if let other = mountname, !other.isString, !other.isNull {
            violations.append(typeViolation(mountnameField, other))
        } else {
            // The driver then mounts /fsx, which is right only for SCRATCH_1 file systems.
            let misspelt = misspelt("mountname", in: attributes)
            if let misspelt { renamed.append(misspelt) }
            let hint = misspelt.map { "rename \(shown($0)) to mountname" } ?? "set the file system's MountName"
            violations.append(
                .warn(
                    "pv-mountname-missing", mountnameField,
                    "\(mountnameField): not set, so /fsx is mounted (SCRATCH_1 only); \(hint)"))
        }

        // Other keys: the driver ignores them (`subpath` comes from an unmerged branch) and
        // mounts the file system's root.
        var unknown = 0
        if let attributes {
            for (keyView, _) in attributes.distinctMembers {
                if knownAttributes.contains(where: { keyView.isString($0) })
                    || renamed.contains(where: { keyView.isString($0) })
                    || foreignAttributePrefixes.contains(where: { keyView.isString(withPrefix: $0) })
                {
                    continue
                }
                unknown += 1
                guard unknown <= Violation.reportedPerList else { continue }
                let key = keyView.string ?? ""
                let field =
                    key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") })
                    ? "\(attributesField).\(key)" : "\(attributesField)[\(Violation.quote(key))]"
                violations.append(
                    .warn(
                        "pv-attribute-unknown", field,
                        "\(field): ignored by driver v1.9.0, which mounts the file system's root; remove it"))
            }
        }
        if unknown > Violation.reportedPerList {
            violations.append(
                .warn(
                    "pv-attribute-unknown", attributesField,
                    "\(attributesField): \(unknown - Violation.reportedPerList) more keys the driver ignores; remove them"
                ))
        }
    }

    static func checkAccess(_ spec: JSONView, into violations: inout [Violation]) {
        checkAccessModes(spec["accessModes"], into: &violations)
        checkVolumeMode(spec["volumeMode"], into: &violations)
    }

    static func checkAccessModes(_ value: JSONView?, into violations: inout [Violation]) {
        guard let modes = value, !modes.isNull else { return }
        guard modes.isArray else {
            violations.append(typeViolation("spec.accessModes", modes, expected: "a list of strings"))
            return
        }
        // The driver offers single-node-writer and multi-node-multi-writer only; a read-only
        // many volume is asked for with a capability it refuses.
        var strings = 0
        var allReadOnlyMany = true
        for (index, mode) in modes.elements.enumerated() {
            guard mode.isString else {
                violations.append(typeViolation("spec.accessModes[\(index)]", mode))
                continue
            }
            strings += 1
            if !mode.isString("ReadOnlyMany") { allReadOnlyMany = false }
        }
        if strings > 0, allReadOnlyMany {
            violations.append(
                .deny(
                    "pv-access", "spec.accessModes",
                    "spec.accessModes: [ReadOnlyMany] alone cannot be mounted by aws-fsx-csi-driver; use "
                        + "ReadWriteMany and mount read-only in the pod (readOnly: true)"))
        }
    }

    static func checkVolumeMode(_ value: JSONView?, into violations: inout [Violation]) {
        guard let mode = value, !mode.isNull else { return }
        if !mode.isString {
            violations.append(typeViolation("spec.volumeMode", mode))
        } else if mode.isString("Block") {
            violations.append(
                .deny(
                    "pv-access", "spec.volumeMode",
                    "spec.volumeMode: \"Block\" cannot work, FSx for Lustre is a file system; remove it or use Filesystem"
                ))
        }
    }

    static func checkReclaimPolicy(_ value: JSONView?, into violations: inout [Violation]) {
        guard let policy = value, policy.isString else { return }
        // AWS's DeleteFileSystem skips the final backup unless asked (SkipFinalBackup defaults
        // to true), and the driver does not ask.
        if policy.isString("Delete") {
            violations.append(
                .warn(
                    "pv-reclaim-policy", "spec.persistentVolumeReclaimPolicy",
                    "spec.persistentVolumeReclaimPolicy: Delete deletes the file system with its claim, with no final "
                        + "backup; use Retain"))
        } else if policy.isString("Recycle") {
            violations.append(
                .warn(
                    "pv-reclaim-policy", "spec.persistentVolumeReclaimPolicy",
                    "spec.persistentVolumeReclaimPolicy: Recycle is not supported for CSI volumes; use Retain"))
        }
    }

    static func typeViolation(_ field: String, _ value: JSONView, expected: String = "a string") -> Violation {
        let fix = expected == "a string" ? "quote the value" : "write it as \(expected)"
        return .deny(
            "field-type", field, "\(field): is \(StorageClassValidator.describe(value)), not \(expected); \(fix)")
    }

    /// A key of `attributes` that is probably a misspelling of `wanted` ("dnsName", "dns_name").
    static func misspelt(_ wanted: String, in attributes: JSONView?) -> String? {
        guard let attributes else { return nil }
        for (keyView, _) in attributes.distinctMembers where !keyView.isString(wanted) {
            let key = keyView.string ?? ""
            if Suggestion.nearest(to: key, among: [wanted]) != nil { return key }
        }
        return nil
    }

    /// A user's key as shown in a message: bare when plain, quoted when it holds characters
    /// that would garble the line (the apiserver drops warnings with control characters).
    static func shown(_ key: String) -> String {
        key.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") } ? key : Violation.quote(key)
    }

    /// `^[A-Za-z0-9_-]{1,8}$`.
    static func isMountName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard !bytes.isEmpty, bytes.count <= 8 else { return false }
        return bytes.allSatisfy { b in
            Patterns.isDigit(b) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == UInt8(ascii: "_")
                || b == UInt8(ascii: "-")
        }
    }

    /// A DNS host name (labels of letters, digits and '-', not at either end) or an IPv4 address.
    static func isHostname(_ name: String) -> Bool {
        guard name.utf8.count <= 253 else { return false }
        var name = name
        return name.withUTF8 { bytes in
            var start = 0
            while true {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: ".") {
                    let b = bytes[end]
                    guard Patterns.isDigit(b) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == UInt8(ascii: "-")
                    else { return false }
                    end += 1
                }
                let length = end - start
                guard length > 0, length <= 63, bytes[start] != UInt8(ascii: "-"), bytes[end - 1] != UInt8(ascii: "-")
                else { return false }
                if end == bytes.count { return true }
                start = end + 1
            }
        }
    }

    /// The `fs-…` ID at the start of an FSx DNS name, when it has one.
    static func fileSystemID(inDNSName name: String) -> String? {
        guard let first = name.splitBytes(UInt8(ascii: ".")).first, Patterns.isAWSID(first, prefix: "fs-") else {
            return nil
        }
        return String(first)
    }
}
