/// Judges PersistentVolumes of aws-fsx-csi-driver, mostly statically provisioned ones that
/// point at an existing file system.
///
/// The node plugin mounts `<dnsname>@tcp:/<mountname>` and checks nothing earlier, so a wrong
/// attribute shows up only as a pod stuck in ContainerCreating.
public enum PersistentVolumeValidator {
    /// The CSI driver name whose volumes are judged; other volumes are not.
    public static let driver = StorageClassValidator.provisioner

    static let handleField = "spec.csi.volumeHandle"
    static let attributesField = "spec.csi.volumeAttributes"
    static let dnsnameField = "spec.csi.volumeAttributes.dnsname"
    static let mountnameField = "spec.csi.volumeAttributes.mountname"

    /// Every problem of `persistentVolume`, denials and warnings, in a stable order.
    ///
    /// Returns `[]` unless `spec.csi.driver` is `fsx.csi.aws.com`. Never traps on
    /// unexpected JSON types: a value of the wrong type is itself reported.
    public static func validate(_ persistentVolume: JSONValue) -> [Violation] {
        guard let spec = persistentVolume["spec"], let csi = spec["csi"], csi["driver"]?.stringValue == driver else {
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

    /// Returns the handle when it is a valid file system ID.
    static func checkHandle(_ value: JSONValue?, into violations: inout [Violation]) -> String? {
        guard case .string(let handle)? = value else {
            let found = value.map { "is \(StorageClassValidator.describe($0))" } ?? "is missing"
            violations.append(
                .deny(
                    "pv-handle", handleField,
                    "\(handleField): \(found); set it to the file system ID, like fs-0123456789abcdef0"))
            return nil
        }
        if Patterns.isAWSID(handle, prefix: "fs-") { return handle }
        violations.append(
            .deny(
                "pv-handle", handleField,
                "\(handleField): \(Violation.quote(handle)) is not a file system ID (fs- and 8 to 17 lowercase hex "
                    + "digits); use the FileSystemId from aws fsx describe-file-systems"))
        return nil
    }

    static func checkAttributes(_ value: JSONValue?, handle: String?, into violations: inout [Violation]) {
        let attributes: JSONObject
        switch value {
        case nil, .null?:
            attributes = JSONObject()
        case .object(let object)?:
            attributes = object
        case let other?:
            violations.append(
                .deny(
                    "field-type", attributesField,
                    "\(attributesField): is \(StorageClassValidator.describe(other)), not a map of strings; "
                        + "write volumeAttributes: {dnsname: ..., mountname: ...}"))
            return
        }

        switch attributes["dnsname"] {
        case .string(let name)? where !name.isEmpty:
            if !isHostname(name) {
                violations.append(
                    .deny(
                        "pv-dnsname", dnsnameField,
                        "\(dnsnameField): \(Violation.quote(name)) is not a host name; use the file system's DNSName, "
                            + "like fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com"))
            } else if let handle, let named = fileSystemID(inDNSName: name), named != handle {
                violations.append(
                    .warn(
                        "pv-dnsname-mismatch", dnsnameField,
                        "\(dnsnameField): names \(named), but volumeHandle is \(handle); check both"))
            }
        case .string?, nil, .null?:
            let hint =
                misspelt("dnsname", in: attributes).map { "rename \(shown($0)) to dnsname" }
                ?? "add dnsname: fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com (the file system's DNSName)"
            violations.append(
                .deny(
                    "pv-dnsname", dnsnameField,
                    "\(dnsnameField): is missing, and the driver cannot mount without it; \(hint)"))
        case let other?:
            violations.append(typeViolation(dnsnameField, other))
        }

        switch attributes["mountname"] {
        case .string(let name)? where !name.isEmpty:
            if !isMountName(name) {
                violations.append(
                    .deny(
                        "pv-mountname", mountnameField,
                        "\(mountnameField): \(Violation.quote(name)) is not an FSx mount name (1 to 8 letters, digits, "
                            + "'_' or '-'); use the MountName from aws fsx describe-file-systems"))
            }
        case .string?, nil, .null?:
            // The driver then mounts /fsx, which is right only for SCRATCH_1 file systems.
            let hint =
                misspelt("mountname", in: attributes).map { "rename \(shown($0)) to mountname" }
                ?? "set the file system's MountName"
            violations.append(
                .warn(
                    "pv-mountname-missing", mountnameField,
                    "\(mountnameField): not set, so /fsx is mounted (SCRATCH_1 only); \(hint)"))
        case let other?:
            violations.append(typeViolation(mountnameField, other))
        }
    }

    static func checkAccess(_ spec: JSONValue, into violations: inout [Violation]) {
        switch spec["accessModes"] {
        case nil, .null?:
            break
        case .array(let modes)?:
            // The driver offers single-node-writer and multi-node-multi-writer only; a read-only
            // many volume is asked for with a capability it refuses.
            var strings: [String] = []
            for (index, mode) in modes.enumerated() {
                guard case .string(let text) = mode else {
                    violations.append(typeViolation("spec.accessModes[\(index)]", mode))
                    continue
                }
                strings.append(text)
            }
            if !strings.isEmpty, strings.allSatisfy({ $0 == "ReadOnlyMany" }) {
                violations.append(
                    .deny(
                        "pv-access", "spec.accessModes",
                        "spec.accessModes: [ReadOnlyMany] alone cannot be mounted by aws-fsx-csi-driver; use "
                            + "ReadWriteMany and mount read-only in the pod (readOnly: true)"))
            }
        case let other?:
            violations.append(typeViolation("spec.accessModes", other, expected: "a list of strings"))
        }

        switch spec["volumeMode"] {
        case .string("Block")?:
            violations.append(
                .deny(
                    "pv-access", "spec.volumeMode",
                    "spec.volumeMode: \"Block\" cannot work, FSx for Lustre is a file system; remove it or use Filesystem"
                ))
        case .string?, nil, .null?:
            break
        case let other?:
            violations.append(typeViolation("spec.volumeMode", other))
        }
    }

    static func checkReclaimPolicy(_ value: JSONValue?, into violations: inout [Violation]) {
        guard case .string(let policy)? = value else { return }
        switch policy {
        case "Delete":
            violations.append(
                .warn(
                    "pv-reclaim-policy", "spec.persistentVolumeReclaimPolicy",
                    "spec.persistentVolumeReclaimPolicy: Delete deletes the FSx file system with the claim; use Retain")
            )
        case "Recycle":
            violations.append(
                .warn(
                    "pv-reclaim-policy", "spec.persistentVolumeReclaimPolicy",
                    "spec.persistentVolumeReclaimPolicy: Recycle is not supported for CSI volumes; use Retain"))
        default:
            break
        }
    }

    static func typeViolation(_ field: String, _ value: JSONValue, expected: String = "a string") -> Violation {
        let fix = expected == "a string" ? "quote the value" : "write it as \(expected)"
        return .deny(
            "field-type", field, "\(field): is \(StorageClassValidator.describe(value)), not \(expected); \(fix)")
    }

    /// A key of `attributes` that is probably a misspelling of `wanted` ("dnsName", "dns_name").
    static func misspelt(_ wanted: String, in attributes: JSONObject) -> String? {
        for key in attributes.keys where key != wanted {
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
        // Over bytes: a name that passes is ASCII without CR, so splitting its bytes at '.' is
        // splitting its `Character`s; and a byte outside the allowed set fails either way.
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
        guard let dot = name.firstIndex(of: ".") else { return nil }
        let first = String(name[..<dot])
        return Patterns.isAWSID(first, prefix: "fs-") ? first : nil
    }
}
