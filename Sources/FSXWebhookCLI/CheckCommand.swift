import ArgumentParser
import FSXCore
import FSXManifests

/// `fsx-webhook check`: one verdict per object, as the webhook would give it.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Judge manifests as the webhook would: allowed, allowed with warnings, or denied.",
        discussion: """
            Reads files, folders (recursively: *.yaml, *.yml, *.json) and - for standard input; YAML \
            or JSON, several documents per file, kind: List expanded. Jobs are checked for what \
            mutation would deny; a Job the webhook would patch is allowed.

            -o sarif (SARIF 2.1.0, for code scanning) points each violation at the line and column \
            of its key; -o junit gives one test suite per file and one test case per object.

            Exit status: 0 nothing denied; 1 something denied (or warned, with --strict); 2 unreadable \
            input, bad configuration or usage error.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, junit, sarif
    }

    /// Where docs/rules.md is published: SARIF's `helpUri` of each rule is this plus `#id`.
    static let defaultRulesURI = "https://github.com/fsx-webhook/fsx-webhook/blob/main/docs/rules.md"

    @OptionGroup var options: ConfigOptions

    @Option(name: [.short, .customLong("output")], help: "Output format: text, json, junit or sarif.")
    var output: Format = .text

    @Option(
        name: .customLong("rules-uri"),
        help: ArgumentHelp(
            "sarif: the absolute address of docs/rules.md for each rule's helpUri (a mirror or fork).",
            valueName: "uri"))
    var rulesURI = Check.defaultRulesURI

    @Flag(help: "Exit 1 when any object has warnings, not only when one is denied.")
    var strict = false

    @Flag(
        help: "Ask AWS (read-only, the configuration's aws: section) about subnets, security groups and file systems.")
    var aws = false

    @OptionGroup var inputs: ManifestPaths

    func validate() throws {
        guard rulesURI.contains("://") else {
            throw ValidationError("--rules-uri must be an absolute URI such as https://host/docs/rules.md")
        }
    }

    func run() async throws {
        let configuration = try options.load()
        // Only SARIF points at lines inside objects; the other formats skip the positions.
        let manifests = try ManifestInput.read(inputs.paths, recordingPositions: output == .sarif)
        let engine = AdmissionEngine(configuration: configuration)
        var facts: AWSFacts?
        if aws {
            let lookups = manifests.reduce(AWSLookups.none) {
                $0.union(engine.awsLookups(for: AdmissionRequest(creating: $1.object)))
            }
            facts = try await CLIAWSFacts.gather(lookups, configuration: configuration)
        }
        let report = CheckReport(manifests: manifests, engine: engine, facts: facts)
        switch output {
        case .text: Output.write(CheckTextFormat.render(report))
        case .json: Output.write(CheckJSONFormat.render(report))
        case .junit: Output.write(CheckJUnitFormat.render(report, strict: strict))
        case .sarif: Output.write(CheckSARIFFormat.render(report, rulesURI: rulesURI))
        }
        if report.summary.denied > 0 || (strict && report.summary.withWarnings > 0) {
            throw ExitCode(1)
        }
    }
}
