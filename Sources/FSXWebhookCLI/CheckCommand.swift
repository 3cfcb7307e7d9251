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

            Exit status: 0 nothing denied; 1 something denied (or warned, with --strict); 2 unreadable \
            input, bad configuration or usage error.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var options: ConfigOptions

    @Option(name: [.short, .customLong("output")], help: "Output format: text or json.")
    var output: Format = .text

    @Flag(help: "Exit 1 when any object has warnings, not only when one is denied.")
    var strict = false

    @Flag(
        help: "Ask AWS (read-only, the configuration's aws: section) about subnets, security groups and file systems.")
    var aws = false

    @OptionGroup var inputs: ManifestPaths

    func run() async throws {
        let configuration = try options.load()
        let manifests = try ManifestInput.read(inputs.paths)
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
        }
        if report.summary.denied > 0 || (strict && report.summary.withWarnings > 0) {
            throw ExitCode(1)
        }
    }
}
