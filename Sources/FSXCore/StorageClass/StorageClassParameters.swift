import FSXJSON

/// The `parameters` of one FSx StorageClass, read in a single pass.
///
/// While reading, it reports what concerns keys and JSON types (`parameter-type`,
/// `csi-reserved`, `unknown-parameter`); the value rules then work on the typed view.
/// A parameter given with a non-string value counts as *given but unreadable*: it is
/// reported once as `parameter-type`, and no other rule judges or requires it.
///
/// The values stay where they are in the body: the rules compare their bytes in place
/// (`withSetting`, `settingIs`), and a `String` is made only when a rule asks for one, which
/// is mostly to quote it in a message. Like the view it reads, it is valid only while the
/// body is.
struct StorageClassParameters {
    /// The `parameters` object.
    private let object: JSONView
    /// Per `FSxParameter.rawValue`: the tape position of the key's value when it is a string,
    /// else 0 (a value's position is never 0, the document's own). A constant literal, so
    /// the one copy per class costs no type lookup.
    private var positions: [UInt32] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    /// The parameters given with a value that is not a string, one bit per `rawValue`.
    private var unreadable: UInt32 = 0

    /// The first key that asks for provisioning on an existing file system (`fileSystemId`,
    /// ...), which driver v1.9.0 ignores; messages about what a new file system needs say so.
    private(set) var existingFileSystemKey: String?

    /// Resolved `deploymentType`: the default when absent, `nil` when invalid or unreadable,
    /// so rules that depend on it stay quiet instead of cascading.
    private(set) var deployment: DeploymentType?
    /// Resolved `storageType`, with the same convention.
    private(set) var storage: StorageType?

    /// Reads the `parameters` object `object` in place, appending key and type problems to
    /// `violations`. Keys are compared as bytes where they are; a key becomes a string only
    /// when a message names it.
    init(
        reading object: JSONView, unknownParameters: WebhookConfiguration.UnknownParameterPolicy,
        into violations: inout [Violation]
    ) {
        self.object = object
        deployment = .scratch1
        storage = .ssd
        // Every key naming an fstype: keys whose lower case is "fstype" and the prefixed one.
        var fstypeKeys: [String] = []
        // Past `Violation.reportedPerList` unknown or reserved keys, the rest are counted in
        // one line each: every line costs a suggestion search.
        var unknownKeys = 0
        var reservedKeys = 0
        for (keyView, value) in object.distinctMembers {
            let known = FSxParameter(key: keyView)
            if value.isString {
                if let known { positions[known.rawValue] = UInt32(value.position) }
            } else {
                if let known { unreadable |= 1 << UInt32(known.rawValue) }
                violations.append(Self.typeViolation(key: keyView.string ?? "", value: value))
            }
            if known != nil { continue }
            let key = keyView.string ?? ""
            if key.bytesHavePrefix(FSxValues.reservedPrefix) {
                let suffix = Substring(key.utf8.dropFirst(FSxValues.reservedPrefix.utf8.count))
                if key.bytesEqual(FSxValues.prefixedFSTypeKey) { fstypeKeys.append(key) }
                if FSxValues.reservedSuffixes.containsBytes(of: suffix) { continue }
                reservedKeys += 1
                if reservedKeys <= Violation.reportedPerList {
                    violations.append(Self.reservedViolation(key: key, suffix: String(suffix)))
                }
                continue
            }
            // The external-provisioner reads every key whose lower case is "fstype" (Go's
            // strings.ToLower) as the deprecated fstype key.
            if key.asciiCaseInsensitiveEquals("fstype") {
                fstypeKeys.append(key)
                continue
            }
            if FSxValues.deprecatedProvisionerKeys.containsBytes(of: key) { continue }
            if existingFileSystemKey == nil, FSxValues.existingFileSystemKeys.containsBytes(of: key) {
                existingFileSystemKey = key
            }
            unknownKeys += 1
            if unknownKeys <= Violation.reportedPerList {
                violations.append(Self.unknownViolation(key: key, policy: unknownParameters))
            }
        }
        if reservedKeys > Violation.reportedPerList {
            violations.append(
                .deny(
                    "csi-reserved", "parameters",
                    "parameters: \(reservedKeys - Violation.reportedPerList) more keys under \(FSxValues.reservedPrefix) "
                        + "are unknown to the external-provisioner, so every claim of this class fails; remove them"))
        }
        if unknownKeys > Violation.reportedPerList {
            let more = "parameters: \(unknownKeys - Violation.reportedPerList) more unknown keys"
            switch unknownParameters {
            case .warn:
                violations.append(
                    .warn("unknown-parameter", "parameters", "\(more), ignored by the FSx driver; remove them"))
            case .deny:
                violations.append(
                    .deny(
                        "unknown-parameter", "parameters",
                        "\(more); this webhook is configured to refuse unknown keys; remove them"))
            }
        }
        if fstypeKeys.count > 1 {
            let field = Self.field(forKey: fstypeKeys[1])
            let names = fstypeKeys.prefix(Violation.reportedPerList).map { Self.shown($0) }.joined(separator: ", ")
            violations.append(
                .deny(
                    "fstype-dup", field,
                    "\(field): \(names) each name the fstype; the external-provisioner refuses every claim of a "
                        + "class with more than one; keep only \(FSxValues.prefixedFSTypeKey)"))
        }
        deployment = resolve(.deploymentType, default: .scratch1, among: DeploymentType.all)
        storage = resolve(.storageType, default: .ssd, among: StorageType.all)
    }

    /// The case whose raw value the parameter's text is; `value` when absent or empty (the
    /// driver's default); `nil` when unreadable or not a known value.
    private func resolve<E: RawRepresentable<String>>(
        _ parameter: FSxParameter, default value: E, among cases: [E]
    ) -> E? {
        if isUnreadable(parameter) { return nil }
        guard let text = settingView(parameter) else { return value }
        return cases.first { text.isString($0.rawValue) }
    }

    /// The value's view when it is a string, possibly empty.
    func view(_ parameter: FSxParameter) -> JSONView? {
        let position = positions[parameter.rawValue]
        guard position != 0 else { return nil }
        return JSONView(bytes: object.bytes, entries: object.entries, position: Int(position))
    }

    /// The view of a non-empty string value: what the driver forwards for string options (it
    /// drops empty ones, so an empty value behaves like an absent one). A non-empty string
    /// has bytes as written (an escape is at least one byte of text too).
    func settingView(_ parameter: FSxParameter) -> JSONView? {
        guard let value = view(parameter), !value.rawBytes.isEmpty else { return nil }
        return value
    }

    /// The string value, possibly empty; `nil` when absent or unreadable.
    subscript(_ parameter: FSxParameter) -> String? { view(parameter)?.string }

    /// The value when it is a non-empty string, as text.
    func setting(_ parameter: FSxParameter) -> String? { settingView(parameter)?.string }

    /// Whether the value is a non-empty string (`setting(parameter) != nil`, no text made).
    func hasSetting(_ parameter: FSxParameter) -> Bool { settingView(parameter) != nil }

    /// `body` on the UTF-8 bytes of the value's text when it is a non-empty string, read in
    /// place unless escapes must be decoded; `nil` otherwise.
    func withSetting<Result>(_ parameter: FSxParameter, _ body: (UnsafeRawBufferPointer) -> Result) -> Result? {
        guard let value = settingView(parameter) else { return nil }
        guard value.hasEscapes else { return body(value.rawBytes) }
        return value.unescaped().withUnsafeBytes(body)
    }

    /// Given with a non-string value (already reported as `parameter-type`).
    func isUnreadable(_ parameter: FSxParameter) -> Bool { unreadable & 1 << UInt32(parameter.rawValue) != 0 }

    /// Given in a way the driver acts on: a non-empty string, or an unreadable value (which
    /// counts as given so that "required" rules do not pile onto the type error).
    func isSet(_ parameter: FSxParameter) -> Bool { hasSetting(parameter) || isUnreadable(parameter) }

    /// `metadataConfigurationMode` is set: the driver then sends a metadata configuration.
    var hasMetadataConfiguration: Bool { isSet(.metadataConfigurationMode) }

    /// `s3ImportPath` as the driver would send it, for rules that conflict with an S3 link.
    /// `nil` when S3 is already refused (PERSISTENT_2) or the deployment type is invalid, as
    /// those rules would then only repeat or guess.
    var effectiveImportPath: String? {
        guard let deployment, deployment != .persistent2 else { return nil }
        return setting(.s3ImportPath)
    }

    /// "deploymentType SCRATCH_2", or "the default deploymentType SCRATCH_1" when absent.
    var deploymentText: String {
        guard let deployment else { return "deploymentType \(Violation.quote(setting(.deploymentType) ?? ""))" }
        return setting(.deploymentType) == nil
            ? "the default deploymentType \(deployment.rawValue)" : "deploymentType \(deployment.rawValue)"
    }

    // MARK: - Key and type violations

    /// The field path of an arbitrary key; keys with characters that would garble a warning
    /// are shown quoted.
    static func field(forKey key: String) -> String {
        let plain = !key.isEmpty && key.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") }
        return plain ? "parameters.\(key)" : "parameters[\(Violation.quote(key))]"
    }

    static func typeViolation(key: String, value: JSONView) -> Violation {
        let field = field(forKey: key)
        let shown: String
        let fix: String
        switch value.kind {
        case .number:
            let text = value.numberText ?? ""
            shown = text
            fix = "quote it: \(JSONWriter.quoted(text))"
        case .true, .false:
            shown = value.bool == true ? "true" : "false"
            fix = "quote it: \"\(shown)\""
        case .null:
            shown = "null"
            fix = "quote a value or remove the key"
        case .array:
            shown = "a list"
            fix =
                key.bytesEqual("securityGroupIds") || key.bytesEqual("extraTags")
                ? "quote it as one comma-separated string" : "quote it as one string"
        case .object:
            shown = "a map"
            fix = "quote it as one string"
        case .string:
            shown = ""
            fix = ""
        }
        return .deny(
            "parameter-type", field,
            "\(field): \(shown) is not a string (parameter values must be strings; kubectl and the apiserver "
                + "refuse anything else); \(fix)")
    }

    static func reservedViolation(key: String, suffix: String) -> Violation {
        let field = field(forKey: key)
        if FSxValues.provisionerAddedSuffixes.containsBytes(of: suffix) {
            return .deny(
                "csi-reserved", field,
                "\(field): is added by the external-provisioner itself to each volume request and is refused in a "
                    + "class, so every claim of this class fails to provision; remove it")
        }
        let hint =
            Suggestion.nearest(to: suffix, among: FSxValues.reservedSuffixes)
            .map { "did you mean \(FSxValues.reservedPrefix)\($0)? otherwise remove it" } ?? "remove it"
        return .deny(
            "csi-reserved", field,
            "\(field): is not a key the external-provisioner knows under \(FSxValues.reservedPrefix), so every claim "
                + "of this class fails to provision; \(hint)")
    }

    /// A key the driver does not read. Keys from newer AWS features and unmerged driver
    /// branches, and look-alikes of real keys, get a message that says what they are; all are
    /// unknown keys to driver v1.9.0 and so follow `validation.unknownParameters`.
    static func unknownViolation(key: String, policy: WebhookConfiguration.UnknownParameterPolicy) -> Violation {
        let field = field(forKey: key)
        // What the key is (for warnings, short: kubectl shows each warning on one line) and
        // what to do about it.
        let what: String
        let fix: String
        if FSxValues.intelligentTieringKeys.containsBytes(of: key) {
            what = "an Intelligent-Tiering key that driver v1.9.0 ignores"
            fix = key.bytesEqual("throughputCapacity") ? "use perUnitStorageThroughput" : "remove it"
        } else if FSxValues.existingFileSystemKeys.containsBytes(of: key) {
            if key.bytesEqual("basedir") {
                what = "ignored by driver v1.9.0 (no sub-directory provisioning)"
                fix = "each claim creates a new file system"
            } else {
                what = "ignored by driver v1.9.0 (no provisioning on an existing file system)"
                fix = "use a static PV"
            }
        } else {
            let suggestion =
                FSxValues.alias(key)?.key ?? Suggestion.nearest(to: key, among: FSxParameter.keys)
            if let suggestion, let odd = key.unicodeScalars.first(where: { !$0.isASCII }) {
                // Looks like a real key but is not its bytes ("kms\u{212A}eyId", KELVIN SIGN).
                what = "unknown key: U+\(String(odd.value, radix: 16, uppercase: true)) is not ASCII"
                fix = "retype it as \(suggestion)"
            } else {
                what = "unknown key, ignored by the FSx driver"
                fix = suggestion.map { "did you mean \($0)?" } ?? "remove it"
            }
        }
        switch policy {
        case .warn:
            return .warn("unknown-parameter", field, "\(field): \(what); \(fix)")
        case .deny:
            return .deny(
                "unknown-parameter", field,
                "\(field): \(what); this webhook is configured to refuse keys the driver does not read "
                    + "(validation.unknownParameters: deny); \(fix == "remove it" ? fix : "\(fix), or remove it")")
        }
    }

    /// A user's key as shown in a message: bare when plain, quoted when it holds characters
    /// that would garble the line.
    static func shown(_ key: String) -> String {
        key.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") } ? key : Violation.quote(key)
    }
}
