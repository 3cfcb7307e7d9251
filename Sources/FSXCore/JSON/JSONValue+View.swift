import FSXJSON

extension JSONValue {
    /// The value a view reads, built whole: for the CLI, the configuration and the parts of
    /// a review a decision keeps. Repeated keys keep the last value, in the place of the
    /// first, as Go's `encoding/json` reads them.
    init(_ view: JSONView) {
        switch view.kind {
        case .null: self = .null
        case .true: self = .bool(true)
        case .false: self = .bool(false)
        case .number: self = .number(view.numberText!)
        case .string: self = .string(view.string!)
        case .array:
            var elements: [JSONValue] = []
            elements.reserveCapacity(view.count)
            for element in view.elements { elements.append(JSONValue(element)) }
            self = .array(elements)
        case .object:
            self = .object(JSONObject(view))
        }
    }
}

extension JSONObject {
    /// The members of an object view. Kubernetes objects never repeat a key; that is
    /// checked on the members' bytes before any string is made, and only a repeat takes
    /// the general path, where the last value wins.
    init(_ view: JSONView) {
        var members: [Member] = []
        members.reserveCapacity(view.count)
        for (key, value) in view.members { members.append(Member(key: key.string!, value: JSONValue(value))) }
        self = view.hasRepeatedKeys ? JSONObject(members) : JSONObject(uniqueMembers: members)
    }
}
