import FSXCore

/// Reads the `--config` file once, at start-up, for every command.
public enum ConfigurationFile {
    /// The configuration at `path`, or the built-in default when `path` is `nil`.
    ///
    /// Errors name the file, the key and the fix; nothing falls back silently.
    public static func load(path: String?) throws(ManifestError) -> WebhookConfiguration {
        guard let path else { return .default }
        let text = try FileReader.readText(path)
        return try parse(text, source: path)
    }

    /// Parses configuration text; `source` names it in errors.
    public static func parse(_ text: String, source: String) throws(ManifestError) -> WebhookConfiguration {
        let document: JSONValue
        do {
            document = try YAMLDocuments.parseSingle(text)
        } catch {
            throw ManifestError("\(source): \(error.message)")
        }
        do {
            return try WebhookConfiguration(json: document)
        } catch {
            throw ManifestError("\(source): \(error)")
        }
    }
}
