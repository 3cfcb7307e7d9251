import FSXCore
import FSXManifests

/// Runs one suite: decides every resource with the suite's configuration, exactly as
/// `check` and `mutate` do, then judges each expectation.
struct TestRunner {
    struct Outcome {
        var expectation: TestSuiteFile.Expectation
        /// What differed; empty when the expectation holds.
        var differences: [String]
        /// Where the object was found (`file#document`), when it was.
        var location: String?
        var passed: Bool { differences.isEmpty }
    }

    struct SuiteResult {
        var suite: TestSuiteFile
        var outcomes: [Outcome]
    }

    /// The suite's results, or the one-line reason it cannot run (configuration or
    /// resources that cannot be read).
    static func run(_ suite: TestSuiteFile) throws(ManifestError) -> SuiteResult {
        let configuration: WebhookConfiguration
        do {
            configuration = try ConfigurationFile.load(path: suite.config)
        } catch {
            throw ManifestError("\(suite.path): config: \(error.message)")
        }
        let read = ManifestReader().read(paths: suite.resources)
        if let error = read.errors.first {
            throw ManifestError("\(suite.path): resources: \(error.message)")
        }
        let report = CheckReport(manifests: read.manifests, engine: AdmissionEngine(configuration: configuration))
        let outcomes = suite.expectations.map { judge($0, in: report) }
        return SuiteResult(suite: suite, outcomes: outcomes)
    }

    static func judge(_ expectation: TestSuiteFile.Expectation, in report: CheckReport) -> Outcome {
        let matches = report.results.filter {
            $0.manifest.type.kind == expectation.kind && $0.manifest.name == expectation.name
                && $0.manifest.namespace == expectation.namespace
        }
        guard let result = matches.first else {
            return Outcome(
                expectation: expectation, differences: ["not found in the resources"], location: nil)
        }
        var differences: [String] = []
        if matches.count > 1 {
            differences.append("\(matches.count) objects have this kind, namespace and name; the first one was judged")
        }
        let decision = result.decision
        if decision.outcome != expectation.outcome {
            var line = "outcome: expected \(expectation.outcome.rawValue), got \(decision.outcome.rawValue)"
            let reasons = (decision.denials + decision.warnings).map(\.rule.rawValue)
            if !reasons.isEmpty { line += " (\(Set(reasons).sorted().joined(separator: ", ")))" }
            differences.append(line)
        }
        let reported = Set((decision.denials + decision.warnings).map(\.rule))
        let missing = expectation.rules.filter { !reported.contains($0) }
        if !missing.isEmpty {
            let got = reported.isEmpty ? "none" : reported.sorted().map(\.rawValue).joined(separator: ", ")
            differences.append(
                "rules: expected \(missing.map(\.rawValue).joined(separator: ", ")) among its violations, got \(got)")
        }
        if let patched = expectation.patched, decision.isAllowed {
            differences += comparePatched(result: result, expectedPath: patched)
        }
        return Outcome(expectation: expectation, differences: differences, location: result.manifest.location)
    }

    /// The object after the webhook's patch against the expected file, as JSON values.
    static func comparePatched(result: CheckReport.Result, expectedPath: String) -> [String] {
        let expected: JSONValue
        do {
            let objects = try ManifestReader.manifests(in: try FileReader.readBytes(expectedPath), source: expectedPath)
            guard objects.count == 1 else {
                return ["patched: \(expectedPath) holds \(objects.count) objects; it must hold exactly one"]
            }
            expected = objects[0].object
        } catch {
            return ["patched: \(error.message)"]
        }
        let stored: JSONValue
        do {
            stored = try PatchApplication.apply(result.decision.patch, to: result.manifest.object)
        } catch {
            return ["patched: the webhook's patch does not apply: \(error)"]
        }
        guard let difference = firstDifference(expected, stored, path: "") else { return [] }
        return ["patched: differs from \(expectedPath) at \(difference)"]
    }

    /// The first place two values differ, as `path: expected X, got Y`.
    static func firstDifference(_ expected: JSONValue, _ actual: JSONValue, path: String) -> String? {
        if expected == actual { return nil }
        let here = path.isEmpty ? "the top" : path
        switch (expected, actual) {
        case (.object(let a), .object(let b)):
            for member in a.members {
                let child = path.isEmpty ? member.key : "\(path).\(member.key)"
                guard let other = b[member.key] else { return "\(child): expected \(shown(member.value)), got nothing" }
                if let difference = firstDifference(member.value, other, path: child) { return difference }
            }
            for member in b.members where a[member.key] == nil {
                let child = path.isEmpty ? member.key : "\(path).\(member.key)"
                return "\(child): expected nothing, got \(shown(member.value))"
            }
            return nil
        case (.array(let a), .array(let b)):
            for index in 0..<min(a.count, b.count) {
                if let difference = firstDifference(a[index], b[index], path: "\(path)[\(index)]") { return difference }
            }
            return "\(here): expected \(a.count) items, got \(b.count)"
        default:
            return "\(here): expected \(shown(expected)), got \(shown(actual))"
        }
    }

    static func shown(_ value: JSONValue) -> String {
        let text = JSONWriter.string(value)
        return text.count <= 80 ? text : String(text.prefix(79)) + "…"
    }
}
