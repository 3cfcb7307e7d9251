import FSXCore
import FSXManifests

/// `check -o junit`: one `testsuite` per input file, one `testcase` per object
/// (`Kind namespace/name`, or `Kind name` when cluster-scoped), a `failure` for a denied
/// object with its reasons, warnings in `system-out`; with `strict`, warnings fail too.
enum CheckJUnitFormat {
    static func render(_ report: CheckReport, strict: Bool) -> String {
        var suites: [JUnitReport.Suite] = []
        var suiteIndex: [String: Int] = [:]
        for result in report.results {
            let manifest = result.manifest
            let decision = result.decision
            var test = JUnitReport.Case(name: testName(manifest), className: manifest.source)
            let denials = decision.denials.map { "denied: \($0.rule): \($0.message)" }
            let warnings = decision.warnings.map { "warning: \($0.rule): \($0.message)" }
            if !decision.denials.isEmpty {
                test.failure = ("denied", decision.denialMessage, (denials + warnings).joined(separator: "\n"))
            } else if strict && !decision.warnings.isEmpty {
                let count = decision.warnings.count
                test.failure = (
                    "warning", "\(decision.subject) has \(count) warning\(count == 1 ? "" : "s") (--strict)",
                    warnings.joined(separator: "\n")
                )
            }
            var output = ["\(manifest.location): \(decision.outcome.rawValue)"]
            if !decision.warnings.isEmpty { output += warnings }
            test.output = output.joined(separator: "\n")
            if let index = suiteIndex[manifest.source] {
                suites[index].cases.append(test)
            } else {
                suiteIndex[manifest.source] = suites.count
                suites.append(JUnitReport.Suite(name: manifest.source, cases: [test]))
            }
        }
        return JUnitReport(name: "fsx-webhook check", suites: suites).render()
    }

    /// `Kind namespace/name`, or `Kind name` for a cluster-scoped object.
    static func testName(_ manifest: Manifest) -> String {
        testName(kind: manifest.type.kind, namespace: manifest.namespace, name: manifest.name)
    }

    static func testName(kind: String, namespace: String, name: String) -> String {
        namespace.isEmpty ? "\(kind) \(name)" : "\(kind) \(namespace)/\(name)"
    }
}
