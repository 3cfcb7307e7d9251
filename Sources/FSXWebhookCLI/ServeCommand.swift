import ArgumentParser

/// `fsx-webhook serve`: the HTTPS admission server.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTPS admission webhook server.")

    func run() async throws {
        throw CLIFailure("serve is not available in this build", exitCode: 1)
    }
}
