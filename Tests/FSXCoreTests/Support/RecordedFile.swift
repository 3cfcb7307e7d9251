import Foundation
import Testing

/// A committed file that the tests write out of FSXCore (policy fixtures, the chart's rule
/// table): compared with what FSXCore renders now, rewritten when
/// `FSX_RECORD_POLICY_FIXTURES` is set.
enum RecordedFile {
    /// The repository's root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func check(_ expected: String, at path: String, filter: String) throws {
        let file = root.appendingPathComponent(path)
        if ProcessInfo.processInfo.environment["FSX_RECORD_POLICY_FIXTURES"] != nil {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(expected.utf8).write(to: file)
        }
        let committed = try String(contentsOf: file, encoding: .utf8)
        #expect(committed == expected, "\(path) is stale: FSX_RECORD_POLICY_FIXTURES=1 swift test --filter \(filter)")
    }
}
