import CYaml

/// Refuses mapping keys that are lists or mappings, before Yams composes the stream.
///
/// Why this exists: Yams checks every mapping for duplicate keys by hashing the key nodes,
/// and a node's hash walks its whole subtree, following aliases into the anchored node each
/// time. A key that is an alias of a deeply nested, alias-built collection ("billion laughs"
/// in key position) therefore costs exponential time inside `Parser.nextRoot()`, where no
/// value budget of ours can stop it: a few hundred bytes kept `check` busy for most of a
/// minute. Kubernetes cannot use such keys anyway (sigs.k8s.io/yaml converts to JSON, whose
/// keys are strings), and `Converter.key` already refuses them; this pass refuses them
/// earlier, from libyaml's event stream, before any node is built or hashed.
///
/// The pass runs only when the text contains `*` (no alias, no sharing, and hashing a key is
/// then linear in its size). It uses the same libyaml that Yams parses with, so both read the
/// same document structure; syntax errors are left for Yams to report with its own message.
enum YAMLKeyGuard {
    static func check(_ text: String) throws(ManifestError) {
        guard text.utf8.contains(UInt8(ascii: "*")) else { return }
        var text = text
        // libyaml reads from a buffer that must outlive the parser: the closure keeps both
        // inside one scope, and the parser is deleted before the buffer goes away.
        let failure: ManifestError? = text.withUTF8 { bytes in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
            var walk = Walk()
            while true {
                var event = yaml_event_t()
                // A syntax error: Yams will report it, with its line, on the real parse.
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return nil }
                if let failure = walk.step(event) { return failure }
            }
        }
        if let failure { throw failure }
    }

    /// Where the event stream is: for each open collection, whether it is a mapping and, if
    /// so, whether its next node is a key; and which anchors name collections.
    struct Walk {
        var open: [(isMapping: Bool, expectsKey: Bool)] = []
        var collectionAnchors: Set<String> = []

        mutating func step(_ event: yaml_event_t) -> ManifestError? {
            let line = Int(event.start_mark.line) + 1
            switch event.type {
            case YAML_SCALAR_EVENT:
                // An anchor may be defined again; the latest definition is the one aliases use.
                if let name = Self.name(event.data.scalar.anchor) { collectionAnchors.remove(name) }
                nodeDone()
            case YAML_ALIAS_EVENT:
                if atKey, let name = Self.name(event.data.alias.anchor), collectionAnchors.contains(name) {
                    return Self.refusal(line)
                }
                nodeDone()
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                if atKey { return Self.refusal(line) }
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                if let name = Self.name(anchor) { collectionAnchors.insert(name) }
                open.append((isMapping, true))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                _ = open.popLast()
                nodeDone()
            case YAML_DOCUMENT_START_EVENT:
                // Anchors are scoped to their document.
                collectionAnchors.removeAll()
            default:
                break
            }
            return nil
        }

        var atKey: Bool { open.last.map { $0.isMapping && $0.expectsKey } ?? false }

        /// A whole node ended: in a mapping, keys and values alternate.
        mutating func nodeDone() {
            guard let last = open.indices.last, open[last].isMapping else { return }
            open[last].expectsKey.toggle()
        }

        static func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            anchor.map { String(cString: $0) }
        }

        static func refusal(_ line: Int) -> ManifestError {
            ManifestError("line \(line): a mapping key must be a plain value, not a list or a mapping")
        }
    }
}
