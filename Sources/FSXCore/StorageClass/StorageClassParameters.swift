/// The `parameters` of one FSx StorageClass, read in a single pass.
///
/// While reading, it reports what concerns keys and JSON types (`parameter-type`,
/// `csi-reserved`, `unknown-parameter`); the value rules then work on the typed view.
/// A parameter given with a non-string value counts as *given but unreadable*: it is
/// reported once as `parameter-type`, and no other rule judges or requires it.
struct StorageClassParameters {
    /// The map read; `slots` point into it.
    private var members: [JSONObject.Member] = []
    /// Per `FSxParameter.rawValue`, a `UInt32`: 1 + the index in `members` of the key's string
    /// value, 0 when there is none. A tuple rather than an array of strings: reading a class
    /// then allocates, retains and releases nothing per key.
    private var slots: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    /// Keys given with a value that is not a JSON string, one bit per `FSxParameter.rawValue`
    /// (a bit set rather than an array: no allocation per class).
    private var unreadable: UInt32 = 0

    /// Resolved `deploymentType`: the default when absent, `nil` when invalid or unreadable,
    /// so rules that depend on it stay quiet instead of cascading.
    private(set) var deployment: DeploymentType?
    /// Resolved `storageType`, with the same convention.
    private(set) var storage: StorageType?

    /// An empty map: every key absent.
    init() {
        deployment = .scratch1
        storage = .ssd
    }

    /// Reads `object`, appending key and type problems to `violations`.
    init(
        reading object: JSONObject, unknownParameters: WebhookConfiguration.UnknownParameterPolicy,
        into violations: inout [Violation]
    ) {
        self.init()
        members = object.members
        var hasLegacyFSType = false
        var hasPrefixedFSType = false
        // Past `Violation.reportedPerList` unknown or reserved keys, the rest are counted in
        // one line each: every line costs a suggestion search.
        var unknownKeys = 0
        var reservedKeys = 0
        for index in members.indices {
            let key = members[index].key
            let known = FSxParameter(key: key)
            if case .string = members[index].value {
                if let known { setSlot(known, index + 1) }
            } else {
                if let known { unreadable |= 1 << known.rawValue }
                violations.append(Self.typeViolation(key: key, value: members[index].value))
            }
            if known != nil { continue }
            if key.hasPrefix(FSxValues.reservedPrefix) {
                let suffix = key.dropFirst(FSxValues.reservedPrefix.utf8.count)
                if suffix == "fstype" { hasPrefixedFSType = true }
                if !FSxValues.reservedSuffixes.contains(where: { $0 == suffix }) {
                    reservedKeys += 1
                    if reservedKeys <= Violation.reportedPerList {
                        violations.append(Self.reservedViolation(key: key, suffix: String(suffix)))
                    }
                }
                continue
            }
            if key == "fstype" { hasLegacyFSType = true }
            if FSxValues.deprecatedProvisionerKeys.contains(key) { continue }
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
        if hasLegacyFSType && hasPrefixedFSType {
            violations.append(
                .deny(
                    "csi-reserved", "parameters.fstype",
                    "parameters.fstype: is set together with csi.storage.k8s.io/fstype, which the external-provisioner "
                        + "refuses for every claim; remove fstype (deprecated) and keep csi.storage.k8s.io/fstype"))
        }
        deployment = resolve(.deploymentType, default: .scratch1)
        storage = resolve(.storageType, default: .ssd)
    }

    private func resolve<E: RawRepresentable>(_ parameter: FSxParameter, default value: E) -> E?
    where E.RawValue == String {
        if isUnreadable(parameter) { return nil }
        guard let text = setting(parameter) else { return value }
        return E(rawValue: text)
    }

    /// The string value, possibly empty; `nil` when absent or unreadable.
    subscript(_ parameter: FSxParameter) -> String? {
        let slot = withUnsafeBytes(of: slots) { $0.load(fromByteOffset: parameter.rawValue * 4, as: UInt32.self) }
        guard slot != 0, case .string(let text) = members[Int(slot) - 1].value else { return nil }
        return text
    }

    private mutating func setSlot(_ parameter: FSxParameter, _ slot: Int) {
        withUnsafeMutableBytes(of: &slots) {
            $0.storeBytes(of: UInt32(slot), toByteOffset: parameter.rawValue * 4, as: UInt32.self)
        }
    }

    /// The value when it is a non-empty string: what the driver forwards for string options
    /// (it drops empty ones, so an empty value behaves like an absent one).
    func setting(_ parameter: FSxParameter) -> String? {
        guard let text = self[parameter], !text.isEmpty else { return nil }
        return text
    }

    /// Given with a non-string value (already reported as `parameter-type`).
    func isUnreadable(_ parameter: FSxParameter) -> Bool { unreadable & (1 << parameter.rawValue) != 0 }

    /// Given in a way the driver acts on: a non-empty string, or an unreadable value (which
    /// counts as given so that "required" rules do not pile onto the type error).
    func isSet(_ parameter: FSxParameter) -> Bool { setting(parameter) != nil || isUnreadable(parameter) }

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

    static func typeViolation(key: String, value: JSONValue) -> Violation {
        let field = field(forKey: key)
        let shown: String
        let fix: String
        switch value {
        case .number(let text):
            shown = text
            fix = "quote it: \(JSONWriter.quoted(text))"
        case .bool(let flag):
            shown = flag ? "true" : "false"
            fix = "quote it: \"\(shown)\""
        case .null:
            shown = "null"
            fix = "quote a value or remove the key"
        case .array:
            shown = "a list"
            fix =
                key == "securityGroupIds" || key == "extraTags"
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
        let hint =
            Suggestion.nearest(to: suffix, among: FSxValues.reservedSuffixes)
            .map { "did you mean \(FSxValues.reservedPrefix)\($0)? otherwise remove it" } ?? "remove it"
        return .deny(
            "csi-reserved", field,
            "\(field): is not a key the external-provisioner knows under \(FSxValues.reservedPrefix), so every claim "
                + "of this class fails to provision; \(hint)")
    }

    static func unknownViolation(key: String, policy: WebhookConfiguration.UnknownParameterPolicy) -> Violation {
        let field = field(forKey: key)
        let suggestion = FSxValues.aliases[key]?.key ?? Suggestion.nearest(to: key, among: FSxParameter.keys)
        switch policy {
        case .warn:
            let hint = suggestion.map { "did you mean \($0)?" } ?? "remove it"
            return .warn("unknown-parameter", field, "\(field): unknown key, ignored by the FSx driver; \(hint)")
        case .deny:
            let hint = suggestion.map { "did you mean \($0)? otherwise remove it" } ?? "remove it"
            return .deny(
                "unknown-parameter", field,
                "\(field): unknown key; the FSx driver would ignore it and this webhook is configured to refuse "
                    + "unknown keys (validation.unknownParameters: deny); \(hint)")
        }
    }
}
