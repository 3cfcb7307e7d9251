/// CEL renderings of the rules on the class's other fields: `allowVolumeExpansion`
/// (`StorageClassValidator.checkExpansion`) and `mountOptions` (`LustreMountOptions`).
extension StorageClassCEL {
    /// The most `mountOptions` entries, and characters per entry, the policy reads. No real
    /// class comes near (a handful of options is usual); past them the policy warns that it
    /// did not read the list, which bounds the cost of splitting and matching every entry.
    static let maximumMountOptions = 32
    static let maximumMountOptionLength = 256

    static var fieldValidations: [Validation] {
        let withValue = LustreMountOptions.knownWithValue.sorted().joined(separator: "|")
        let optionKnown =
            "o.startsWith('x-') || o.startsWith('X-') || o in variables.mountOptionNames "
            + "|| o.matches('^(\(withValue))=')"
        let readable =
            "size(variables.mountOptions) <= \(maximumMountOptions) "
            + "&& variables.mountOptions.all(m, size(m) <= \(maximumMountOptionLength))"
        let badEntry = "m.split(',').exists(o, !(\(optionKnown)))"
        let modes = CEL.list(LustreMountOptions.lockingModes)
        func used(_ mode: String) -> String {
            "variables.mountOptions.exists(m, m.split(',').exists(o, o == \(mode) || o.startsWith(\(mode) + '=')))"
        }
        let usedModes = "\(modes).filter(f, \(used("f")))"
        return [
            Validation(
                rule: "scratch1-expansion",
                expression:
                    "!(has(object.allowVolumeExpansion) && object.allowVolumeExpansion == true && variables.provisions "
                    + "&& variables.deployment == 'SCRATCH_1')",
                messageExpression: CEL.string(
                    "allowVolumeExpansion: true, but SCRATCH_1 file systems cannot grow; use SCRATCH_2 or PERSISTENT_*")
            ),
            Validation(
                rule: "mount-options",
                expression: "\(readable) && !variables.mountOptions.exists(m, \(badEntry))",
                messageExpression:
                    "(\(readable)) ? "
                    + CEL.bind(
                        "m", "variables.mountOptions.filter(m, \(badEntry))[0]",
                        CEL.bind(
                            "o", "m.split(',').filter(o, !(\(optionKnown)))[0]",
                            CEL.concat(
                                "'mountOptions['", "string(variables.mountOptions.indexOf(m))", "']: '",
                                CEL.quote("o", limit: 32),
                                CEL.string(
                                    " is not a Lustre or mount option, so mounts may fail; check mount.lustre(8)"))))
                    + " : "
                    + CEL.string(
                        "mountOptions: more than \(maximumMountOptions) entries, or one longer than "
                            + "\(maximumMountOptionLength) characters, which this policy does not read; "
                            + "check mount.lustre(8)")),
            Validation(
                rule: "flock-conflict",
                expression: "!(\(readable)) || size(\(usedModes)) <= 1",
                messageExpression:
                    "(\(readable)) ? "
                    + CEL.concat(
                        "'mountOptions: '", "\(usedModes).join(' and ')",
                        CEL.string(" conflict; Lustre uses one locking mode, keep one")) + " : ''"),
        ]
    }
}
