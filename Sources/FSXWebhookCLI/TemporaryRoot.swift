import ArgumentParser

/// Minimal root so `serve` can be built and run on its own branch.
@main
struct FSXWebhook: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fsx-webhook",
        abstract: "Admission webhook for Amazon FSx for Lustre StorageClasses and training Jobs.",
        subcommands: [Serve.self])
}
