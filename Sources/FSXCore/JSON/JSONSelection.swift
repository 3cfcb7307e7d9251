/// Which parts of a JSON value a decision reads. The parser builds those parts and only
/// validates the rest (`JSONParser.Cursor.parseValue(depth:selection:)`), so a Job's env
/// vars, managedFields or a megabyte annotation cost a scan, not a tree of values.
///
/// A value whose type does not match its selection (an array where an object's members are
/// selected) is built whole: the decision will report it, and may quote its type.
indirect enum JSONSelection: Sendable {
    /// The whole value.
    case everything
    /// For an object: the `named` members with their selections, and every other member
    /// with `others` (none when `nil`).
    case object(named: [Member], others: JSONSelection?)
    /// For an array: every element with this selection.
    case array(JSONSelection)

    struct Member: Sendable {
        var key: String
        /// `key` as UTF-8, compared with the raw bytes of keys before any string is made.
        var utf8: [UInt8]
        /// The parser's hash of `key`, so a matched key costs no string and no hashing.
        var hash: UInt64
        /// The first 8 bytes of `utf8` (all of a shorter key, zero-padded) and its length,
        /// which the parser compares first.
        var head: UInt64
        /// Bytes 8 to 15 of `utf8`, zero-padded: with `head`, all of a key of up to 16 bytes.
        var tail: UInt64
        var count: Int
        var selection: JSONSelection

        init(key: String, selection: JSONSelection) {
            self.key = key
            self.utf8 = Array(key.utf8)
            self.hash = utf8.withUnsafeBytes { JSONParser.Cursor.hash($0) }
            self.head = 0
            for (offset, byte) in utf8.prefix(8).enumerated() { head |= UInt64(byte) << UInt64(offset * 8) }
            self.tail = 0
            for (offset, byte) in utf8.dropFirst(8).prefix(8).enumerated() {
                tail |= UInt64(byte) << UInt64(offset * 8)
            }
            self.count = utf8.count
            self.selection = selection
        }
    }

    /// An object's `named` members with their selections, nothing else.
    static func members(_ named: [(String, JSONSelection)]) -> JSONSelection {
        .object(named: named.map { Member(key: $0.0, selection: $0.1) }, others: nil)
    }

    /// An object's members, each whole.
    static func members(_ keys: [String]) -> JSONSelection {
        members(keys.map { ($0, .everything) })
    }

    /// Every member of an object, each with `selection`.
    static func eachMember(_ selection: JSONSelection) -> JSONSelection {
        .object(named: [], others: selection)
    }

    /// The selection of the member `key`, if it is read.
    func member(_ key: String) -> JSONSelection? {
        guard case .object(let named, let others) = self else { return .everything }
        for member in named where member.key == key { return member.selection }
        return others
    }

    /// What both selections read.
    func union(_ other: JSONSelection) -> JSONSelection {
        switch (self, other) {
        case (.array(let a), .array(let b)):
            return .array(a.union(b))
        case (.object(let named, let others), .object(let otherNamed, let otherOthers)):
            var merged: [Member] = []
            for member in named {
                var member = member
                if let match = otherNamed.first(where: { $0.key == member.key }) {
                    member.selection = member.selection.union(match.selection)
                } else if let otherOthers {
                    member.selection = member.selection.union(otherOthers)
                }
                merged.append(member)
            }
            for member in otherNamed where !named.contains(where: { $0.key == member.key }) {
                var member = member
                if let others { member.selection = member.selection.union(others) }
                merged.append(member)
            }
            let mergedOthers: JSONSelection?
            switch (others, otherOthers) {
            case (nil, nil): mergedOthers = nil
            case (let a?, nil): mergedOthers = a
            case (nil, let b?): mergedOthers = b
            case (let a?, let b?): mergedOthers = a.union(b)
            }
            return .object(named: merged, others: mergedOthers)
        default:
            // `everything` with anything, or an object's members with an array's elements:
            // a value is one or the other, so keep all of it.
            return .everything
        }
    }
}
