import FSXCore
import FSXManifests

/// `check -o sarif`: SARIF 2.1.0, one run, every rule of the catalogue in
/// `tool.driver.rules`, one result per violation at the line and column of its key in the
/// file as the user named it (code scanning shows it as an annotation on that line).
enum CheckSARIFFormat {
    static let schema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    /// `rulesURI`: the absolute address of docs/rules.md; each rule's `helpUri` is it plus
    /// `#id` (SARIF requires an absolute URI there, and GitHub refuses a relative one).
    static func render(_ report: CheckReport, rulesURI: String) -> String {
        let rules = RuleCatalog.rules
        var ruleIndex: [RuleID: Int] = [:]
        for (index, rule) in rules.enumerated() { ruleIndex[rule.id] = index }

        var results: [JSONValue] = []
        for result in report.results {
            let decision = result.decision
            for violation in decision.denials + decision.warnings {
                results.append(sarifResult(violation, manifest: result.manifest, ruleIndex: ruleIndex[violation.rule]))
            }
        }
        let driver: JSONValue = [
            "name": "fsx-webhook",
            "version": .string(FSXWebhookVersion.current),
            "semanticVersion": .string(FSXWebhookVersion.current),
            "rules": .array(rules.map { descriptor($0, rulesURI: rulesURI) }),
        ]
        let document: JSONValue = [
            "$schema": .string(schema),
            "version": "2.1.0",
            "runs": [
                [
                    "tool": ["driver": driver],
                    // libyaml's columns, and the JSON reader's, count Unicode scalars.
                    "columnKind": "unicodeCodePoints",
                    "results": .array(results),
                ]
            ],
        ]
        return JSONWriter.string(document, style: .pretty) + "\n"
    }

    static func descriptor(_ rule: RuleDescription, rulesURI: String) -> JSONValue {
        [
            "id": .string(rule.id.rawValue),
            "name": .string(rule.subject.rawValue + "/" + rule.id.rawValue),
            "shortDescription": ["text": .string(rule.summary)],
            "fullDescription": ["text": .string(rule.details)],
            "help": ["text": .string("\(rule.details) See \(rulesURI)#\(rule.anchor)")],
            "helpUri": .string("\(rulesURI)#\(rule.anchor)"),
            "defaultConfiguration": ["level": .string(level(rule.severity))],
            "properties": ["tags": [.string(rule.subject.rawValue)]],
        ]
    }

    static func sarifResult(_ violation: Violation, manifest: Manifest, ruleIndex: Int?) -> JSONValue {
        let position = manifest.position(of: violation.field)
        var result: JSONValue = [
            "ruleId": .string(violation.rule.rawValue),
            "level": .string(level(violation.severity)),
            "message": ["text": .string(violation.message)],
            "locations": [
                [
                    "physicalLocation": [
                        "artifactLocation": ["uri": .string(artifactURI(manifest.source))],
                        "region": ["startLine": .int(position.line), "startColumn": .int(position.column)],
                    ],
                    "logicalLocations": [
                        [
                            "fullyQualifiedName": .string(logicalName(manifest, field: violation.field)),
                            "kind": "member",
                        ]
                    ],
                ]
            ],
        ]
        // An id outside the catalogue still gets its result; only the index is left out.
        if let ruleIndex, var object = result.objectValue {
            object["ruleIndex"] = .int(ruleIndex)
            result = .object(object)
        }
        return result
    }

    static func level(_ severity: Violation.Severity) -> String {
        severity == .deny ? "error" : "warning"
    }

    /// `Kind/namespace/name.field`, so results of objects that share a file stay apart.
    static func logicalName(_ manifest: Manifest, field: String) -> String {
        let namespace = manifest.namespace.isEmpty ? "" : manifest.namespace + "/"
        return "\(manifest.type.kind)/\(namespace)\(manifest.name)" + (field.isEmpty ? "" : ".\(field)")
    }

    /// The path as the user gave it, as a relative URI reference: every byte outside
    /// RFC 3986's unreserved characters and `/` percent-encoded (spaces, `#`, `<stdin>`).
    static func artifactURI(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 0xF)])"
            }
        }
        return out
    }
}
