/// A command that cannot finish: the lines for stderr (each printed after `fsx-webhook: `)
/// and the exit code.
struct CLIFailure: Error, Equatable {
    /// Unreadable input, a bad configuration or a usage error.
    static let usageExitCode: Int32 = 2

    var lines: [String]
    var exitCode: Int32

    init(_ lines: [String], exitCode: Int32 = CLIFailure.usageExitCode) {
        self.lines = lines
        self.exitCode = exitCode
    }

    init(_ line: String, exitCode: Int32 = CLIFailure.usageExitCode) {
        self.init([line], exitCode: exitCode)
    }
}
