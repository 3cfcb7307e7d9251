import ArgumentParser

/// `fsx-webhook version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the version and exit.")

    func run() {
        Output.write("fsx-webhook \(FSXWebhookVersion.current)\n")
    }
}
