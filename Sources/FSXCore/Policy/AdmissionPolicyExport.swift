/// The StorageClass rules as Kubernetes ValidatingAdmissionPolicies with their bindings
/// (`fsx-webhook policy`), for clusters that want the checks without running the webhook, or
/// fail-closed while it is down.
///
/// Built from `StorageClassCEL`, the renderings kept beside the webhook's validators, and from
/// the same configuration the webhook reads: `validation.rules` moves a rule between the two
/// policies or leaves it out, `validation.unknownParameters` decides where `unknown-parameter`
/// goes, and `validation.enforcement: warn` binds the deny policy with `[Warn]` and prefixes its
/// messages "would deny: ", as the webhook does. The output depends on nothing else, so it is
/// the same on every run and diffs cleanly in Git.
public enum AdmissionPolicyExport {
    /// The policy of the deny rules; bound with `[Deny]` (`[Warn]` under `enforcement: warn`).
    public static let denyPolicyName = "fsx-webhook-storageclasses"
    /// The policy of the warning rules; bound with `[Warn]`.
    public static let warnPolicyName = "fsx-webhook-storageclass-warnings"
    static let apiVersion = "admissionregistration.k8s.io/v1"

    /// Annotation keys on each policy.
    enum Annotation {
        /// The rule id of each validation, in order, comma-separated.
        static let rules = "fsx-webhook/rules"
        /// Rules the webhook with this configuration checks and this policy cannot.
        static let notCovered = "fsx-webhook/not-covered"
        /// Rules the API server refuses by itself before any policy runs.
        static let enforcedByAPIServer = "fsx-webhook/enforced-by-apiserver"
        /// Rules `validation.rules` turns off.
        static let off = "fsx-webhook/off"
    }

    /// The policies and bindings, in a fixed order: deny policy, its binding, warning policy,
    /// its binding. A policy with no rule left (every one turned off) is left out with its
    /// binding, since the API server refuses a policy without validations.
    public static func documents(for configuration: WebhookConfiguration) -> [JSONValue] {
        let validations = StorageClassCEL.validations(unknownParameters: configuration.unknownParameters)
        let storageClassRules = RuleCatalog.rules(of: .storageClass)
        var off: [RuleID] = []
        var bySeverity: [Violation.Severity: [StorageClassCEL.Validation]] = [:]
        for validation in validations {
            guard let severity = severity(of: validation.rule, configuration) else {
                off.append(validation.rule)
                continue
            }
            bySeverity[severity, default: []].append(validation)
        }
        // What the webhook would check and the policies cannot: the CEL gaps, and the aws- rules
        // when the configuration asks AWS.
        var missing = Array(StorageClassCEL.notCovered.keys)
        if configuration.aws != nil { missing += StorageClassCEL.needsAWS }
        var notCovered: [Violation.Severity: [RuleID]] = [:]
        for rule in storageClassRules where missing.contains(rule.id) {
            guard let severity = severity(of: rule.id, configuration) else { continue }
            notCovered[severity, default: []].append(rule.id)
        }

        var documents: [JSONValue] = []
        for severity in [Violation.Severity.deny, .warn] {
            guard let rules = bySeverity[severity], !rules.isEmpty else { continue }
            let name = severity == .deny ? denyPolicyName : warnPolicyName
            let softened = severity == .deny && configuration.enforcement == .warn
            var annotations: [(String, JSONValue)] = [
                (Annotation.rules, .string(rules.map(\.rule.rawValue).joined(separator: ","))),
                (Annotation.notCovered, .string((notCovered[severity] ?? []).map(\.rawValue).joined(separator: ","))),
            ]
            if severity == .deny {
                let enforced = StorageClassCEL.enforcedByAPIServer.filter {
                    self.severity(of: $0, configuration) != nil
                }
                annotations.append(
                    (Annotation.enforcedByAPIServer, .string(enforced.map(\.rawValue).joined(separator: ","))))
                if !off.isEmpty {
                    annotations.append((Annotation.off, .string(off.map(\.rawValue).joined(separator: ","))))
                }
            }
            documents.append(
                policy(
                    name: name, annotations: annotations,
                    operations: severity == .deny ? ["CREATE"] : ["CREATE", "UPDATE"],
                    validations: rules, prefix: softened ? "would deny: " : ""))
            documents.append(binding(name: name, action: severity == .deny && !softened ? "Deny" : "Warn"))
        }
        return documents
    }

    /// The severity `rule` has under `configuration`, `nil` when it is turned off.
    static func severity(of rule: RuleID, _ configuration: WebhookConfiguration) -> Violation.Severity? {
        switch configuration.rules[rule] {
        case .off?: return nil
        case .warn?: return .warn
        case .deny?: return .deny
        case nil:
            if rule == "unknown-parameter" { return configuration.unknownParameters == .deny ? .deny : .warn }
            return RuleCatalog.rule(rule)?.severity
        }
    }

    static let labels: JSONValue = [
        "app.kubernetes.io/name": "fsx-webhook",
        "app.kubernetes.io/component": "admission-policy",
    ]

    static func policy(
        name: String, annotations: [(String, JSONValue)], operations: [String],
        validations: [StorageClassCEL.Validation], prefix: String
    ) -> JSONValue {
        let variables = StorageClassCEL.variables.map { variable -> JSONValue in
            ["name": .string(variable.name), "expression": .string(variable.expression)]
        }
        let rules = validations.map { validation -> JSONValue in
            let summary = RuleCatalog.rule(validation.rule)?.summary ?? ""
            let message =
                prefix.isEmpty
                ? validation.messageExpression : "\(CEL.string(prefix)) + (\(validation.messageExpression))"
            return [
                "expression": .string(validation.expression),
                "messageExpression": .string(message),
                // Shown when the message expression cannot be evaluated (or yields a line break).
                "message": .string("\(prefix)\(validation.rule.rawValue): \(summary)"),
                "reason": "Invalid",
            ]
        }
        return [
            "apiVersion": .string(apiVersion),
            "kind": "ValidatingAdmissionPolicy",
            "metadata": [
                "name": .string(name),
                "labels": labels,
                "annotations": .object(JSONObject(annotations.map { JSONObject.Member(key: $0.0, value: $0.1) })),
            ],
            "spec": [
                // An expression that cannot be evaluated refuses the class (or warns, for the
                // warning policy): a policy that fails open would pass exactly what it exists to stop.
                "failurePolicy": "Fail",
                "matchConstraints": [
                    "resourceRules": [
                        [
                            "apiGroups": ["storage.k8s.io"],
                            "apiVersions": ["v1"],
                            "operations": .array(operations.map { .string($0) }),
                            "resources": ["storageclasses"],
                        ]
                    ]
                ],
                "matchConditions": [
                    [
                        "name": "fsx-provisioner",
                        "expression": .string("object.provisioner == \(CEL.string(StorageClassValidator.provisioner))"),
                    ]
                ],
                "variables": .array(variables),
                "validations": .array(rules),
            ],
        ]
    }

    static func binding(name: String, action: String) -> JSONValue {
        [
            "apiVersion": .string(apiVersion),
            "kind": "ValidatingAdmissionPolicyBinding",
            "metadata": ["name": .string(name), "labels": labels],
            "spec": [
                "policyName": .string(name),
                "validationActions": [.string(action)],
            ],
        ]
    }
}

extension AdmissionPolicyExport {
    /// The rule table the Helm chart assembles the same policies from
    /// (`charts/fsx-webhook/files/storageclass-policies.json`, value `admissionPolicies`):
    /// every rendered rule in catalogue order with its default severity, both messages of
    /// `unknown-parameter`, the variables, match condition and labels. The chart applies the
    /// configuration's `validation` section to it as `documents(for:)` does; `tests/chart`
    /// renders both and requires the same documents.
    static func chartData() -> JSONValue {
        let warnMessages = StorageClassCEL.validations(unknownParameters: .warn)
        let denyMessages = StorageClassCEL.validations(unknownParameters: .deny)
        let rules = zip(warnMessages, denyMessages).map { warn, deny -> JSONValue in
            var entry: [(String, JSONValue)] = [
                ("id", .string(warn.rule.rawValue)),
                ("severity", .string(RuleCatalog.rule(warn.rule)?.severity.rawValue ?? "deny")),
                ("summary", .string(RuleCatalog.rule(warn.rule)?.summary ?? "")),
                ("expression", .string(warn.expression)),
                ("messageExpression", .string(warn.messageExpression)),
            ]
            if deny.messageExpression != warn.messageExpression {
                entry.append(("messageExpressionUnknownDeny", .string(deny.messageExpression)))
            }
            return .object(JSONObject(entry.map { JSONObject.Member(key: $0.0, value: $0.1) }))
        }
        let needsAWS = RuleCatalog.rules(of: .storageClass).filter { StorageClassCEL.needsAWS.contains($0.id) }
        return [
            "labels": labels,
            "matchCondition": .string("object.provisioner == \(CEL.string(StorageClassValidator.provisioner))"),
            "variables": .array(
                StorageClassCEL.variables.map { ["name": .string($0.name), "expression": .string($0.expression)] }),
            "rules": .array(rules),
            "notCovered": .array(
                RuleCatalog.rules(of: .storageClass).filter { StorageClassCEL.notCovered[$0.id] != nil }.map {
                    ["id": .string($0.id.rawValue), "severity": .string($0.severity.rawValue)]
                }),
            "needsAWS": .array(
                needsAWS.map { ["id": .string($0.id.rawValue), "severity": .string($0.severity.rawValue)] }),
            "enforcedByAPIServer": .array(StorageClassCEL.enforcedByAPIServer.map { .string($0.rawValue) }),
        ]
    }
}
