/// CEL renderings of the key rules read in `StorageClassParameters.swift` and of the
/// static-binding class in `StorageClassValidator.swift`.
extension StorageClassCEL {
    /// Every key the external-provisioner knows under `csi.storage.k8s.io/`.
    static var reservedKeys: [String] { FSxValues.reservedSuffixes.map { FSxValues.reservedPrefix + $0 } }
    /// A key whose ASCII lower case is `fstype` (the size test first keeps the match short).
    static let fstypeLike = "(size(k) == 6 && k.matches('^[fF][sS][tT][yY][pP][eE]$'))"

    static func keyValidations(unknownParameters: WebhookConfiguration.UnknownParameterPolicy) -> [Validation] {
        let prefix = CEL.string(FSxValues.reservedPrefix)
        let unknownReserved = "k.startsWith(\(prefix)) && !(k in \(CEL.list(reservedKeys)))"
        let fstypeKeys = "variables.p.filter(k, \(fstypeLike) || k == \(CEL.string(FSxValues.prefixedFSTypeKey)))"
        let known = CEL.list(FSxParameter.keys + FSxValues.deprecatedProvisionerKeys)
        let isKnown = "k in \(known) || k.startsWith(\(prefix)) || \(fstypeLike)"
        return [
            Validation(
                rule: "csi-reserved",
                expression: "!variables.p.exists(k, \(unknownReserved))",
                messageExpression: CEL.bind(
                    "k", "variables.p.filter(k, \(unknownReserved))[0]",
                    "k.substring(\(FSxValues.reservedPrefix.count)) in \(CEL.list(FSxValues.provisionerAddedSuffixes)) ? "
                        + CEL.concat(
                            CEL.field(ofKey: "k"),
                            CEL.string(
                                ": is added by the external-provisioner itself to each volume request and is refused in a "
                                    + "class, so every claim of this class fails to provision; remove it"))
                        + " : "
                        + CEL.concat(
                            CEL.field(ofKey: "k"),
                            CEL.string(
                                ": is not a key the external-provisioner knows under \(FSxValues.reservedPrefix), so every "
                                    + "claim of this class fails to provision; remove it")))),
            Validation(
                rule: "fstype-dup",
                expression: "size(\(fstypeKeys)) <= 1",
                messageExpression: CEL.bind(
                    "f", fstypeKeys,
                    CEL.concat(
                        CEL.field(ofKey: "f[1]"), "': '", "f.join(', ')",
                        CEL.string(
                            " each name the fstype; the external-provisioner refuses every claim of a class with more "
                                + "than one; keep only \(FSxValues.prefixedFSTypeKey)")))),
            Validation(
                rule: "static-binding-class",
                expression: "variables.provisions",
                messageExpression: CEL.string(StorageClassValidator.staticBindingWarning.message)),
            Validation(
                rule: "unknown-parameter",
                expression: "variables.p.all(k, \(isKnown))",
                messageExpression: CEL.bind(
                    "k", "variables.p.filter(k, !(\(isKnown)))[0]", unknownMessage(unknownParameters))),
        ]
    }

    /// `StorageClassParameters.unknownViolation`'s message for the key `k`. The webhook also
    /// suggests the nearest known key by edit distance, which CEL cannot compute: the rendering
    /// suggests the keys of `FSxValues.aliases` and otherwise says "remove it".
    static func unknownMessage(_ policy: WebhookConfiguration.UnknownParameterPolicy) -> String {
        var what = "'unknown key, ignored by the FSx driver'"
        var fix = "'remove it'"
        for (alias, parameter) in FSxValues.aliases.reversed() {
            fix = "k == \(CEL.string(alias)) ? \(CEL.string("did you mean \(parameter.key)?")) : \(fix)"
        }
        fix = "(\(fix))"
        let tiering = CEL.list(FSxValues.intelligentTieringKeys)
        what =
            "(k in \(tiering) ? 'an Intelligent-Tiering key that driver v1.9.0 ignores' : k == 'basedir' ? "
            + "'ignored by driver v1.9.0 (no sub-directory provisioning)' : k in \(CEL.list(FSxValues.existingFileSystemKeys)) ? "
            + "'ignored by driver v1.9.0 (no provisioning on an existing file system)' : \(what))"
        fix =
            "(k == 'throughputCapacity' ? 'use perUnitStorageThroughput' : k in \(tiering) ? 'remove it' : k == 'basedir' ? "
            + "'each claim creates a new file system' : k in \(CEL.list(FSxValues.existingFileSystemKeys)) ? "
            + "'use a static PV' : \(fix))"
        switch policy {
        case .warn:
            return CEL.bind("fix", fix, CEL.concat(CEL.field(ofKey: "k"), "': '", what, "'; '", "fix"))
        case .deny:
            return CEL.bind(
                "fix", fix,
                CEL.concat(
                    CEL.field(ofKey: "k"), "': '", what,
                    CEL.string(
                        "; this webhook is configured to refuse keys the driver does not read "
                            + "(validation.unknownParameters: deny); "),
                    "(fix == 'remove it' ? fix : fix + ', or remove it')"))
        }
    }
}
