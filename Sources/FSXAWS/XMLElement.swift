/// A small XML reader for the EC2 and STS query-protocol answers: elements, text and the
/// five predefined entities plus numeric references. No DTDs, no namespaces beyond ignoring
/// prefixes: those answers use none of it. (Foundation's XMLParser lives in FoundationXML on
/// Linux, which would pull libxml2 into the image for a few tags.)
struct XMLElement: Sendable, Equatable {
    var name: String
    var children: [XMLElement] = []
    var text: String = ""

    /// The first child named `name`.
    func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// The text of the first child named `name`, trimmed.
    func value(_ name: String) -> String? { child(name).map { $0.text.trimmingWhitespace } }

    /// The `item` children of the child named `name` (EC2's list shape).
    func items(_ name: String) -> [XMLElement] { child(name)?.children.filter { $0.name == "item" } ?? [] }

    /// The first element named `name` anywhere below, depth first.
    func find(_ name: String) -> XMLElement? {
        for child in children {
            if child.name == name { return child }
            if let found = child.find(name) { return found }
        }
        return nil
    }

    struct ParseError: Error, Equatable {}

    /// Parses a document; throws on anything malformed (the caller treats it as an AWS error).
    static func parse(_ bytes: [UInt8]) throws(ParseError) -> XMLElement {
        var stack: [XMLElement] = [XMLElement(name: "#document")]
        var index = 0
        let count = bytes.count
        while index < count {
            if bytes[index] == UInt8(ascii: "<") {
                guard index + 1 < count else { throw ParseError() }
                let next = bytes[index + 1]
                if next == UInt8(ascii: "?") || next == UInt8(ascii: "!") {
                    // Declaration or comment: skip to the closing '>'.
                    guard let end = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else { throw ParseError() }
                    index = end + 1
                    continue
                }
                guard let end = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else { throw ParseError() }
                var tag = bytes[(index + 1)..<end]
                index = end + 1
                if tag.first == UInt8(ascii: "/") {
                    let name = localName(tag.dropFirst())
                    guard stack.count > 1, stack.last!.name == name else { throw ParseError() }
                    let done = stack.removeLast()
                    stack[stack.count - 1].children.append(done)
                    continue
                }
                let selfClosing = tag.last == UInt8(ascii: "/")
                if selfClosing { tag = tag.dropLast() }
                let element = XMLElement(name: localName(tag))
                if selfClosing {
                    stack[stack.count - 1].children.append(element)
                } else {
                    stack.append(element)
                }
            } else {
                let end = bytes[index...].firstIndex(of: UInt8(ascii: "<")) ?? count
                stack[stack.count - 1].text += try unescape(bytes[index..<end])
                index = end
            }
        }
        guard stack.count == 1, let root = stack[0].children.first else { throw ParseError() }
        return root
    }

    /// The tag name without attributes or a namespace prefix.
    private static func localName(_ tag: ArraySlice<UInt8>) -> String {
        let name = tag.prefix { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        let local = name.lastIndex(of: UInt8(ascii: ":")).map { name[($0 + 1)...] } ?? name
        return String(decoding: local, as: UTF8.self)
    }

    private static func unescape(_ text: ArraySlice<UInt8>) throws(ParseError) -> String {
        guard text.contains(UInt8(ascii: "&")) else { return String(decoding: text, as: UTF8.self) }
        var out: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            guard byte == UInt8(ascii: "&") else {
                out.append(byte)
                index += 1
                continue
            }
            guard let semicolon = text[index...].firstIndex(of: UInt8(ascii: ";")) else { throw ParseError() }
            let entity = String(decoding: text[(index + 1)..<semicolon], as: UTF8.self)
            switch entity {
            case "amp": out.append(UInt8(ascii: "&"))
            case "lt": out.append(UInt8(ascii: "<"))
            case "gt": out.append(UInt8(ascii: ">"))
            case "quot": out.append(UInt8(ascii: "\""))
            case "apos": out.append(UInt8(ascii: "'"))
            default:
                let number: UInt32?
                if entity.hasPrefix("#x") {
                    number = UInt32(entity.dropFirst(2), radix: 16)
                } else if entity.hasPrefix("#") {
                    number = UInt32(entity.dropFirst())
                } else {
                    number = nil
                }
                guard let number, let scalar = Unicode.Scalar(number) else { throw ParseError() }
                out += Array(String(Character(scalar)).utf8)
            }
            index = semicolon + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    var trimmingWhitespace: String {
        let bytes = Array(utf8)
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = bytes.firstIndex(where: { !blank($0) }), let last = bytes.lastIndex(where: { !blank($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
