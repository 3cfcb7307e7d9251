/// The StorageClass rules rendered in CEL, for ValidatingAdmissionPolicies that the API server
/// evaluates itself (`fsx-webhook policy`).
///
/// Each rule's rendering lives in a `StorageClassCEL+<Area>.swift` file beside the
/// `StorageClassValidator+<Area>.swift` that implements it for the webhook, so a change to one
/// is a visible change to the other; `tests/policy` evaluates both on every StorageClass
/// fixture and fails on any disagreement.
///
/// The expressions read the class as the API server holds it: a typed `storage.k8s.io/v1`
/// StorageClass, whose `parameters` is a map of strings (keys compared as strings, so code
/// point by code point: a look-alike key is another key, as for the driver) and which has
/// already passed the API's own validation (at most 512 parameters, 256 KiB of keys and values
/// together). Those limits, and the `size()` guards the expressions carry, bound every
/// expression's cost; `tests/policy/test_policy_cost.py` computes the bound.
enum StorageClassCEL {
    /// One rule as a policy validation.
    struct Validation: Sendable, Equatable {
        var rule: RuleID
        /// True when the class keeps the rule.
        var expression: String
        /// The webhook's message for the rule's first violation, values interpolated.
        var messageExpression: String
    }

    /// A named expression under the policy's `spec.variables`, read as `variables.<name>`.
    struct Variable: Sendable, Equatable {
        var name: String
        var expression: String
    }

    /// Rules whose violations the API server refuses before any admission policy runs: the
    /// typed StorageClass cannot hold a parameter value that is not a string, nor a field of
    /// the wrong type, so a policy would never see one.
    static let enforcedByAPIServer: [RuleID] = ["field-type", "parameter-type"]

    /// Rules CEL cannot express within the API server's cost budget, with the reason; named in
    /// the `fsx-webhook/not-covered` annotation. Every other StorageClass rule has a rendering
    /// (a test keeps it so).
    static let notCovered: [RuleID: String] = [:]

    /// Rules that need answers from EC2 (`aws-`): an admission policy cannot call out, so only
    /// the webhook with an `aws:` section checks them.
    static var needsAWS: [RuleID] {
        RuleCatalog.rules(of: .storageClass).map(\.id).filter { $0.rawValue.hasPrefix("aws-") }
    }

    /// The policy's `spec.variables`, in order (later ones read earlier ones).
    static let variables: [Variable] = [
        // A missing or null `parameters` is an empty map: a static-binding class.
        Variable(name: "p", expression: "has(object.parameters) ? object.parameters : {}"),
        Variable(name: "provisions", expression: "size(variables.p) > 0"),
        // Absent or empty means SCRATCH_1 (the driver does not send an empty value).
        Variable(
            name: "deployment",
            expression: "\(FSxParameter.deploymentType.celSet) ? \(FSxParameter.deploymentType.cel) : 'SCRATCH_1'"),
        Variable(
            name: "deploymentValid",
            expression: "variables.deployment in \(CEL.list(DeploymentType.allCases.map(\.rawValue)))"),
        Variable(name: "persistent", expression: "variables.deployment in ['PERSISTENT_1', 'PERSISTENT_2']"),
        Variable(
            name: "deploymentText",
            expression:
                "\(FSxParameter.deploymentType.celSet) ? 'deploymentType ' + variables.deployment "
                + ": 'the default deploymentType SCRATCH_1'"),
        Variable(
            name: "storage",
            expression: "\(FSxParameter.storageType.celSet) ? \(FSxParameter.storageType.cel) : 'SSD'"),
        Variable(name: "storageValid", expression: "variables.storage in ['SSD', 'HDD']"),
        // HDD on another deployment type: the fix may be SSD, so HDD-only rules stay quiet.
        Variable(
            name: "hddRefused",
            expression:
                "variables.storage == 'HDD' && variables.deploymentValid && variables.deployment != 'PERSISTENT_1'"),
        // `effectiveImportPath`: an S3 link the backup rules conflict with.
        Variable(
            name: "importPath",
            expression:
                "variables.deploymentValid && variables.deployment != 'PERSISTENT_2' && "
                + FSxParameter.s3ImportPath.celSet),
        Variable(name: "metadataSet", expression: FSxParameter.metadataConfigurationMode.celSet),
        Variable(
            name: "metadataMode",
            expression:
                "variables.metadataSet ? \(FSxParameter.metadataConfigurationMode.cel) : ''"),
        // Integers as the driver reads them: -1 absent, -2 not plain int32 digits.
        Variable(name: "throughput", expression: FSxParameter.perUnitStorageThroughput.celInteger),
        Variable(name: "retention", expression: FSxParameter.automaticBackupRetentionDays.celInteger),
        Variable(name: "metadataIops", expression: FSxParameter.metadataIops.celInteger),
        // Booleans as Go's ParseBool reads them: 'absent', 'true', 'false' or 'invalid'.
        Variable(name: "copyTags", expression: FSxParameter.copyTagsToBackups.celBoolean),
        Variable(name: "efa", expression: FSxParameter.efaEnabled.celBoolean),
        // A missing `mountOptions` is an empty list, so no expression reads a missing field
        // (whose error would escape a macro in cel-python, the agreement test's engine).
        Variable(
            name: "mountOptions",
            expression: "has(object.mountOptions) ? object.mountOptions : []"),
        // The mount options Lustre and mount(8) know, as a map: a lookup costs 1 where `in` on
        // a list costs the list's length, for every option of every entry.
        Variable(
            name: "mountOptionNames",
            expression: "{"
                + LustreMountOptions.known.sorted().map { "\(CEL.string($0)): true" }.joined(separator: ", ") + "}"),
    ]

    /// Every StorageClass rule with a rendering, in the order of the rule catalogue.
    static func validations(
        unknownParameters: WebhookConfiguration.UnknownParameterPolicy
    ) -> [Validation] {
        let rendered =
            networkValidations + performanceValidations + s3Validations + backupValidations + metadataValidations
            + tagValidations + keyValidations(unknownParameters: unknownParameters) + fieldValidations
        let byRule = Dictionary(rendered.map { ($0.rule, $0) }, uniquingKeysWith: { first, _ in first })
        return RuleCatalog.rules(of: .storageClass).compactMap { byRule[$0.id] }
    }

    // MARK: - Shared pieces

    /// `parameters.<key>: "<value>" <text>`, as `StorageClassValidator.message` writes it.
    static func message(_ parameter: FSxParameter, value: String?, _ text: String) -> String {
        guard let value else { return CEL.concat(CEL.string("\(parameter.field): "), text) }
        return CEL.concat(CEL.string("\(parameter.field): "), CEL.quote(value), CEL.string(" "), text)
    }

    /// The enum rule's message (`StorageClassValidator.enumText`). The webhook's fix names the
    /// value meant when only one is within a typo; CEL has no edit distance, so the rendering
    /// names it when only the letter case differs and lists every value otherwise.
    static func enumMessage(_ parameter: FSxParameter, _ allowed: [String]) -> String {
        let value = parameter.cel
        let caseMatch = "\(CEL.list(allowed)).filter(a, a.lowerAscii() == \(value).lowerAscii())"
        let fix =
            "(size(\(caseMatch)) == 1 ? 'use ' + \(caseMatch)[0] : "
            + CEL.string("use one of: \(allowed.joined(separator: ", "))") + ")"
        return message(
            parameter, value: value,
            CEL.concat(
                CEL.string(
                    "is not a valid \(parameter.key) (the driver passes it to AWS unchanged, which refuses it); "),
                fix))
    }

    /// True when a set value is one of `allowed` (absent and empty values are not judged).
    static func enumValid(_ parameter: FSxParameter, _ allowed: [String]) -> String {
        "!\(parameter.celSet) || \(parameter.cel) in \(CEL.list(allowed))"
    }
}

// MARK: - CEL text

/// Small builders for CEL source text.
enum CEL {
    /// A single-quoted CEL string literal.
    static func string(_ text: String) -> String {
        var out = "'"
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }

    static func list(_ items: [String]) -> String {
        "[" + items.map(string).joined(separator: ", ") + "]"
    }

    /// Concatenation of string expressions.
    static func concat(_ parts: String...) -> String { parts.joined(separator: " + ") }

    /// `Violation.quote`: the value cut to 47 characters and "…" past 48, then in double
    /// quotes with `\\`, `"`, tab, CR and LF escaped as JSON escapes them (a message with a
    /// line break would be dropped by the API server). Other control characters stay as they
    /// are, where the webhook writes `\\u00XX`.
    static func quote(_ value: String, limit: Int = 48) -> String {
        var escaped = "q"
        for (raw, written) in [("\\", "\\\\"), ("\"", "\\\""), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")] {
            escaped += ".replace(\(string(raw)), \(string(written)))"
        }
        return bind(
            "q", "size(\(value)) <= \(limit) ? \(value) : \(value).substring(0, \(limit - 1)) + '…'",
            "'\"' + \(escaped) + '\"'")
    }

    /// The message field of an arbitrary key (`StorageClassParameters.field(forKey:)`): bare
    /// when it is printable ASCII without '"', quoted otherwise.
    static func field(ofKey key: String) -> String {
        "(\(key).matches('^[!#-~]+$') ? 'parameters.' + \(key) : 'parameters[' + \(quote(key)) + ']')"
    }

    /// `body` with `name` bound to `value`, evaluated once (a one-element `map`, which every
    /// CEL engine has, where `cel.bind` is newer than some).
    static func bind(_ name: String, _ value: String, _ body: String) -> String {
        "[\(value)].map(\(name), \(body))[0]"
    }
}

extension FSxParameter {
    /// The value (the key must be present).
    var cel: String { "variables.p[\(CEL.string(key))]" }
    /// The key is present, with any value.
    var celPresent: String { "\(CEL.string(key)) in variables.p" }
    /// The key has a non-empty value: what the driver forwards (`setting`).
    var celSet: String { "(\(celPresent) && \(cel) != '')" }

    /// The integer reading (`StorageClassValidator.integer`): -1 absent, -2 not plain base-10
    /// digits that fit in int32, else the number. The regular expression admits at most ten
    /// significant digits, so `int()` never overflows.
    var celInteger: String {
        "!(\(celPresent)) ? -1 : (\(cel).matches('^0*[0-9]{1,10}$') && int(\(cel)) <= 2147483647) ? int(\(cel)) : -2"
    }

    /// The boolean reading (`StorageClassValidator.boolean`, Go's ParseBool).
    var celBoolean: String {
        "!(\(celPresent)) ? 'absent' : \(cel) in \(CEL.list(FSxValues.trueForms)) ? 'true' : "
            + "\(cel) in \(CEL.list(FSxValues.falseForms)) ? 'false' : 'invalid'"
    }
}
