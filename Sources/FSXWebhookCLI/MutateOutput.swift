import FSXCore
import FSXManifests

/// The three outputs of `mutate`.
enum MutateOutput {
    /// The stored objects as a YAML stream, `---` between documents.
    static func yaml(_ results: [MutationResult]) -> String {
        YAMLEmitter.stream(results.compactMap(\.stored))
    }

    /// One object alone, or several in a `v1` `List`, as `kubectl get -o json` prints them.
    static func json(_ results: [MutationResult]) -> String {
        let objects = results.compactMap(\.stored)
        let document: JSONValue =
            objects.count == 1
            ? objects[0]
            : ["apiVersion": "v1", "kind": "List", "items": .array(objects)]
        return JSONWriter.string(document, style: .pretty) + "\n"
    }

    /// One entry per object, with its source and its patch (empty when nothing changes).
    static func patches(_ results: [MutationResult]) -> String {
        let entries: [JSONValue] = results.map { result in
            let manifest = result.manifest
            let type = manifest.type
            return [
                "source": .string(manifest.source),
                "document": .int(manifest.document),
                "item": manifest.item.map { .int($0) } ?? .null,
                "apiVersion": .string(type.apiVersion),
                "kind": .string(type.kind),
                "namespace": .string(manifest.namespace),
                "name": .string(manifest.name),
                "outcome": .string(result.decision.outcome.rawValue),
                "patch": result.decision.patch.json,
            ]
        }
        return JSONWriter.string(.array(entries), style: .pretty) + "\n"
    }
}
