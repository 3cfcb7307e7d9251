import ArgumentParser
import FSXCore
import FSXManifests
import Foundation

/// `fsx-webhook test`: runs the suites (`fsx-webhook-test.yaml`) under the paths.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run test suites: manifests with the verdicts they must get.",
        discussion: """
            Runs every file named fsx-webhook-test.yaml under the paths (default: the current \
            folder); a file named directly is run whatever its name. Each suite lists resources \
            (files or folders), an optional config, and expectations: kind, name, namespace, \
            outcome (allowed, allowed-with-warnings, denied or patched), rules that must be among \
            the object's violations, and patched: the object after mutation, compared as a value.

            One PASS or FAIL line per expectation, then "N passed, M failed".
            Exit status: 0 all passed; 1 an expectation failed; 2 a suite cannot be read or is \
            invalid, or a usage error.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, junit
    }

    @Option(name: [.short, .customLong("output")], help: "Output format: text or junit.")
    var output: Format = .text

    @Argument(help: ArgumentHelp("Suite files, or folders to search for fsx-webhook-test.yaml.", valueName: "path"))
    var paths: [String] = ["."]

    func run() throws {
        var suiteErrors: [String] = []
        var files: [String] = []
        for path in paths {
            do {
                files += try Self.suiteFiles(under: path)
            } catch {
                suiteErrors.append(error.message)
            }
        }
        var results: [TestRunner.SuiteResult] = []
        for file in files {
            do {
                results.append(try TestRunner.run(try TestSuiteFile.load(file)))
            } catch {
                suiteErrors.append(error.message)
            }
        }
        let all = results.flatMap(\.outcomes)
        let failed = all.count { !$0.passed }
        switch output {
        case .text: Output.write(Self.text(results, passed: all.count - failed, failed: failed))
        case .junit: Output.write(Self.junit(results))
        }
        if !suiteErrors.isEmpty { throw CLIFailure(suiteErrors) }
        if failed > 0 { throw ExitCode(1) }
    }

    static func text(_ results: [TestRunner.SuiteResult], passed: Int, failed: Int) -> String {
        var out = ""
        for result in results {
            for outcome in result.outcomes {
                let title = "\(result.suite.name): \(outcome.expectation.testName)"
                if outcome.passed {
                    out += "PASS  \(title) \(outcome.expectation.outcome.rawValue)\n"
                } else {
                    out += "FAIL  \(title): \(outcome.differences.joined(separator: "; "))\n"
                }
            }
        }
        out += "\(passed) passed, \(failed) failed\n"
        return out
    }

    static func junit(_ results: [TestRunner.SuiteResult]) -> String {
        let suites = results.map { result in
            JUnitReport.Suite(
                name: result.suite.name,
                cases: result.outcomes.map { outcome in
                    var test = JUnitReport.Case(name: outcome.expectation.testName, className: result.suite.path)
                    if !outcome.passed {
                        test.failure = (
                            "expectation", outcome.differences.first ?? "",
                            outcome.differences.joined(separator: "\n")
                        )
                    }
                    test.output = "\(outcome.expectation.key): \(outcome.location ?? "not found")"
                    return test
                })
        }
        return JUnitReport(name: "fsx-webhook test", suites: suites).render()
    }

    /// The suites a path stands for: itself when it is a file, else every
    /// `fsx-webhook-test.yaml` under it, in sorted order.
    static func suiteFiles(under path: String) throws(ManifestError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ManifestError("\(path): no such file or folder")
        }
        guard isDirectory.boolValue else { return [path] }
        let base = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        guard let enumerator = FileManager.default.enumerator(atPath: base) else {
            throw ManifestError("\(path): cannot list folder")
        }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = relative.split(separator: "/").last.map(String.init) ?? relative
            if name.hasPrefix(".") {
                enumerator.skipDescendants()
                continue
            }
            if name == TestSuiteFile.fileName { found.append(base == "." ? relative : "\(base)/\(relative)") }
        }
        guard !found.isEmpty else {
            throw ManifestError("\(path): no \(TestSuiteFile.fileName) in this folder; write one (see docs/ci.md)")
        }
        return found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
