// libFuzzer target for the manifest reader: bytes in as a file the CLI reads
// (`fsx-webhook check`, `mutate`, `--config`), through `ManifestReader` (JSON or YAML) and
// `YAMLDocuments.parse`. A crash or a broken invariant (`fatalError`) is a finding; a
// `ManifestError` is a normal outcome.
//
// Built and run by scripts/fuzz.sh; see docs/reliability.md.

import FSXCore
import FSXManifests

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The CLI's path: encoding check, JSON or YAML, Kubernetes objects and Lists.
    _ = try? ManifestReader.manifests(in: bytes, source: "fuzz.yaml")

    guard let text = try? FileReader.text(bytes, source: "fuzz.yaml"),
        let values = try? YAMLDocuments.parse(text)
    else { return 0 }
    for value in values {
        // What the YAML reader produces is sent on as JSON: it must survive that unchanged.
        let json = JSONWriter.bytes(value)
        guard let again = try? JSONParser.parse(json) else {
            fail("a document is not writable as JSON: \(String(decoding: json, as: UTF8.self))", text)
        }
        check(again == value, "a document changed through JSON", text)
    }
    // `fsx-webhook mutate` writes YAML back: reading it again must give the same documents.
    let emitted = YAMLEmitter.stream(values)
    let reread: [JSONValue]
    do {
        reread = try YAMLDocuments.parse(emitted)
    } catch {
        fail("emitted YAML does not read back: \(error)\nemitted:\n\(emitted)", text)
    }
    check(reread == values, "emitted YAML reads back differently:\n\(emitted)", text)
    return 0
}

func check(_ condition: Bool, _ message: @autoclosure () -> String, _ text: String) {
    if !condition { fail(message(), text) }
}

func fail(_ message: String, _ text: String) -> Never {
    fatalError("invariant broken: \(message)\ninput:\n\(String(text.prefix(4096)))")
}
