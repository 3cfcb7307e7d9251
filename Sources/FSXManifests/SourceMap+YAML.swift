import Yams

extension SourceMap.Node {
    /// The positions of a composed YAML node, keyed as `Converter` keys the object: run on a
    /// node the converter has accepted, so its depth and alias expansion are within limits.
    /// Aliases point at their anchor; merged (`<<`) members follow the mapping's own keys,
    /// so a key written in the mapping wins, as it does in the object.
    init(yaml node: Node) {
        let position = SourcePosition(yaml: node.mark)
        switch node {
        case .scalar, .alias:
            self = .scalar(position)
        case .sequence(let sequence):
            self = .sequence(position, sequence.map { SourceMap.Node(yaml: $0) })
        case .mapping(let mapping):
            var members: [SourceMap.Member] = []
            var merged: [SourceMap.Member] = []
            for (key, value) in mapping {
                if Converter.isMergeKey(key) {
                    merged += Self.mergeMembers(value)
                } else if let name = try? Converter.key(key) {
                    members.append(
                        SourceMap.Member(
                            key: name, keyPosition: SourcePosition(yaml: key.mark), value: SourceMap.Node(yaml: value)))
                }
            }
            self = .mapping(position, members + merged)
        }
    }

    static func mergeMembers(_ node: Node) -> [SourceMap.Member] {
        switch SourceMap.Node(yaml: node) {
        case .mapping(_, let members):
            return members
        case .sequence(_, let sources):
            return sources.flatMap { source -> [SourceMap.Member] in
                guard case .mapping(_, let members) = source else { return [] }
                return members
            }
        case .scalar:
            return []
        }
    }
}

extension SourcePosition {
    init(yaml mark: Mark?) {
        self.init(line: mark?.line ?? 1, column: mark?.column ?? 1)
    }
}
