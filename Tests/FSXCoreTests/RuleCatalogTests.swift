import Foundation
import Testing

@testable import FSXCore

/// The catalogue, the ids the validators emit and docs/rules.md name the same rules.
@Suite struct RuleCatalogTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every way the sources hand a rule id to a violation: `deny("id"`, `.warn(\n "id"`,
    /// `Violation.warn("id"`, `rule: "id"` (`checkEnum`, `Violation(rule:)`), and the named
    /// constants `static let x: RuleID = "id"` the workload code passes as `.x`.
    static let emitPatterns = [
        #"\b(?:deny|warn)\(\s*"([a-z0-9][a-z0-9-]*)""#,
        #"\brule:\s*"([a-z0-9][a-z0-9-]*)""#,
        #":\s*RuleID\s*=\s*"([a-z0-9][a-z0-9-]*)""#,
        #"\bRuleID\(rawValue:\s*"([a-z0-9][a-z0-9-]*)""#,
    ]

    static func emittedIDs() throws -> [String: String] {
        var found: [String: String] = [:]
        let sources = root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        let expressions = try emitPatterns.map { try NSRegularExpression(pattern: $0) }
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            for expression in expressions {
                for match in expression.matches(in: text, range: range) {
                    guard let id = Range(match.range(at: 1), in: text) else { continue }
                    found[String(text[id]), default: url.lastPathComponent] = url.lastPathComponent
                }
            }
        }
        return found
    }

    static func documentedIDs() throws -> Set<String> {
        let text = try String(contentsOf: root.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        // The same table rows tests/corpus reads.
        let rows = try NSRegularExpression(pattern: #"^\| `([a-z0-9-]+)` \|"#, options: .anchorsMatchLines)
        return Set(
            rows.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
                Range($0.range(at: 1), in: text).map { String(text[$0]) }
            })
    }

    static func anchors() throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        let anchor = try NSRegularExpression(pattern: #"<a id="([a-z0-9-]+)"></a>"#)
        return anchor.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test func scannerFindsEveryCallForm() throws {
        let emitted = try Self.emittedIDs()
        // One id per call form, so a form the scanner stops seeing fails here.
        for id in ["static-binding-class", "metadata", "autoimport-enum", "volume-unknown", "fstype-dup", "efa"] {
            #expect(emitted[id] != nil, "\(id) not found by the scanner")
        }
    }

    @Test func everyEmittedIDIsCatalogued() throws {
        let emitted = try Self.emittedIDs()
        let missing = emitted.keys.filter { !RuleCatalog.contains(RuleID(rawValue: $0)) }.sorted()
        #expect(missing.isEmpty, "emitted but not in RuleCatalog: \(missing.map { "\($0) (\(emitted[$0]!))" })")
    }

    @Test func everyCataloguedIDIsEmitted() throws {
        let emitted = Set(try Self.emittedIDs().keys)
        let unused = RuleCatalog.ids.map(\.rawValue).filter { !emitted.contains($0) }
        #expect(unused.isEmpty, "in RuleCatalog but emitted nowhere: \(unused)")
    }

    @Test func catalogueAndDocsNameTheSameRules() throws {
        let documented = try Self.documentedIDs()
        let catalogued = Set(RuleCatalog.ids.map(\.rawValue))
        #expect(catalogued.subtracting(documented).sorted() == [], "not in docs/rules.md")
        #expect(documented.subtracting(catalogued).sorted() == [], "not in RuleCatalog")
    }

    @Test func everyRuleHasOneAnchorInTheDocs() throws {
        let anchors = try Self.anchors()
        #expect(Set(anchors).count == anchors.count, "an anchor appears twice")
        #expect(Set(anchors) == Set(RuleCatalog.rules.map(\.anchor)))
    }

    @Test func idsAreUniqueAndDescribed() {
        #expect(Set(RuleCatalog.ids).count == RuleCatalog.rules.count)
        for rule in RuleCatalog.rules {
            #expect(!rule.summary.isEmpty && !rule.summary.hasSuffix("."), "\(rule.id)")
            #expect(rule.details.hasSuffix("."), "\(rule.id)")
        }
    }

    @Test(arguments: [
        ("throughput-value", "throughput-values"),
        ("subnet-requried", "subnet-required"),
        ("PV-HANDLE", "pv-handle"),
    ])
    func suggestsTheNearestID(word: String, expected: String) {
        #expect(RuleCatalog.nearest(to: word) == RuleID(rawValue: expected))
    }

    @Test func suggestsNothingForAFarOffWord() {
        #expect(RuleCatalog.nearest(to: "completely-unrelated-words") == nil)
    }

    @Test func severitiesMatchTheDocsSections() {
        #expect(RuleCatalog.rule("static-binding-class")?.severity == .warn)
        #expect(RuleCatalog.rule("subnet-required")?.severity == .deny)
        #expect(RuleCatalog.rule("pv-handle")?.subject == .persistentVolume)
        #expect(RuleCatalog.rule("no-volumes")?.subject == .workload)
        #expect(RuleCatalog.rule("not-a-rule") == nil)
    }
}
