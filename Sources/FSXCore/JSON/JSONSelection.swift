import FSXJSON

/// Which parts of a JSON value a decision reads. Those parts are built from the scanned
/// body (`JSONValue(_:reading:)`) and the rest is left in the bytes, so a Job's env vars,
/// managedFields or a megabyte annotation cost a scan, not a tree of values.
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
        /// `key` as UTF-8, compared with the body's key bytes.
        var utf8: [UInt8]
        var selection: JSONSelection

        init(key: String, selection: JSONSelection) {
            self.key = key
            self.utf8 = Array(key.utf8)
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

extension JSONValue {
    /// What `selection` reads of the value `view` is, built; the members it does not name
    /// are left out.
    init(_ view: JSONView, reading selection: JSONSelection) {
        switch (selection, view.kind) {
        case (.object(let named, let others), .object):
            var members: [JSONObject.Member] = []
            members.reserveCapacity(others == nil ? named.count : view.count)
            for (key, value) in view.members {
                // A named key is given the selection's own string: no string is made for it.
                var chosen: (String, JSONSelection)?
                for member in named where key.isString(utf8: member.utf8) {
                    chosen = (member.key, member.selection)
                    break
                }
                if chosen == nil, let others { chosen = (key.string!, others) }
                guard let (name, selection) = chosen else { continue }
                members.append(JSONObject.Member(key: name, value: JSONValue(value, reading: selection)))
            }
            self = .object(view.hasRepeatedKeys ? JSONObject(members) : JSONObject(uniqueMembers: members))
        case (.array(let elements), .array):
            var built: [JSONValue] = []
            built.reserveCapacity(view.count)
            for element in view.elements { built.append(JSONValue(element, reading: elements)) }
            self = .array(built)
        default:
            // `everything`, or a value whose type does not match its selection: built whole.
            self.init(view)
        }
    }
}
