import ArgumentParser
import FSXCore
import FSXManifests

/// `fsx-webhook policy`: the StorageClass rules as ValidatingAdmissionPolicies.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Print the StorageClass rules as ValidatingAdmissionPolicies with their bindings.",
        discussion: """
            For clusters that want the StorageClass checks without the webhook, or fail-closed while it \
            is down: the API server evaluates the policies' CEL itself (admissionregistration.k8s.io/v1, \
            Kubernetes 1.30 or newer). Policy \(AdmissionPolicyExport.denyPolicyName) holds the deny \
            rules, \(AdmissionPolicyExport.warnPolicyName) the warnings; the configuration's \
            validation.rules, unknownParameters and enforcement apply as in the webhook. Rules the \
            policies cannot check are named in the fsx-webhook/not-covered annotation.

            Apply with: fsx-webhook policy --config fsx-webhook.yaml | kubectl apply -f -

            Exit status: 0 printed; 2 bad configuration or usage error.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case yaml, json
    }

    @OptionGroup var options: ConfigOptions

    @Option(
        name: [.short, .customLong("output")],
        help: "Output format: yaml (a multi-document stream) or json (a v1 List).")
    var output: Format = .yaml

    func run() throws {
        let documents = AdmissionPolicyExport.documents(for: try options.load())
        switch output {
        case .yaml:
            Output.write(YAMLEmitter.stream(documents))
        case .json:
            let list: JSONValue = ["apiVersion": "v1", "kind": "List", "items": .array(documents)]
            Output.write(JSONWriter.string(list, style: .pretty) + "\n")
        }
    }
}
