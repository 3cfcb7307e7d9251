import ArgumentParser
import FSXCore
import FSXManifests

/// `--config`, shared by every command that decides; read once, before any input.
struct ConfigOptions: ParsableArguments {
    @Option(
        name: .long, help: ArgumentHelp("The webhook configuration file (YAML).", valueName: "file"))
    var config: String?

    /// The configuration, or the built-in default (validate only) without `--config`.
    func load() throws(CLIFailure) -> WebhookConfiguration {
        do {
            return try ConfigurationFile.load(path: config)
        } catch {
            throw CLIFailure(error.message)
        }
    }
}
