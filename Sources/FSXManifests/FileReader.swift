#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-file reads with errors a person can act on.
public enum FileReader {
    /// The name standard input goes by in messages and results.
    public static let standardInputName = "<stdin>"

    /// The file's bytes; `-` reads standard input.
    public static func readBytes(_ path: String) throws(ManifestError) -> [UInt8] {
        let shown = path == "-" ? standardInputName : path
        let fd: Int32 = path == "-" ? 0 : open(path, O_RDONLY)
        guard fd >= 0 else {
            throw ManifestError("\(shown): cannot open: \(String(cString: strerror(errno)))")
        }
        defer { if fd != 0 { close(fd) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = errno == EISDIR ? "is a directory" : String(cString: strerror(errno))
                throw ManifestError("\(shown): cannot read: \(reason)")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    /// The file as UTF-8 text; invalid UTF-8 is an error, not replaced silently.
    public static func readText(_ path: String) throws(ManifestError) -> String {
        let bytes = try readBytes(path)
        let shown = path == "-" ? standardInputName : path
        return try text(bytes, source: shown)
    }

    /// `bytes` as UTF-8 text; the error names the line and byte of the first invalid sequence.
    public static func text(_ bytes: [UInt8], source: String) throws(ManifestError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        let offset = firstInvalidUTF8Offset(bytes) ?? 0
        let line = bytes[..<offset].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        throw ManifestError("\(source): not UTF-8 text: invalid byte at line \(line) (byte \(offset))")
    }

    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
