import FSXCore

/// `check -o json`: one stable document for pipelines.
///
/// `{"results":[{"source","document","item","line","apiVersion","kind","namespace","name",
/// "outcome","denials":[{"rule","field","message"}],"warnings":[...],"patch":[...]}],
/// "summary":{"objects","allowed","withWarnings","denied","patched"}}`; every key is always
/// present (`item` is null outside a List).
enum CheckJSONFormat {
    static func render(_ report: CheckReport) -> String {
        var results: [JSONValue] = []
        for result in report.results {
            let manifest = result.manifest
            let decision = result.decision
            let type = manifest.type
            results.append([
                "source": .string(manifest.source),
                "document": .int(manifest.document),
                "item": manifest.item.map { .int($0) } ?? .null,
                "line": .int(manifest.line),
                "apiVersion": .string(type.apiVersion),
                "kind": .string(type.kind),
                "namespace": .string(manifest.namespace),
                "name": .string(manifest.name),
                "outcome": .string(decision.outcome.rawValue),
                "denials": .array(decision.denials.map(violation)),
                "warnings": .array(decision.warnings.map(violation)),
                "patch": decision.patch.json,
            ])
        }
        let summary = report.summary
        let document: JSONValue = [
            "results": .array(results),
            "summary": [
                "objects": .int(summary.objects),
                "allowed": .int(summary.allowed),
                "withWarnings": .int(summary.withWarnings),
                "denied": .int(summary.denied),
                "patched": .int(summary.patched),
            ],
        ]
        return JSONWriter.string(document, style: .pretty) + "\n"
    }

    static func violation(_ violation: Violation) -> JSONValue {
        [
            "rule": .string(violation.rule.rawValue),
            "field": .string(violation.field),
            "message": .string(violation.message),
        ]
    }
}
