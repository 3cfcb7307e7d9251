import ArgumentParser
import FSXCore

/// The `fsx-webhook` command: the admission server and its offline dry run.
struct FSXWebhook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fsx-webhook",
        abstract: "Admission webhook for Amazon FSx for Lustre on Kubernetes, and its offline dry run.",
        discussion: """
            check, mutate and review decide exactly as the server does, from files, so they can run in \
            CI before anything reaches a cluster.
            """,
        version: "fsx-webhook \(FSXWebhookVersion.current)",
        subcommands: [
            Serve.self, Check.self, Mutate.self, Review.self, TestCommand.self, Probe.self, PolicyCommand.self,
            VersionCommand.self,
        ]
    )
}

/// The release version, printed by `version` and `--version`.
enum FSXWebhookVersion {
    static let current = BuildInfo.version
}
