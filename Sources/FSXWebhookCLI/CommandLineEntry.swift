import ArgumentParser

/// Parses, runs, and turns every outcome into an exit code, instead of ArgumentParser's
/// `main()`: usage errors must exit 2 (ArgumentParser's default is 64), a `CLIFailure`
/// prints its own one-line messages, and `--help` still exits 0.
enum CommandLineEntry {
    static func run(_ arguments: [String]) async -> Int32 {
        do {
            var command = try FSXWebhook.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let failure as CLIFailure {
            for line in failure.lines { Output.error("fsx-webhook: \(line)") }
            return failure.exitCode
        } catch {
            let code = FSXWebhook.exitCode(for: error)
            let message = FSXWebhook.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Output.write(message + "\n") }
                return 0
            }
            if !message.isEmpty { Output.error(message) }
            return code == .validationFailure ? CLIFailure.usageExitCode : code.rawValue
        }
    }
}
