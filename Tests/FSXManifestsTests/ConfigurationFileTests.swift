import FSXCore
import Foundation
import Testing

@testable import FSXManifests

/// A bad configuration stops the program with the file, the key and the fix.
struct ConfigurationFileTests {
    struct BadCase: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        var key: String
        var mentions: String
        var testDescription: String { name }
    }

    static let volume = "    claimName: training-data\n    mountPath: /data\n    zone: us-west-2a\n"

    static let badCases: [BadCase] = [
        .init(
            name: "unknown key with a suggestion", yaml: "placment: required\n", key: "placment",
            mentions: "did you mean placement?"),
        .init(
            name: "unknown volume key with a suggestion",
            yaml: "volumes:\n  data:\n\(volume)    readonly: true\n", key: "volumes.data.readonly",
            mentions: "readOnly"),
        .init(
            name: "relative mountPath",
            yaml: "volumes:\n  data:\n    claimName: training-data\n    mountPath: data\n    zone: us-west-2a\n",
            key: "volumes.data.mountPath", mentions: "absolute"),
        .init(
            name: "duplicate mountPath",
            yaml: "volumes:\n  a:\n\(volume)  b:\n\(volume)", key: "mountPath", mentions: "/data"),
        .init(
            name: "zone that cannot be resolved",
            yaml: "volumes:\n  data:\n    claimName: c\n    mountPath: /data\n    subnetId: subnet-0123456789abcdef0\n",
            key: "volumes.data", mentions: "zone"),
        .init(
            name: "placement not in the list", yaml: "placement: sometimes\n", key: "placement", mentions: "required"),
        .init(name: "not a mapping", yaml: "- a\n- b\n", key: "", mentions: "not a mapping"),
        .init(name: "invalid YAML", yaml: "volumes: [\n", key: "", mentions: "invalid YAML"),
    ]

    @Test(arguments: badCases)
    func namesTheFileTheKeyAndTheFix(_ testCase: BadCase) throws {
        let path = try Self.write(testCase.yaml)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            _ = try ConfigurationFile.load(path: path)
        } throws: { error in
            guard let error = error as? ManifestError else { return false }
            return error.message.hasPrefix("\(path): ")
                && (testCase.key.isEmpty || error.message.contains(testCase.key))
                && error.message.contains(testCase.mentions) && !error.message.contains("\n")
        }
    }

    @Test func loadsTheProductExample() throws {
        let path = try Self.write(
            """
            volumes:
              training-data:
                claimName: training-data
                mountPath: /data
                readOnly: true
                subnetId: subnet-0123456789abcdef0
              checkpoints:
                claimName: checkpoint-storage
                mountPath: /checkpoints
                zone: us-west-2a
            defaultVolumes: [training-data]
            zones:
              subnet-0123456789abcdef0: us-west-2a
            placement: required
            zoneLabel: topology.kubernetes.io/zone
            validation:
              unknownParameters: warn
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try ConfigurationFile.load(path: path)
        #expect(configuration.volumes.map(\.name) == ["checkpoints", "training-data"])
        #expect(configuration.volume(named: "training-data")?.zone == "us-west-2a")
        #expect(configuration.volume(named: "training-data")?.readOnly == true)
        #expect(configuration.defaultVolumes == ["training-data"])
    }

    @Test func withoutAPathIsTheBuiltInDefault() throws {
        #expect(try ConfigurationFile.load(path: nil) == .default)
    }

    @Test func missingFileIsAnErrorNamingIt() {
        #expect(throws: ManifestError.self) { _ = try ConfigurationFile.load(path: "/nonexistent/config.yaml") }
    }

    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fsx-config-\(UUID().uuidString).yaml")
            .path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
