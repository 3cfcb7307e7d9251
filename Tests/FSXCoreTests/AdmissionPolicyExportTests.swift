import Foundation
import Testing

@testable import FSXCore

/// `fsx-webhook policy`'s documents: every StorageClass rule is accounted for, the
/// configuration moves rules as it does in the webhook, and the output never changes between
/// runs. What the CEL decides is checked in `tests/policy`, with a CEL engine.
@Suite("StorageClass rules exported as ValidatingAdmissionPolicies")
struct AdmissionPolicyExportTests {
    static func policies(_ configuration: WebhookConfiguration = .default) -> [String: JSONValue] {
        var byName: [String: JSONValue] = [:]
        for document in AdmissionPolicyExport.documents(for: configuration) {
            guard let kind = document["kind"]?.stringValue, let name = document["metadata"]?["name"]?.stringValue
            else { continue }
            byName["\(kind)/\(name)"] = document
        }
        return byName
    }

    static func rules(_ policy: JSONValue?) -> [String] {
        guard let text = policy?["metadata"]?["annotations"]?[AdmissionPolicyExport.Annotation.rules]?.stringValue,
            !text.isEmpty
        else { return [] }
        return text.split(separator: ",").map(String.init)
    }

    static let deny = "ValidatingAdmissionPolicy/\(AdmissionPolicyExport.denyPolicyName)"
    static let warn = "ValidatingAdmissionPolicy/\(AdmissionPolicyExport.warnPolicyName)"
    static let denyBinding = "ValidatingAdmissionPolicyBinding/\(AdmissionPolicyExport.denyPolicyName)"
    static let warnBinding = "ValidatingAdmissionPolicyBinding/\(AdmissionPolicyExport.warnPolicyName)"

    @Test func accountsForEveryStorageClassRule() {
        let rendered = Set(StorageClassCEL.validations(unknownParameters: .warn).map(\.rule))
        for rule in RuleCatalog.rules(of: .storageClass) {
            let accounted =
                rendered.contains(rule.id) || StorageClassCEL.notCovered[rule.id] != nil
                || StorageClassCEL.enforcedByAPIServer.contains(rule.id) || StorageClassCEL.needsAWS.contains(rule.id)
            #expect(accounted, "\(rule.id) has no CEL rendering and is not listed as not covered")
        }
        #expect(StorageClassCEL.notCovered.count <= 5)
    }

    @Test func splitsRulesByTheirSeverity() {
        let policies = Self.policies()
        let denied = Self.rules(policies[Self.deny])
        let warned = Self.rules(policies[Self.warn])
        #expect(denied.contains("subnet-required") && denied.contains("sg-format"))
        #expect(warned.contains("unknown-parameter") && warned.contains("static-binding-class"))
        for id in denied { #expect(RuleCatalog.rule(RuleID(rawValue: id))?.severity == .deny, "\(id)") }
        for id in warned { #expect(RuleCatalog.rule(RuleID(rawValue: id))?.severity == .warn, "\(id)") }
        #expect(policies[Self.denyBinding]?["spec"]?["validationActions"] == ["Deny"])
        #expect(policies[Self.warnBinding]?["spec"]?["validationActions"] == ["Warn"])
        let validations = policies[Self.deny]?["spec"]?["validations"]?.arrayValue ?? []
        #expect(validations.count == denied.count)
        #expect(policies[Self.deny]?["spec"]?["failurePolicy"] == "Fail")
        #expect(
            policies[Self.deny]?["spec"]?["matchConditions"]?[0]?["expression"]
                == "object.provisioner == 'fsx.csi.aws.com'")
    }

    @Test func honoursPerRuleSettings() {
        let configuration = WebhookConfiguration(
            rules: ["throughput-values": .warn, "kms-alias": .deny, "lustre-version-default": .off])
        let policies = Self.policies(configuration)
        let denied = Self.rules(policies[Self.deny])
        let warned = Self.rules(policies[Self.warn])
        #expect(warned.contains("throughput-values") && !denied.contains("throughput-values"))
        #expect(denied.contains("kms-alias") && !warned.contains("kms-alias"))
        #expect(!denied.contains("lustre-version-default") && !warned.contains("lustre-version-default"))
        #expect(
            policies[Self.deny]?["metadata"]?["annotations"]?[AdmissionPolicyExport.Annotation.off]
                == "lustre-version-default")
    }

    @Test func unknownParametersDenyMovesTheRuleAndItsMessage() {
        let policies = Self.policies(WebhookConfiguration(unknownParameters: .deny))
        #expect(Self.rules(policies[Self.deny]).contains("unknown-parameter"))
        #expect(!Self.rules(policies[Self.warn]).contains("unknown-parameter"))
        let message = policies[Self.deny]?["spec"]?["validations"]?.arrayValue?.compactMap {
            $0["messageExpression"]?.stringValue
        }.first { $0.contains("validation.unknownParameters: deny") }
        #expect(message != nil)
    }

    @Test func enforcementWarnBindsTheDenyPolicyWithWarn() {
        let policies = Self.policies(WebhookConfiguration(enforcement: .warn))
        #expect(policies[Self.denyBinding]?["spec"]?["validationActions"] == ["Warn"])
        let first = policies[Self.deny]?["spec"]?["validations"]?[0]
        #expect(first?["messageExpression"]?.stringValue?.hasPrefix("'would deny: ' + (") == true)
        #expect(first?["message"]?.stringValue?.hasPrefix("would deny: ") == true)
    }

    @Test func leavesOutAPolicyWithNoRuleLeft() {
        let warnRules = RuleCatalog.rules(of: .storageClass).filter { $0.severity == .warn }.map(\.id)
        let configuration = WebhookConfiguration(
            rules: Dictionary(uniqueKeysWithValues: warnRules.map { ($0, WebhookConfiguration.RuleSetting.off) }))
        let policies = Self.policies(configuration)
        #expect(policies[Self.warn] == nil && policies[Self.warnBinding] == nil)
        #expect(policies[Self.deny] != nil)
    }

    @Test func namesTheAWSRulesAsNotCoveredWhenTheWebhookAsksAWS() {
        let without = Self.policies()
        #expect(without[Self.deny]?["metadata"]?["annotations"]?[AdmissionPolicyExport.Annotation.notCovered] == "")
        let with = Self.policies(WebhookConfiguration(aws: .init(region: "us-west-2")))
        let denied = with[Self.deny]?["metadata"]?["annotations"]?[AdmissionPolicyExport.Annotation.notCovered]
        let warned = with[Self.warn]?["metadata"]?["annotations"]?[AdmissionPolicyExport.Annotation.notCovered]
        #expect(denied == "aws-subnet-unknown,aws-sg-unknown,aws-sg-lustre-988,aws-sg-efa")
        #expect(warned == "aws-sg-lustre-1018,aws-unverified")
    }

    @Test func printsTheSameDocumentsEveryTime() {
        let configuration = WebhookConfiguration(rules: ["sg-count": .deny])
        let first = AdmissionPolicyExport.documents(for: configuration).map { JSONWriter.string($0) }
        let second = AdmissionPolicyExport.documents(for: configuration).map { JSONWriter.string($0) }
        #expect(first == second)
    }

    @Test func variablesAreDefinedBeforeUse() {
        var defined: Set<String> = []
        for variable in StorageClassCEL.variables {
            for other in StorageClassCEL.variables
            where variable.expression.contains("variables.\(other.name) ")
                || variable.expression.hasSuffix("variables.\(other.name)")
            {
                #expect(defined.contains(other.name), "\(variable.name) reads \(other.name) before it is defined")
            }
            defined.insert(variable.name)
        }
    }
}
