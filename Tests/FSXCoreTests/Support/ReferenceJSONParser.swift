@testable import FSXCore

/// The straightforward parser `JSONParser` replaced for speed, kept as the reference the
/// differential tests compare it with: byte by byte, validation by `String(validating:)`,
/// objects built by the public subscript (duplicates: the last value wins, in place). Its
/// errors (offset and reason) are what the fast parser must still report.
enum ReferenceJSONParser {
    /// Nesting depth at which parsing stops. A real Kubernetes object nests about 20 levels;
    /// the limit exists so hostile input (100,000 `[`s) ends with an error instead of a stack
    /// overflow on a server thread. 512 levels of recursion stay far below any thread's stack.
    static let maximumDepth = 512

    /// Parses a complete JSON document; trailing non-whitespace is an error.
    static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> =
            bytes.withContiguousStorageIfAvailable { buffer in
                parseResult(UnsafeRawBufferPointer(buffer))
            } ?? Array(bytes).withUnsafeBytes { parseResult($0) }
        return try result.get()
    }

    static func parseResult(_ buffer: UnsafeRawBufferPointer) -> Result<JSONValue, JSONParseError> {
        var parser = Cursor(buffer)
        do throws(JSONParseError) {
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            if parser.index != parser.end {
                throw JSONParseError(offset: parser.index, reason: "unexpected data after the end of the document")
            }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var index: Int
        let end: Int

        init(_ bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
            self.index = 0
            self.end = bytes.count
        }

        func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

        @inline(__always)
        mutating func skipWhitespace() {
            while index < end {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
            guard index < end else { throw fail("unexpected end of input") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["):
                return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""):
                return .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .number(try parseNumber())
            default:
                throw fail("unexpected character \(describe(bytes[index]))")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
            let count = literal.utf8CodeUnitCount
            guard end - index >= count else { throw fail("unexpected end of input") }
            let base = literal.utf8Start
            for offset in 0..<count where bytes[index + offset] != base[offset] {
                throw fail("invalid literal")
            }
            index += count
        }

        mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
            guard depth <= ReferenceJSONParser.maximumDepth else {
                throw fail("nested deeper than \(ReferenceJSONParser.maximumDepth) levels")
            }
            index += 1  // {
            var object = JSONObject()
            skipWhitespace()
            if index < end, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(object)
            }
            while true {
                skipWhitespace()
                guard index < end else { throw fail("unexpected end of input in object") }
                guard bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let key = try parseString()
                skipWhitespace()
                guard index < end, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after key") }
                index += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                object[key] = value  // last one wins, as in Go
                skipWhitespace()
                guard index < end else { throw fail("unexpected end of input in object") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    return .object(object)
                default: throw fail("expected ',' or '}' in object")
                }
            }
        }

        mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
            guard depth <= ReferenceJSONParser.maximumDepth else {
                throw fail("nested deeper than \(ReferenceJSONParser.maximumDepth) levels")
            }
            index += 1  // [
            var array: [JSONValue] = []
            skipWhitespace()
            if index < end, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(array)
            }
            while true {
                skipWhitespace()
                array.append(try parseValue(depth: depth))
                skipWhitespace()
                guard index < end else { throw fail("unexpected end of input in array") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    return .array(array)
                default: throw fail("expected ',' or ']' in array")
                }
            }
        }

        mutating func parseNumber() throws(JSONParseError) -> String {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < end else { throw fail("unexpected end of input in number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else if isDigit(bytes[index]) {
                while index < end, isDigit(bytes[index]) { index += 1 }
            } else {
                throw fail("invalid number")
            }
            if index < end, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard index < end, isDigit(bytes[index]) else { throw fail("invalid number: digit expected after '.'") }
                while index < end, isDigit(bytes[index]) { index += 1 }
            }
            if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard index < end, isDigit(bytes[index]) else {
                    throw fail("invalid number: digit expected in exponent")
                }
                while index < end, isDigit(bytes[index]) { index += 1 }
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }

        @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

        mutating func parseString() throws(JSONParseError) -> String {
            index += 1  // opening quote
            let start = index
            // Fast path: no escapes, so the bytes are the string once validated as UTF-8.
            while index < end {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                    guard let string = String(validating: raw, as: UTF8.self) else {
                        throw JSONParseError(offset: start, reason: "string is not valid UTF-8")
                    }
                    index += 1
                    return string
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw fail("control character in string") }
                index += 1
            }
            guard index < end else { throw fail("unterminated string") }
            // Slow path: copy with escapes decoded.
            var scalars: [UInt8] = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
            while index < end {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    guard let string = String(validating: scalars, as: UTF8.self) else {
                        throw JSONParseError(offset: start, reason: "string is not valid UTF-8")
                    }
                    return string
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < end else { throw fail("unterminated escape") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append(0x22)
                    case UInt8(ascii: "\\"): scalars.append(0x5C)
                    case UInt8(ascii: "/"): scalars.append(0x2F)
                    case UInt8(ascii: "b"): scalars.append(0x08)
                    case UInt8(ascii: "f"): scalars.append(0x0C)
                    case UInt8(ascii: "n"): scalars.append(0x0A)
                    case UInt8(ascii: "r"): scalars.append(0x0D)
                    case UInt8(ascii: "t"): scalars.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try parseHex4()
                        if (0xD800...0xDBFF).contains(code) {
                            // A high surrogate must be followed by an escaped low surrogate.
                            if end - index >= 6, bytes[index] == UInt8(ascii: "\\"),
                                bytes[index + 1] == UInt8(ascii: "u")
                            {
                                index += 2
                                let low = try parseHex4()
                                guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid surrogate pair") }
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                throw fail("lone surrogate in \\u escape")
                            }
                        } else if (0xDC00...0xDFFF).contains(code) {
                            throw fail("lone surrogate in \\u escape")
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
                        scalars.append(contentsOf: UTF8.encode(scalar)!)
                    default:
                        throw fail("invalid escape \\\(describe(escape))")
                    }
                default:
                    if byte < 0x20 { throw fail("control character in string") }
                    scalars.append(byte)
                    index += 1
                }
            }
            throw fail("unterminated string")
        }

        mutating func parseHex4() throws(JSONParseError) -> UInt32 {
            guard end - index >= 4 else { throw fail("truncated \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
                default: throw fail("invalid hex digit in \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        func describe(_ byte: UInt8) -> String {
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "0x" + String(byte, radix: 16, uppercase: true)
        }
    }
}
