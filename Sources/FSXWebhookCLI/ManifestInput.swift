import FSXManifests

/// Reads the command's input paths, or fails with every unreadable input, one line each.
enum ManifestInput {
    static func read(_ paths: [String]) throws(CLIFailure) -> [Manifest] {
        let result = ManifestReader().read(paths: paths)
        guard result.errors.isEmpty else { throw CLIFailure(result.errors.map(\.message)) }
        return result.manifests
    }
}
