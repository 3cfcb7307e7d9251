import FSXJSON

extension JSONView {
    /// An object's members as `JSONValue(view)` holds them: each key once, where it first
    /// appears, with its last value (Go's `encoding/json` reads a repeated key so, and so
    /// does the apiserver). Validators that walk every key read this, so that a body and the
    /// value built from it are judged alike. Empty for anything but an object.
    var distinctMembers: DistinctMembers { DistinctMembers(self) }

    /// Kubernetes objects never repeat a key: that is checked first, on the keys' bytes, and
    /// the members are then read in place; only an object with a repeat is gathered.
    struct DistinctMembers: Sequence, IteratorProtocol {
        private var inPlace: JSONView.Members
        private var gathered: [(key: JSONView, value: JSONView)]?
        private var index = 0

        init(_ object: JSONView) {
            inPlace = object.members
            guard object.hasRepeatedKeys else { return }
            var members: [(key: JSONView, value: JSONView)] = []
            var positions: [[UInt8]: Int] = [:]
            for member in object.members {
                let text = member.key.textBytes
                if let position = positions[text] {
                    members[position].value = member.value
                } else {
                    positions[text] = members.count
                    members.append(member)
                }
            }
            gathered = members
        }

        mutating func next() -> (key: JSONView, value: JSONView)? {
            guard let gathered else { return inPlace.next() }
            guard index < gathered.count else { return nil }
            defer { index += 1 }
            return gathered[index]
        }
    }

    /// Whether the string's escapes must be decoded before its bytes are its text.
    var hasEscapes: Bool { entries[position].escaped }

    /// Whether this is a string whose text starts with `prefix`, byte for byte.
    func isString(withPrefix prefix: String) -> Bool {
        guard isString else { return false }
        if hasEscapes { return unescaped().starts(with: prefix.utf8) }
        return rawBytes.starts(with: prefix.utf8)
    }
}
