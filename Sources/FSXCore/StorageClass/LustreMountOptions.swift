import FSXJSON

/// Checks `mountOptions` of an FSx StorageClass or PersistentVolume.
///
/// The node plugin passes them to `mount -t lustre` unchanged, and the Lustre client refuses
/// options it does not know, so a typo surfaces only as a pod stuck in ContainerCreating.
/// Unknown options are warnings, not denials: newer Lustre clients may know more options.
enum LustreMountOptions {
    /// Lustre client options (mount.lustre(8)) and filesystem-independent mount(8) options.
    /// (Set lookups compare by canonical equivalence, which equals byte comparison here: no
    /// option holds K, ';' or '`', the only ASCII characters with non-ASCII equivalents.)
    static let known: Set<String> = [
        // Lustre client
        "flock", "localflock", "noflock", "lazystatfs", "nolazystatfs", "user_xattr", "nouser_xattr",
        "always_ping", "verbose", "noverbose", "user_fid2path", "nouser_fid2path", "test_dummy_encryption",
        "encrypt", "noencrypt", "acl", "noacl", "32bitapi", "checksum", "nochecksum", "lruresize",
        "nolruresize", "statfs_project", "nostatfs_project",
        // mount(8)
        "defaults", "ro", "rw", "sync", "async", "dirsync", "atime", "noatime", "diratime", "nodiratime",
        "relatime", "norelatime", "strictatime", "nostrictatime", "lazytime", "nolazytime", "dev", "nodev",
        "exec", "noexec", "suid", "nosuid", "nosymfollow", "mand", "nomand", "iversion", "noiversion",
        "silent", "loud", "auto", "noauto", "_netdev", "nofail", "user", "nouser", "users", "owner", "group",
    ]

    /// Options written `name=value`.
    static let knownWithValue: Set<String> = [
        "network", "mgssec", "skpath", "exclude", "retry",
        "context", "fscontext", "defcontext", "rootcontext", "comment",
    ]

    static let lockingModes = ["flock", "localflock", "noflock"]

    /// Reports problems of the `mountOptions` list found at `field`.
    static func check(_ value: JSONView?, field: String, into violations: inout [Violation]) {
        guard let list = value, !list.isNull else { return }
        guard list.isArray else {
            violations.append(
                .deny(
                    "field-type", field,
                    "\(field): is \(StorageClassValidator.describe(list)), not a list of strings; write \(field): [flock]"
                ))
            return
        }
        var locking: [String] = []
        // Past `Violation.reportedPerList` unknown options the rest are counted in one line:
        // each line costs a suggestion search.
        var unknown = 0
        for (index, item) in list.elements.enumerated() {
            guard let text = item.string else {
                let itemField = "\(field)[\(index)]"
                violations.append(
                    .deny(
                        "field-type", itemField,
                        "\(itemField): is \(StorageClassValidator.describe(item)), not a string; quote the option"))
                continue
            }
            // One entry may carry several options, as in "flock,noatime": mount joins them anyway.
            var reported = false
            for option in text.splitBytes(UInt8(ascii: ",")) {
                let name = option.utf8.firstIndex(of: UInt8(ascii: "=")).map { Substring(option.utf8[..<$0]) } ?? option
                if lockingModes.containsBytes(of: name), !locking.containsBytes(of: name) {
                    locking.append(String(name))
                }
                if reported || isKnown(option, name: name) { continue }
                reported = true
                unknown += 1
                if unknown > Violation.reportedPerList { continue }
                let itemField = "\(field)[\(index)]"
                let hint =
                    Suggestion.nearest(to: String(name), among: known).map { "did you mean \($0)?" }
                    ?? "check mount.lustre(8)"
                violations.append(
                    .warn(
                        "mount-options", itemField,
                        "\(itemField): \(Violation.quote(String(option), limit: 32)) is not a Lustre or mount option, "
                            + "so mounts may fail; \(hint)"))
            }
        }
        if unknown > Violation.reportedPerList {
            violations.append(
                .warn(
                    "mount-options", field,
                    "\(field): \(unknown - Violation.reportedPerList) more entries are not Lustre or mount options, "
                        + "so mounts may fail; check mount.lustre(8)"))
        }
        if locking.count > 1 {
            violations.append(
                .warn(
                    "flock-conflict", field,
                    "\(field): \(locking.joined(separator: " and ")) conflict; Lustre uses one locking mode, keep one"))
        }
    }

    static func isKnown(_ option: Substring, name: Substring) -> Bool {
        // x-* and X-* are for userspace helpers (x-systemd.*) and never reach the filesystem.
        if name.bytesHavePrefix("x-") || name.bytesHavePrefix("X-") { return true }
        if name.endIndex == option.endIndex { return known.contains(String(name)) }
        return knownWithValue.contains(String(name))
    }
}
