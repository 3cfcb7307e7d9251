extension WebhookConfiguration {
    static let topLevelKeys = ["volumes", "defaultVolumes", "zones", "placement", "zoneLabel", "validation", "aws"]
    static let volumeKeys = ["claimName", "mountPath", "readOnly", "subnetId", "zone", "fileSystemId"]
    static let awsKeys = ["region", "endpointURL", "cacheTTL", "lookupBudget"]
    static let validationKeys = ["unknownParameters", "enforcement", "rules"]

    /// Reads and checks a configuration document (the YAML file, already parsed).
    ///
    /// Every problem is fatal: a half-understood configuration would inject the wrong
    /// volumes into every training Job, so it is refused with the key and the fix.
    /// `null` (an empty file) is the default configuration.
    public init(json: JSONValue) throws(ConfigurationError) {
        if json.isNull {
            self = .default
            return
        }
        guard let root = json.objectValue else {
            throw ConfigurationError(
                key: "", problem: "the configuration is a \(json.typeName), not a mapping",
                fix: "write keys such as volumes:, zones:, placement: at the top level")
        }
        try Self.rejectUnknownKeys(root, allowed: Self.topLevelKeys, at: "")

        var placement = Placement.required
        if let value = root["placement"] {
            placement = try Self.enumValue(value, key: "placement", as: Placement.self)
        }

        var zoneLabel = "topology.kubernetes.io/zone"
        if let value = root["zoneLabel"] {
            zoneLabel = try Self.string(value, key: "zoneLabel")
            guard Self.isLabelKey(zoneLabel) else {
                throw ConfigurationError(
                    key: "zoneLabel", problem: "\(JSONWriter.quoted(zoneLabel)) is not a node label key",
                    fix: "use a label such as topology.kubernetes.io/zone")
            }
        }

        var unknownParameters = UnknownParameterPolicy.warn
        var enforcement = Enforcement.deny
        var rules: [RuleID: RuleSetting] = [:]
        if let value = root["validation"], !value.isNull {
            guard let validation = value.objectValue else {
                throw ConfigurationError(
                    key: "validation", problem: "must be a mapping, found a \(value.typeName)",
                    fix: "write validation: {unknownParameters: warn}")
            }
            try Self.rejectUnknownKeys(validation, allowed: Self.validationKeys, at: "validation")
            if let policy = validation["unknownParameters"] {
                unknownParameters = try Self.enumValue(
                    policy, key: "validation.unknownParameters", as: UnknownParameterPolicy.self)
            }
            if let value = validation["enforcement"], !value.isNull {
                enforcement = try Self.enumValue(value, key: "validation.enforcement", as: Enforcement.self)
            }
            if let value = validation["rules"], !value.isNull {
                rules = try Self.ruleSettings(value)
            }
        }

        var aws: AWSSettings?
        if let value = root["aws"] { aws = try Self.awsSettings(value) }

        var zones: [String: String] = [:]
        if let value = root["zones"], !value.isNull {
            guard let map = value.objectValue else {
                throw ConfigurationError(
                    key: "zones", problem: "must be a mapping of subnet ID to zone, found a \(value.typeName)",
                    fix: "write zones: {subnet-0123456789abcdef0: us-west-2a}")
            }
            for member in map.members {
                let key = "zones.\(member.key)"
                guard Patterns.isAWSID(member.key, prefix: "subnet-") else {
                    throw ConfigurationError(
                        key: key, problem: "\(JSONWriter.quoted(member.key)) is not a subnet ID",
                        fix: "use the form subnet-0123456789abcdef0")
                }
                let zone = try Self.string(member.value, key: key)
                try Self.checkZone(zone, key: key)
                zones[member.key] = zone
            }
        }

        var volumes: [Volume] = []
        if let value = root["volumes"], !value.isNull {
            guard let map = value.objectValue else {
                throw ConfigurationError(
                    key: "volumes", problem: "must be a mapping of volume name to settings, found a \(value.typeName)",
                    fix: "write volumes: {training-data: {claimName: ..., mountPath: ...}}")
            }
            var mountPaths: [String: String] = [:]
            for member in map.members {
                let volume = try Self.volume(
                    named: member.key, member.value, zones: zones, placement: placement, aws: aws != nil)
                if let other = mountPaths[volume.mountPath] {
                    throw ConfigurationError(
                        key: "volumes.\(member.key).mountPath",
                        problem: "\(JSONWriter.quoted(volume.mountPath)) is also the mountPath of volume \(other)",
                        fix: "give each volume its own mountPath")
                }
                mountPaths[volume.mountPath] = volume.name
                volumes.append(volume)
            }
        }

        var defaultVolumes: [String] = []
        if let value = root["defaultVolumes"], !value.isNull {
            guard let list = value.arrayValue else {
                throw ConfigurationError(
                    key: "defaultVolumes", problem: "must be a list of volume names, found a \(value.typeName)",
                    fix: "write defaultVolumes: [training-data]")
            }
            for (index, item) in list.enumerated() {
                let key = "defaultVolumes[\(index)]"
                let name = try Self.string(item, key: key)
                guard volumes.contains(where: { $0.name == name }) else {
                    let hint =
                        Suggestion.nearest(to: name, among: volumes.map(\.name)).map { "did you mean \($0)? " } ?? ""
                    throw ConfigurationError(
                        key: key, problem: "\(JSONWriter.quoted(name)) is not a volume defined under volumes",
                        fix: "\(hint)name one of: \(volumes.map(\.name).joined(separator: ", "))")
                }
                if !defaultVolumes.contains(name) { defaultVolumes.append(name) }
            }
        }

        self.init(
            volumes: volumes, defaultVolumes: defaultVolumes, zones: zones, placement: placement,
            zoneLabel: zoneLabel, unknownParameters: unknownParameters, enforcement: enforcement, rules: rules,
            aws: aws)
    }

    /// `validation.rules`: rule id to deny, warn or off. `off` also arrives as the YAML 1.1
    /// boolean `false`, which is what an unquoted `off` is and what Helm's `toYaml` writes.
    static func ruleSettings(_ value: JSONValue) throws(ConfigurationError) -> [RuleID: RuleSetting] {
        guard let map = value.objectValue else {
            throw ConfigurationError(
                key: "validation.rules",
                problem: "must be a mapping of rule id to deny, warn or off, found a \(value.typeName)",
                fix: "write rules: {throughput-values: warn}")
        }
        var rules: [RuleID: RuleSetting] = [:]
        for member in map.members {
            let key = "validation.rules.\(member.key)"
            let id = RuleID(rawValue: member.key)
            if RuleID.workloadRules.contains(id) {
                throw ConfigurationError(
                    key: key,
                    problem:
                        "\(member.key) is a workload mutation rule, which is never relaxed (a Job that cannot get its volumes must not start without them)",
                    fix: "remove it; rules: takes the StorageClass and PersistentVolume rule ids of docs/rules.md")
            }
            guard RuleID.validationRules.contains(id) else {
                throw ConfigurationError(
                    key: key, problem: "\(JSONWriter.quoted(member.key)) is not a rule id",
                    fix: nearestRuleText(member.key))
            }
            if member.value.boolValue == false {
                rules[id] = .off
                continue
            }
            rules[id] = try enumValue(member.value, key: key, as: RuleSetting.self)
        }
        return rules
    }

    /// "did you mean …?" for a plausible typo, else the nearest id all the same: a list of
    /// some sixty ids helps less than one to compare with.
    static func nearestRuleText(_ word: String) -> String {
        let ids = RuleID.validationRules.map(\.rawValue)
        if let near = Suggestion.nearest(to: word, among: ids) { return "did you mean \(near)? (ids: docs/rules.md)" }
        let nearest = ids.min { a, b in
            let (x, y) = (Suggestion.editDistance(word, a), Suggestion.editDistance(word, b))
            return x != y ? x < y : a < b
        }
        return "the nearest rule id is \(nearest ?? ""); every id is in docs/rules.md"
    }

    static func volume(
        named name: String, _ value: JSONValue, zones: [String: String], placement: Placement, aws: Bool = false
    ) throws(ConfigurationError) -> Volume {
        let at = "volumes.\(name)"
        guard Patterns.isDNSLabel(name) else {
            throw ConfigurationError(
                key: at, problem: "\(JSONWriter.quoted(name)) cannot be a pod volume name",
                fix: "use lowercase letters, digits and '-', at most 63 characters (it becomes the pod volume's name)")
        }
        guard let settings = value.objectValue else {
            throw ConfigurationError(
                key: at, problem: "must be a mapping, found a \(value.typeName)",
                fix: "give claimName and mountPath")
        }
        try rejectUnknownKeys(settings, allowed: volumeKeys, at: at)

        guard let claimValue = settings["claimName"] else {
            throw ConfigurationError(
                key: "\(at).claimName", problem: "is missing",
                fix: "name the PersistentVolumeClaim (in the Job's namespace) that holds this volume")
        }
        let claimName = try string(claimValue, key: "\(at).claimName")
        guard Patterns.isDNSSubdomain(claimName) else {
            throw ConfigurationError(
                key: "\(at).claimName", problem: "\(JSONWriter.quoted(claimName)) is not a valid claim name",
                fix: "use lowercase letters, digits, '-' and '.'")
        }

        guard let pathValue = settings["mountPath"] else {
            throw ConfigurationError(
                key: "\(at).mountPath", problem: "is missing", fix: "give an absolute path such as /data")
        }
        let mountPath = try string(pathValue, key: "\(at).mountPath")
        guard mountPath.hasPrefix("/") else {
            throw ConfigurationError(
                key: "\(at).mountPath", problem: "\(JSONWriter.quoted(mountPath)) is a relative path",
                fix: "give an absolute path such as /\(mountPath.isEmpty ? "data" : mountPath)")
        }
        guard !mountPath.split(separator: "/").contains("..") else {
            throw ConfigurationError(
                key: "\(at).mountPath", problem: "\(JSONWriter.quoted(mountPath)) contains '..'",
                fix: "give a path without '..' (Kubernetes refuses it)")
        }

        var readOnly = false
        if let value = settings["readOnly"], !value.isNull {
            guard let flag = value.boolValue else {
                throw ConfigurationError(
                    key: "\(at).readOnly", problem: "must be true or false, found a \(value.typeName)",
                    fix: "write readOnly: true or readOnly: false")
            }
            readOnly = flag
        }

        var subnetId: String?
        if let value = settings["subnetId"], !value.isNull {
            let subnet = try string(value, key: "\(at).subnetId")
            guard Patterns.isAWSID(subnet, prefix: "subnet-") else {
                throw ConfigurationError(
                    key: "\(at).subnetId", problem: "\(JSONWriter.quoted(subnet)) is not a subnet ID",
                    fix: "use the form subnet-0123456789abcdef0")
            }
            subnetId = subnet
        }

        var zone: String?
        if let value = settings["zone"], !value.isNull {
            let given = try string(value, key: "\(at).zone")
            try checkZone(given, key: "\(at).zone")
            zone = given
        }

        if let value = settings["fileSystemId"], !value.isNull {
            let fileSystemId = try string(value, key: "\(at).fileSystemId")
            guard Patterns.isAWSID(fileSystemId, prefix: "fs-") else {
                throw ConfigurationError(
                    key: "\(at).fileSystemId", problem: "\(JSONWriter.quoted(fileSystemId)) is not a file system ID",
                    fix: "use the form fs-0123456789abcdef0")
            }
            if settings["zone"].map({ !$0.isNull }) == true || subnetId != nil {
                throw ConfigurationError(
                    key: "\(at).fileSystemId",
                    problem:
                        "is given with \(subnetId != nil ? "subnetId" : "zone"), but the zone of \(fileSystemId) comes from AWS",
                    fix: "keep fileSystemId alone, or remove it and keep \(subnetId != nil ? "subnetId" : "zone")")
            }
            guard aws else {
                throw ConfigurationError(
                    key: "\(at).fileSystemId",
                    problem: "needs AWS to find the file system's zone, but there is no aws: section",
                    fix: "add aws: {region: us-west-2} (read-only EC2 and FSx access), or give zone: instead")
            }
            return Volume(
                name: name, claimName: claimName, mountPath: mountPath, readOnly: readOnly, fileSystemId: fileSystemId)
        }

        if let subnetId {
            if let mapped = zones[subnetId] {
                if let zone, zone != mapped {
                    throw ConfigurationError(
                        key: "\(at).zone",
                        problem: "\(zone) contradicts zones.\(subnetId), which says \(mapped)",
                        fix: "remove one of them or make them agree")
                }
                zone = mapped
            } else if zone == nil {
                throw ConfigurationError(
                    key: "\(at).subnetId", problem: "the zone of \(subnetId) is unknown",
                    fix: "add zones: {\(subnetId): <zone>} or give zone: directly")
            }
        }
        if zone == nil && placement != .none {
            throw ConfigurationError(
                key: at, problem: "has no zone, so Jobs using it cannot be placed (placement is \(placement.rawValue))",
                fix: "give zone: (e.g. us-west-2a) or subnetId: with a zones: entry, or set placement: none")
        }
        return Volume(
            name: name, claimName: claimName, mountPath: mountPath, readOnly: readOnly, subnetId: subnetId, zone: zone)
    }

    static func awsSettings(_ value: JSONValue) throws(ConfigurationError) -> AWSSettings {
        var settings = AWSSettings()
        // `aws:` with nothing under it turns the checks on with the defaults.
        if value.isNull { return settings }
        guard let section = value.objectValue else {
            throw ConfigurationError(
                key: "aws", problem: "must be a mapping, found a \(value.typeName)",
                fix: "write aws: {region: us-west-2, lookupBudget: 500ms}")
        }
        try rejectUnknownKeys(section, allowed: awsKeys, at: "aws")
        if let value = section["region"], !value.isNull {
            let region = try string(value, key: "aws.region")
            guard isRegion(region) else {
                throw ConfigurationError(
                    key: "aws.region", problem: "\(JSONWriter.quoted(region)) is not an AWS region name",
                    fix: "use a region such as us-west-2, or leave it out to use AWS_REGION or the instance's region")
            }
            settings.region = region
        }
        if let value = section["endpointURL"], !value.isNull {
            let url = try string(value, key: "aws.endpointURL")
            if !url.isEmpty {
                guard url.hasPrefix("https://") || url.hasPrefix("http://"), url.utf8.count > 8,
                    !url.utf8.contains(where: { $0 <= 0x20 })
                else {
                    throw ConfigurationError(
                        key: "aws.endpointURL", problem: "\(JSONWriter.quoted(url)) is not an http(s) URL",
                        fix: "write the endpoint as https://host[:port], or leave it empty for AWS's own endpoints")
                }
                settings.endpointURL = url
            }
        }
        if let value = section["cacheTTL"], !value.isNull {
            // Below 10 s the background refresh would ask AWS all the time; above a day,
            // a deleted subnet would be trusted far too long.
            settings.cacheTTL = try duration(
                value, key: "aws.cacheTTL", example: "10m", range: .seconds(10) ... .seconds(86_400))
        }
        if let value = section["lookupBudget"], !value.isNull {
            // The apiserver gives a webhook 10 s by default (the chart sets less); the budget
            // must leave time to decide and answer, and 0 would never ask AWS at all.
            settings.lookupBudget = try duration(
                value, key: "aws.lookupBudget", example: "500ms", range: .milliseconds(10) ... .seconds(5))
        }
        return settings
    }

    /// `us-west-2`, `ap-southeast-1`, `us-gov-west-1`, `eu-isoe-west-1`: letters in
    /// dash-separated groups, then a number.
    static func isRegion(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let number = parts.last, !number.isEmpty, number.count <= 2,
            number.utf8.allSatisfy(Patterns.isDigit)
        else { return false }
        return parts.dropLast().allSatisfy { part in
            !part.isEmpty && part.utf8.count <= 12 && part.utf8.allSatisfy { $0 >= 0x61 && $0 <= 0x7A }
        }
    }

    /// A duration written with units, as Kubernetes and Go write them: `500ms`, `30s`, `10m`,
    /// `1h`, `1m30s`. A bare number is refused: seconds or milliseconds would be a guess.
    static func duration(
        _ value: JSONValue, key: String, example: String, range: ClosedRange<Duration>
    ) throws(ConfigurationError) -> Duration {
        let text = value.stringValue ?? ""
        guard let parsed = parseDuration(text) else {
            let shown = value.stringValue.map { JSONWriter.quoted($0) } ?? "a \(value.typeName)"
            throw ConfigurationError(
                key: key, problem: "\(shown) is not a duration with a unit",
                fix: "write a number and a unit (ms, s, m, h), such as \(example)")
        }
        guard range.contains(parsed) else {
            throw ConfigurationError(
                key: key, problem: "\(JSONWriter.quoted(text)) is out of range",
                fix: "use a duration from \(describe(range.lowerBound)) to \(describe(range.upperBound))")
        }
        return parsed
    }

    static func parseDuration(_ text: String) -> Duration? {
        var total = Duration.zero
        var bytes = text.utf8[...]
        guard !bytes.isEmpty else { return nil }
        while !bytes.isEmpty {
            let digits = bytes.prefix(while: Patterns.isDigit)
            guard !digits.isEmpty, digits.count <= 9 else { return nil }
            let number = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) }
            bytes = bytes.dropFirst(digits.count)
            let unit = bytes.prefix { !Patterns.isDigit($0) }
            bytes = bytes.dropFirst(unit.count)
            switch String(decoding: unit, as: UTF8.self) {
            case "ms": total += .milliseconds(number)
            case "s": total += .seconds(number)
            case "m": total += .seconds(number * 60)
            case "h": total += .seconds(number * 3600)
            default: return nil
            }
        }
        return total
    }

    static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }

    static func rejectUnknownKeys(_ object: JSONObject, allowed: [String], at prefix: String) throws(ConfigurationError)
    {
        for key in object.keys where !allowed.contains(key) {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            let fix =
                Suggestion.nearest(to: key, among: allowed).map { "did you mean \($0)?" }
                ?? "known keys here: \(allowed.joined(separator: ", "))"
            throw ConfigurationError(key: path, problem: "unknown key", fix: fix)
        }
    }

    static func string(_ value: JSONValue, key: String) throws(ConfigurationError) -> String {
        guard let string = value.stringValue else {
            throw ConfigurationError(
                key: key, problem: "must be a string, found a \(value.typeName)",
                fix: "quote the value")
        }
        return string
    }

    static func enumValue<E: RawRepresentable & CaseIterable>(
        _ value: JSONValue, key: String, as type: E.Type
    ) throws(ConfigurationError) -> E where E.RawValue == String {
        let allowed = E.allCases.map(\.rawValue)
        guard let text = value.stringValue, let result = E(rawValue: text) else {
            let shown = value.stringValue.map { JSONWriter.quoted($0) } ?? "a \(value.typeName)"
            throw ConfigurationError(
                key: key, problem: "\(shown) is not allowed", fix: "use one of: \(allowed.joined(separator: ", "))")
        }
        return result
    }

    static func checkZone(_ zone: String, key: String) throws(ConfigurationError) {
        let ok =
            !zone.isEmpty && zone.utf8.count <= 63
            && zone.utf8.allSatisfy { Patterns.isDigit($0) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == UInt8(ascii: "-") }
            && zone.utf8.last.map { $0 >= 0x61 && $0 <= 0x7A } == true
        guard ok else {
            throw ConfigurationError(
                key: key, problem: "\(JSONWriter.quoted(zone)) is not an availability zone name",
                fix: "use the zone name nodes carry in their zone label, such as us-west-2a")
        }
    }

    /// A Kubernetes label key: optional DNS-subdomain prefix and '/', then a name of 1–63
    /// alphanumerics, '-', '_' or '.', starting and ending alphanumeric.
    static func isLabelKey(_ key: String) -> Bool {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let name = parts.last else { return false }
        if parts.count == 2, !Patterns.isDNSSubdomain(String(parts[0])) { return false }
        let u = Array(name.utf8)
        guard !u.isEmpty, u.count <= 63 else { return false }
        func alnum(_ b: UInt8) -> Bool { Patterns.isDigit(b) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) }
        guard alnum(u.first!), alnum(u.last!) else { return false }
        return u.allSatisfy {
            alnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
    }
}
