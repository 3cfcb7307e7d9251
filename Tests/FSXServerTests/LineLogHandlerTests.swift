import FSXCore
import Logging
import NIOConcurrencyHelpers
import Testing

@testable import FSXServer

struct LineLogHandlerTests {
    /// Captures lines instead of writing them to standard error.
    final class Sink: Sendable {
        let lines = NIOLockedValueBox([String]())
        func logger(_ format: LogFormat, level: Logger.Level = .info) -> Logger {
            Logger(label: "test") { _ in
                LineLogHandler(format: format, level: level) { bytes in
                    self.lines.withLockedValue { $0.append(String(decoding: bytes, as: UTF8.self)) }
                }
            }
        }
    }

    @Test func writesOneJSONObjectPerLineWithMetadataAsFields() throws {
        let sink = Sink()
        sink.logger(.json).info(
            "review denied", metadata: ["uid": "u-1", "reasons": ["a \"quoted\" reason", "line\nbreak"]])
        let lines = sink.lines.withLockedValue { $0 }
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false)
        let object = try JSONParser.parse(String(line.dropLast()))
        #expect(object["level"]?.stringValue == "info")
        #expect(object["message"]?.stringValue == "review denied")
        #expect(object["uid"]?.stringValue == "u-1")
        #expect(object["reasons"] == .array(["a \"quoted\" reason", "line\nbreak"]))
        #expect(object["time"]?.stringValue?.hasSuffix("Z") == true)
    }

    @Test func writesTextWithSortedQuotedMetadata() {
        let sink = Sink()
        sink.logger(.text).warning("listening", metadata: ["port": "8443", "address": "0.0.0.0 any"])
        let line = sink.lines.withLockedValue { $0.first } ?? ""
        #expect(line.contains(" WARNING listening address=\"0.0.0.0 any\" port=8443\n"))
    }

    @Test func dropsEventsBelowTheLevel() {
        let sink = Sink()
        sink.logger(.json, level: .info).debug("routine allow")
        #expect(sink.lines.withLockedValue { $0.isEmpty })
    }
}
