import FSXCore
import FSXTestSupport
import Foundation

/// Valid reviews to break, taken from the golden fixtures of FSXCoreTests (every kind the
/// webhook reads, with affinity, volumes, containers and StorageClass parameters), and the
/// ways to break them.
enum HostileCorpus {
    struct Seed: Sendable {
        var name: String
        var body: [UInt8]
        var json: JSONValue
        /// `/validate` or `/mutate`, as the Helm chart routes the kind.
        var path: String
    }

    static let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("FSXCoreTests/Fixtures/golden")

    /// Every golden request, sorted by name so a seeded run is repeatable.
    static func seeds() throws -> [Seed] {
        let names = try FileManager.default.contentsOfDirectory(atPath: goldenFolder.path).sorted()
        return try names.map { name in
            let body = Array(try Data(contentsOf: goldenFolder.appendingPathComponent("\(name)/request.json")))
            let json = try JSONParser.parse(body)
            let kind = json["request"]?["kind"]?["kind"]?.stringValue ?? ""
            let endpoint = AdmissionEngine.endpoint(
                for: ObjectType(group: json["request"]?["kind"]?["group"]?.stringValue ?? "", version: "", kind: kind))
            return Seed(name: name, body: body, json: json, path: "/\(endpoint.rawValue)?timeout=10s")
        }
    }

    /// The configuration of the golden case with the most volumes and zones, so workload
    /// reviews reach the mutation code rather than stopping at "not configured".
    static func engine() throws -> AdmissionEngine {
        let bytes = Array(
            try Data(
                contentsOf: goldenFolder.appendingPathComponent("job-existing-affinity-anded-patched/config.json")))
        return AdmissionEngine(configuration: try WebhookConfiguration(json: try JSONParser.parse(bytes)))
    }

    /// Every value in `value` with its path, the root first.
    static func paths(in value: JSONValue, prefix: [PathStep] = []) -> [[PathStep]] {
        var result = [prefix]
        switch value {
        case .object(let object):
            for member in object.members { result += paths(in: member.value, prefix: prefix + [.key(member.key)]) }
        case .array(let array):
            for (index, element) in array.enumerated() {
                result += paths(in: element, prefix: prefix + [.index(index)])
            }
        default:
            break
        }
        return result
    }

    enum PathStep: Sendable, CustomStringConvertible {
        case key(String)
        case index(Int)

        var description: String {
            switch self {
            case .key(let key): return key
            case .index(let index): return String(index)
            }
        }
    }

    /// `value` with the node at `path` replaced by `replacement`.
    static func replacing(_ path: ArraySlice<PathStep>, in value: JSONValue, with replacement: JSONValue) -> JSONValue {
        guard let step = path.first else { return replacement }
        switch (step, value) {
        case (.key(let key), .object(let object)):
            return .object(
                JSONObject(
                    object.members.map { member in
                        member.key == key
                            ? JSONObject.Member(
                                key: key, value: replacing(path.dropFirst(), in: member.value, with: replacement))
                            : member
                    }))
        case (.index(let index), .array(var array)):
            array[index] = replacing(path.dropFirst(), in: array[index], with: replacement)
            return .array(array)
        default:
            return value
        }
    }

    /// Values of other JSON types than `value`'s, the number one beyond Double's range.
    static func wrongTypes(for value: JSONValue) -> [JSONValue] {
        let huge = JSONValue.number("1e400")
        switch value {
        case .string: return [huge, .bool(true), .array([]), .object(JSONObject()), .null]
        case .number: return [.string("1"), .bool(false), .object(JSONObject())]
        case .bool: return [.string("true"), .number("1"), .null]
        case .null: return [.string(""), .array([.null])]
        case .array: return [.object(JSONObject()), .string("[]"), .number("0"), .null]
        case .object: return [.array([]), .string("{}"), .number("18446744073709551616"), .null]
        }
    }
}

/// Byte mutations in the style of a fuzzer's havoc stage: each keeps the body's framing
/// honest (the Content-Length is computed after mutating) and breaks its content.
enum ByteMutator {
    /// Bytes that change the structure of JSON when they land somewhere new.
    static let interesting: [UInt8] = Array(#"{}[]":,\-+.0123456789eEnulltruefalse"#.utf8) + [0x00, 0x80, 0xC0, 0xFF]

    static func mutate(_ input: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        let rounds = Int.random(in: 1...8, using: &random)
        for _ in 0..<rounds where !bytes.isEmpty {
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0:
                bytes[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
            case 1:
                bytes[at] = UInt8.random(in: 0...255, using: &random)
            case 2:
                bytes[at] = interesting.randomElement(using: &random)!
            case 3:
                bytes.remove(at: at)
            case 4:
                bytes.insert(interesting.randomElement(using: &random)!, at: at)
            case 5:
                // Repeat a slice: duplicate keys, doubled brackets, runs of digits.
                let end = min(bytes.count, at + Int.random(in: 1...64, using: &random))
                bytes.insert(contentsOf: bytes[at..<end], at: end)
            default:
                // Cut the body short.
                bytes.removeSubrange(at...)
            }
        }
        return bytes
    }
}
