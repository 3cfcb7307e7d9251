import FSXJSON

/// Judges StorageClasses of aws-fsx-csi-driver before they reach the cluster.
///
/// The driver does no checking of its own: it forwards parameters to AWS's CreateFileSystem
/// as they are, so a bad mix shows up only as a claim stuck `Pending` with a
/// `ProvisioningFailed` event, and parameters cannot be edited afterwards. This validator
/// applies the rules of docs/rules.md at admission and reports every problem at once.
enum StorageClassValidator {
    /// The provisioner name of aws-fsx-csi-driver. Classes of other provisioners are not judged.
    static let provisioner = "fsx.csi.aws.com"

    /// Every problem of `storageClass`, denials and warnings, in a stable order.
    ///
    /// Returns `[]` when `provisioner` is not `fsx.csi.aws.com`. Never traps on unexpected
    /// JSON types: a value of the wrong type is itself reported.
    /// - Parameter unknownParameters: whether keys the driver does not read are warnings or
    ///   denials (`validation.unknownParameters` in the configuration file).
    /// - Parameter aws: the AWS facts gathered for this class when the configuration has an
    ///   `aws:` section (the `aws-` rules then run on them); `nil` runs no AWS rule.
    package static func validate(
        _ storageClass: JSONView, unknownParameters: WebhookConfiguration.UnknownParameterPolicy,
        aws: AWSFacts? = nil
    ) -> [Violation] {
        // Fields and fixed values are compared in place, byte for byte, as the apiserver's Go
        // decoder matches field names; strings are made for the parameters the rules read and
        // for messages.
        guard storageClass["provisioner"]?.isString(provisioner) == true else { return [] }
        var violations: [Violation] = []

        var parameters: StorageClassParameters?
        if let parametersValue = storageClass["parameters"] {
            switch parametersValue.kind {
            case .null:
                violations.append(staticBindingWarning)
            case .object where parametersValue.count == 0:
                violations.append(staticBindingWarning)
            case .object:
                parameters = StorageClassParameters(
                    reading: parametersValue, unknownParameters: unknownParameters, into: &violations)
            default:
                // Nothing can be read, so no parameter rule runs: each would only repeat this.
                violations.append(
                    .deny(
                        "field-type", "parameters",
                        "parameters: is \(describe(parametersValue)), not a map of strings; "
                            + "write parameters: {subnetId: subnet-..., securityGroupIds: sg-...}"))
            }
        } else {
            violations.append(staticBindingWarning)
        }

        if let parameters {
            checkNetwork(parameters, into: &violations)
            checkPerformance(parameters, into: &violations)
            checkS3(parameters, into: &violations)
            checkBackup(parameters, into: &violations)
            checkMetadata(parameters, into: &violations)
            checkTags(parameters, into: &violations)
            if let aws { checkAWS(parameters, facts: aws, into: &violations) }
        }
        checkExpansion(storageClass["allowVolumeExpansion"], deployment: parameters?.deployment, into: &violations)
        LustreMountOptions.check(storageClass["mountOptions"], field: "mountOptions", into: &violations)
        return violations
    }

    /// A class without parameters is a static-binding class: Kubernetes binds its claims to
    /// pre-created PersistentVolumes of the same `storageClassName` without calling the driver
    /// (the driver's static_provisioning example, the AWS Kubeflow distribution). It works, so
    /// it is allowed; the one thing to say is that it cannot provision, since the driver needs
    /// `subnetId` and `securityGroupIds` to create a file system. No parameter rule applies.
    static let staticBindingWarning = Violation.warn(
        "static-binding-class", "parameters",
        "parameters: none, so claims bind only to pre-created PVs; one without a PV stays Pending (no subnetId)")

    // MARK: - Shared helpers

    /// The result of reading a typed parameter.
    enum Reading<Value> {
        /// Not given: the driver uses its default (or sends nothing).
        case absent
        /// Given but unusable; already reported.
        case invalid
        case value(Value)
    }

    /// A one-line message: field, the quoted value when there is one, then the text.
    static func message(_ parameter: FSxParameter, _ value: String?, _ text: String) -> String {
        guard let value else { return "\(parameter.field): \(text)" }
        return "\(parameter.field): \(Violation.quote(value)) \(text)"
    }

    static func deny(_ rule: RuleID, _ parameter: FSxParameter, _ value: String?, _ text: String) -> Violation {
        .deny(rule, parameter.field, message(parameter, value, text))
    }

    static func warn(_ rule: RuleID, _ parameter: FSxParameter, _ value: String?, _ text: String) -> Violation {
        .warn(rule, parameter.field, message(parameter, value, text))
    }

    /// Checks a value against a fixed set; reports `rule` and returns `nil` when it is not in it.
    /// Absent, empty (the driver drops it) and unreadable values are not judged.
    @discardableResult
    static func checkEnum(
        _ parameter: FSxParameter, _ allowed: [String], rule: RuleID, _ parameters: StorageClassParameters,
        into violations: inout [Violation]
    ) -> String? {
        guard let view = parameters.settingView(parameter) else { return nil }
        // The allowed text with the value's bytes is the value.
        if let value = allowed.first(where: { view.isString($0) }) { return value }
        let value = view.string ?? ""
        violations.append(deny(rule, parameter, value, enumText(parameter, value, allowed)))
        return nil
    }

    static func enumText(_ parameter: FSxParameter, _ value: String, _ allowed: [String]) -> String {
        let fix =
            likelyMeant(value, among: allowed).map { "use \($0)" }
            ?? "use one of: \(allowed.joined(separator: ", "))"
        return "is not a valid \(parameter.key) (the driver passes it to AWS unchanged, which refuses it); \(fix)"
    }

    /// The allowed value `value` was surely meant as: the only one within a plausible typo,
    /// so "2.16" or "PERSISTENT_3" list every choice instead of guessing between near ties.
    static func likelyMeant(_ value: String, among allowed: [String]) -> String? {
        guard let nearest = Suggestion.nearest(to: value, among: allowed) else { return nil }
        if nearest.lowercased() == value.lowercased() { return nearest }
        let best = Suggestion.editDistance(value, nearest)
        let ties = allowed.filter { Suggestion.editDistance(value, $0) == best }
        return ties.count == 1 ? nearest : nil
    }

    /// "a string", "an array", ... for messages about wrong JSON types.
    static func describe(_ value: JSONView) -> String {
        switch value.kind {
        case .array, .object: return "an \(value.typeName)"
        default: return "a \(value.typeName)"
        }
    }

    /// Reads a whole-number parameter the way the driver does (`strconv.ParseInt`, then a
    /// silent `int32` conversion), reporting `number-format` for anything but plain digits
    /// that fit in Int32.
    static func integer(
        _ parameter: FSxParameter, example: String, _ parameters: StorageClassParameters,
        into violations: inout [Violation]
    ) -> Reading<Int32> {
        if parameters.isUnreadable(parameter) { return .invalid }
        guard let view = parameters.view(parameter) else { return .absent }
        if !view.hasEscapes, let number = Patterns.int32(view.rawBytes) { return .value(number) }
        let text = view.string ?? ""
        if let number = Patterns.int32(text) { return .value(number) }
        let allDigits = !text.isEmpty && text.utf8.allSatisfy(Patterns.isDigit)
        let why =
            allDigits
            ? "is larger than 2147483647, which the driver silently wraps into a different number"
            : "is not a plain whole number (the driver refuses anything but digits)"
        violations.append(deny("number-format", parameter, text, "\(why); write digits only, such as \"\(example)\""))
        return .invalid
    }

    /// Reads a boolean parameter the way the driver does (Go's `strconv.ParseBool`).
    static func boolean(
        _ parameter: FSxParameter, _ parameters: StorageClassParameters, into violations: inout [Violation]
    ) -> Reading<Bool> {
        if parameters.isUnreadable(parameter) { return .invalid }
        guard let view = parameters.view(parameter) else { return .absent }
        if FSxValues.trueForms.contains(where: { view.isString($0) }) { return .value(true) }
        if FSxValues.falseForms.contains(where: { view.isString($0) }) { return .value(false) }
        let text = view.string ?? ""
        violations.append(
            deny(
                "bool-format", parameter, text,
                "is not a boolean the driver understands (it uses Go's ParseBool, so every claim fails); "
                    + "use \"true\" or \"false\""))
        return .invalid
    }

    /// `allowVolumeExpansion` is not a parameter but decides whether resizes are attempted.
    static func checkExpansion(
        _ value: JSONView?, deployment: DeploymentType?, into violations: inout [Violation]
    ) {
        guard let value else { return }
        switch value.kind {
        case .null, .false:
            return
        case .true:
            guard deployment == .scratch1 else { return }
            violations.append(
                .warn(
                    "scratch1-expansion", "allowVolumeExpansion",
                    "allowVolumeExpansion: true, but SCRATCH_1 file systems cannot grow; use SCRATCH_2 or PERSISTENT_*")
            )
        default:
            violations.append(
                .deny(
                    "field-type", "allowVolumeExpansion",
                    "allowVolumeExpansion: is \(describe(value)), not true or false; write allowVolumeExpansion: true"))
        }
    }
}
