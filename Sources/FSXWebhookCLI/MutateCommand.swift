import ArgumentParser
import FSXCore
import FSXManifests

/// `fsx-webhook mutate`: the objects as they would be stored, or the patches.
struct Mutate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print manifests as they would be stored after the webhook's mutation, or its patches.",
        discussion: """
            Objects the webhook does not change are printed unchanged; denied objects are left out and \
            their reasons go to stderr. Feeding the output back in changes nothing.

            Exit status: 0 all allowed; 1 some object denied; 2 unreadable input, bad configuration or \
            usage error.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case yaml, json, patch
    }

    @OptionGroup var options: ConfigOptions

    @Option(name: [.short, .customLong("output")], help: "Output format: yaml, json, or patch.")
    var output: Format = .yaml

    @Flag(
        help:
            "Ask AWS (read-only, the configuration's aws: section) for the zones of fileSystemId volumes and the StorageClass facts."
    )
    var aws = false

    @OptionGroup var inputs: ManifestPaths

    func run() async throws {
        let configuration = try options.load()
        let manifests = try ManifestInput.read(inputs.paths)
        let engine = AdmissionEngine(configuration: configuration)
        // The same decisions as `check`: claims meet the StorageClasses of the same input.
        let context = DecisionContext(objects: manifests.lazy.map(\.object))
        var facts: AWSFacts?
        if aws {
            let lookups = manifests.reduce(AWSLookups.none) {
                $0.union(engine.awsLookups(for: AdmissionRequest(creating: $1.object)))
            }
            facts = try await CLIAWSFacts.gather(lookups, configuration: configuration)
        }
        let results = manifests.map { MutationResult(manifest: $0, engine: engine, context: context, facts: facts) }

        for result in results {
            for line in result.diagnostics { Output.error("fsx-webhook: \(line)") }
        }
        switch output {
        case .yaml: Output.write(MutateOutput.yaml(results))
        case .json: Output.write(MutateOutput.json(results))
        case .patch: Output.write(MutateOutput.patches(results))
        }
        if results.contains(where: { $0.stored == nil }) { throw ExitCode(1) }
    }
}

/// One object through the mutating webhook: the decision, and the object as stored.
struct MutationResult {
    var manifest: Manifest
    var decision: Decision
    /// The object after the patch; `nil` when it is denied or the patch cannot be applied.
    var stored: JSONValue?
    /// Denials, a patch that does not apply, and warnings, one line each.
    var diagnostics: [String] = []

    init(manifest: Manifest, engine: AdmissionEngine, context: DecisionContext = .none, facts: AWSFacts? = nil) {
        self.manifest = manifest
        decision = engine.decide(AdmissionRequest(creating: manifest.object), context: context, facts: facts)
        let at = "\(manifest.location): \(decision.subject)"
        for denial in decision.denials { diagnostics.append("\(at) denied: \(denial.message)") }
        for warning in decision.warnings { diagnostics.append("\(at) warning: \(warning.message)") }
        guard decision.isAllowed else { return }
        do {
            stored = try PatchApplication.apply(decision.patch, to: manifest.object)
        } catch {
            // The apiserver would refuse such a patch with a 500, so the object would not be stored.
            diagnostics.append("\(at): the webhook's patch does not apply: \(error)")
        }
    }
}
