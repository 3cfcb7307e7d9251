import Foundation
import Testing

@testable import FSXCore

/// `validation.enforcement` and `validation.rules`: parsed once, applied in the one decision
/// path, so the server and every CLI command see the same verdicts.
@Suite struct EnforcementTests {
    static func configuration(_ validation: JSONValue) throws -> WebhookConfiguration {
        try WebhookConfiguration(json: ["validation": validation])
    }

    /// The error a `validation:` section stops the program with, or `nil` when it is accepted.
    static func failure(_ validation: JSONValue) -> ConfigurationError? {
        do {
            _ = try WebhookConfiguration(json: ["validation": validation])
            return nil
        } catch {
            return error
        }
    }

    static func decide(_ json: String, _ configuration: WebhookConfiguration) throws -> Decision {
        AdmissionEngine(configuration: configuration).decide(AdmissionRequest(creating: try JSONParser.parse(json)))
    }

    static let seed = StorageClassBehaviourTests.seedPersistent2WithS3

    @Test func deniesTheSeedClassByDefault() throws {
        let decision = try Self.decide(Self.seed, .default)
        #expect(decision.outcome == .denied)
        #expect(decision.denials.map(\.rule) == ["s3-on-p2", "s3-on-p2", "s3-on-p2"])
    }

    @Test func warnEnforcementTurnsDenialsIntoWouldDenyWarnings() throws {
        let decision = try Self.decide(Self.seed, try Self.configuration(["enforcement": "warn"]))
        #expect(decision.outcome == .allowedWithWarnings)
        #expect(decision.denials.isEmpty)
        let wouldDeny = decision.warnings.filter(\.wouldDeny)
        #expect(wouldDeny.map(\.rule) == ["s3-on-p2", "s3-on-p2", "s3-on-p2"])
        for warning in wouldDeny {
            #expect(warning.message.hasPrefix("would deny: parameters."))
            #expect(warning.severity == .warn)
        }
    }

    @Test func ruleOffRemovesItsViolations() throws {
        let decision = try Self.decide(
            Self.seed, try Self.configuration(["enforcement": "warn", "rules": ["s3-on-p2": "off"]]))
        #expect(!decision.warnings.contains { $0.rule == "s3-on-p2" })
        #expect(decision.outcome == .allowed)
    }

    @Test func acceptsTheYAMLBooleanFalseAsOff() throws {
        let config = try Self.configuration(["rules": ["s3-on-p2": false]])
        #expect(config.rules == ["s3-on-p2": .off])
        #expect(try Self.decide(Self.seed, config).outcome == .allowed)
    }

    @Test func ruleWarnAndDenyOverrideTheSeverity() throws {
        let relaxed = try Self.decide(Self.seed, try Self.configuration(["rules": ["s3-on-p2": "warn"]]))
        #expect(relaxed.outcome == .allowedWithWarnings)
        #expect(relaxed.warnings.allSatisfy { !$0.wouldDeny && !$0.message.hasPrefix("would deny") })
        let scratch = StorageClassBehaviourTests.seedScratch2WithS3
        let stricter = try Self.decide(scratch, try Self.configuration(["rules": ["lustre-version-default": "deny"]]))
        #expect(stricter.denials.map(\.rule) == ["lustre-version-default"])
        // Under warn enforcement even a rule raised to deny only warns.
        let staged = try Self.decide(
            scratch, try Self.configuration(["enforcement": "warn", "rules": ["lustre-version-default": "deny"]]))
        #expect(staged.denials.isEmpty)
        #expect(staged.warnings.map(\.wouldDeny) == [true])
    }

    @Test func warnEnforcementCoversStaticPersistentVolumes() throws {
        let pv = """
            {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"fsx-pv"},
             "spec":{"capacity":{"storage":"1200Gi"},"accessModes":["ReadWriteMany"],
              "csi":{"driver":"fsx.csi.aws.com","volumeHandle":"fs-0123456789abcdef0",
               "volumeAttributes":{"mountname":"abcdef"}}}}
            """
        #expect(try Self.decide(pv, .default).denials.map(\.rule) == ["pv-dnsname"])
        let staged = try Self.decide(pv, try Self.configuration(["enforcement": "warn"]))
        #expect(staged.isAllowed)
        #expect(staged.warnings.contains { $0.rule == "pv-dnsname" && $0.message.hasPrefix("would deny: ") })
    }

    @Test func warnEnforcementNeverRelaxesWorkloadDenials() throws {
        var config = try Self.configuration(["enforcement": "warn"])
        config.placement = .none
        let job = """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"train","namespace":"ml",
             "labels":{"fsx-webhook/inject":"true"},"annotations":{"fsx-webhook/volumes":"nope"}},
             "spec":{"template":{"spec":{"containers":[{"name":"trainer","image":"x"}]}}}}
            """
        let decision = try Self.decide(job, config)
        #expect(decision.denials.map(\.rule) == ["volume-unknown"])
    }

    @Test func updateKeepsOldProblemsAsPlainWarningsUnderWarnEnforcement() throws {
        let object = try JSONParser.parse(Self.seed)
        let request = AdmissionRequest(
            uid: "u", operation: .update, group: "storage.k8s.io", version: "v1", kind: "StorageClass",
            name: "fsx-lustre-persistent", object: object, oldObject: object)
        let decision = AdmissionEngine(configuration: try Self.configuration(["enforcement": "warn"])).decide(request)
        #expect(decision.isAllowed)
        #expect(
            decision.warnings.filter { $0.rule == "s3-on-p2" }.allSatisfy { $0.message.hasPrefix("already present: ") })
    }

    @Test func misspeltRuleIdNamesTheNearestId() throws {
        let typo = try #require(Self.failure(["rules": ["s3-on-p3": "off"]]))
        #expect(typo.key == "validation.rules.s3-on-p3")
        #expect(typo.fix.contains("did you mean s3-on-p2?"))
        let far = try #require(Self.failure(["rules": ["completely-different-thing": "warn"]]))
        #expect(far.fix.hasPrefix("the nearest rule id is "))
    }

    @Test func refusesWorkloadRuleIdsAndUnknownSettings() throws {
        let workload = try #require(Self.failure(["rules": ["zone-conflict": "warn"]]))
        #expect(workload.key == "validation.rules.zone-conflict")
        #expect(workload.problem.contains("workload mutation rule"))
        let setting = try #require(Self.failure(["rules": ["s3-on-p2": "ignore"]]))
        #expect(setting.fix == "use one of: deny, warn, off")
        let yes = try #require(Self.failure(["rules": ["s3-on-p2": true]]))
        #expect(yes.key == "validation.rules.s3-on-p2")
        let enforcement = try #require(Self.failure(["enforcement": "audit"]))
        #expect(enforcement.key == "validation.enforcement")
        #expect(enforcement.fix == "use one of: deny, warn")
        let notAMap = try #require(Self.failure(["rules": ["s3-on-p2"]]))
        #expect(notAMap.key == "validation.rules")
    }

    /// The ids `rules:` accepts and the metric's label takes are exactly those docs/rules.md
    /// documents.
    @Test func knownRuleIdsAreTheDocumentedOnes() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/rules.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        var documented = Set<String>()
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let id = line.dropFirst(3).prefix { $0 != "`" }
            documented.insert(String(id))
        }
        #expect(Set(RuleID.known.map(\.rawValue)) == documented)
        #expect(RuleID.known == RuleID.known.sorted())
        #expect(Set(RuleID.known).count == RuleID.known.count)
    }
}
