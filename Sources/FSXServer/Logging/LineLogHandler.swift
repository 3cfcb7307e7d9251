import FSXCore
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How `serve` writes its log lines.
public enum LogFormat: String, Sendable, CaseIterable {
    /// One JSON object per line, `time`, `level`, `message`, then the metadata: for log
    /// collectors (Fluent Bit, CloudWatch, Loki) that index fields.
    case json
    /// `time level message key=value ...`: for people.
    case text
}

/// A swift-log handler that writes one line per event to standard error, in either format.
///
/// Each line is written with a single `write(2)`, so lines from different threads never
/// interleave.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public let format: LogFormat
    private let output: @Sendable ([UInt8]) -> Void

    /// A handler writing to standard error.
    public init(format: LogFormat, level: Logger.Level) {
        self.init(format: format, level: level) { line in
            line.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    offset += written
                }
            }
        }
    }

    /// A handler writing each complete line (with its newline) to `output`.
    public init(format: LogFormat, level: Logger.Level, output: @escaping @Sendable ([UInt8]) -> Void) {
        self.format = format
        self.logLevel = level
        self.output = output
    }

    /// Installs this handler for the whole process; call once, before the first log line.
    public static func bootstrap(format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap { _ in LineLogHandler(format: format, level: level) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        if let error = event.error { all["error"] = "\(error)" }
        output(
            Self.line(format: format, time: Self.now(), level: event.level, message: "\(event.message)", metadata: all))
    }

    /// Formats one line; keys sorted so lines are stable and diffable.
    static func line(
        format: LogFormat, time: String, level: Logger.Level, message: String, metadata: Logger.Metadata
    )
        -> [UInt8]
    {
        switch format {
        case .json:
            var object = JSONObject()
            object["time"] = .string(time)
            object["level"] = .string(level.rawValue)
            object["message"] = .string(message)
            for (key, value) in metadata.sorted(by: { $0.key < $1.key })
            where key != "time" && key != "level" && key != "message" {
                object[key] = json(value)
            }
            var bytes = JSONWriter.bytes(.object(object))
            bytes.append(UInt8(ascii: "\n"))
            return bytes
        case .text:
            var text = "\(time) \(level.rawValue.uppercased()) \(message)"
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
                text += " \(key)=\(textValue(value))"
            }
            text += "\n"
            return Array(text.utf8)
        }
    }

    private static func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let string): return .string(string)
        case .stringConvertible(let convertible): return .string(convertible.description)
        case .array(let array): return .array(array.map(json))
        case .dictionary(let dictionary):
            var object = JSONObject()
            for (key, value) in dictionary.sorted(by: { $0.key < $1.key }) { object[key] = json(value) }
            return .object(object)
        }
    }

    private static func textValue(_ value: Logger.MetadataValue) -> String {
        let plain = value.description
        // Quote values a reader could not otherwise tell apart from the next key=value.
        if plain.isEmpty || plain.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) {
            return JSONWriter.quoted(plain)
        }
        return plain
    }

    /// Wall-clock time as RFC 3339 in UTC with milliseconds: `2026-11-24T23:50:01.123Z`.
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = time_t(spec.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let millis = Int32(spec.tv_nsec / 1_000_000)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(millis, 3))Z"
    }
}
