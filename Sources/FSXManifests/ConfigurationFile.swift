import FSXCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

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

/// Whole-file reads with errors a person can act on.
public enum FileReader {
    /// The file's bytes; `-` reads standard input.
    public static func readBytes(_ path: String) throws(ManifestError) -> [UInt8] {
        let fd: Int32 = path == "-" ? 0 : open(path, O_RDONLY)
        guard fd >= 0 else {
            throw ManifestError("\(path): cannot open: \(String(cString: strerror(errno)))")
        }
        defer { if fd != 0 { close(fd) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = errno == EISDIR ? "is a directory" : String(cString: strerror(errno))
                throw ManifestError("\(path): cannot read: \(reason)")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    /// The file as UTF-8 text; invalid UTF-8 is an error, not replaced silently.
    public static func readText(_ path: String) throws(ManifestError) -> String {
        let bytes = try readBytes(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ManifestError("\(path): not UTF-8 text")
        }
        return text
    }
}
