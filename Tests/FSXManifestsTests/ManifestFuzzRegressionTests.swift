import FSXCore
import Foundation
import Testing

@testable import FSXManifests

/// Inputs Fuzz/ManifestFuzzer found (kept in Fuzz/regressions/manifest, which the fuzzer also
/// uses as seeds), each once a crash or a broken invariant, run through the fuzzer's checks.
@Suite struct ManifestFuzzRegressionTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Fuzz/regressions/manifest").standardized

    static var inputs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    @Test func regressionInputsAreThere() {
        #expect(Self.inputs.contains("long-implicit-key.yaml"))
    }

    /// What the reader produces survives JSON, and what `mutate` writes reads back the same.
    @Test(arguments: inputs)
    func readsBackWhatItWrites(_ name: String) throws {
        let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent(name)))
        _ = try? ManifestReader.manifests(in: bytes, source: name)
        let values = try YAMLDocuments.parse(try FileReader.text(bytes, source: name))
        for value in values {
            #expect(try JSONParser.parse(JSONWriter.bytes(value)) == value)
        }
        let emitted = YAMLEmitter.stream(values)
        #expect(try YAMLDocuments.parse(emitted) == values, "\(emitted)")
    }
}
