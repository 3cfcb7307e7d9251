import FSXManifests

/// Reads the command's input paths, or fails with every unreadable input, one line each.
enum ManifestInput {
    static func read(_ paths: [String], recordingPositions: Bool = false) throws(CLIFailure) -> [Manifest] {
        let result = ManifestReader(recordingPositions: recordingPositions).read(paths: paths)
        guard result.errors.isEmpty else { throw CLIFailure(result.errors.map(\.message)) }
        return result.manifests
    }
}
