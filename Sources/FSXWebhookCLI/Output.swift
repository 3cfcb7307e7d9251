import Foundation

/// Standard output and error, unbuffered and whole: results go to stdout in one write so
/// that a pipeline reads complete documents; diagnostics go to stderr.
enum Output {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// One line on stderr.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
    }
}
