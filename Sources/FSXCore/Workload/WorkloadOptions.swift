import FSXJSON

/// What an opted-in workload asks for, read from its `fsx-webhook/` label and annotations.
struct WorkloadOptions {
    /// The selected configured volumes, in the order the workload names them.
    var volumes: [WebhookConfiguration.Volume]
    /// The names asked for, known or not.
    var requestedVolumes: [String]
    /// Whether `volumes` came from the annotation rather than `defaultVolumes`.
    var volumesFromAnnotation: Bool
    /// The containers to mount into, or `nil` for every entry of `containers`.
    var containerNames: [String]?
    var placement: WebhookConfiguration.Placement
    /// Whether `placement` came from the annotation rather than the configuration.
    var placementFromAnnotation: Bool
    /// Why the zone of a `fileSystemId` volume is still unknown after `resolveZones`.
    var awsReason: String? = nil

    static let injectLabel = "fsx-webhook/inject"
    static let volumesAnnotation = "fsx-webhook/volumes"
    static let containersAnnotation = "fsx-webhook/containers"
    static let placementAnnotation = "fsx-webhook/placement"
    static let annotations = [volumesAnnotation, containersAnnotation, placementAnnotation]
    static let prefix = "fsx-webhook/"

    static let labelsPointer = JSONPointer(["metadata", "labels"])
    static let injectPointer = labelsPointer.appending(injectLabel)
    static let annotationsPointer = JSONPointer(["metadata", "annotations"])
    static let volumesPointer = annotationsPointer.appending(volumesAnnotation)
    static let containersPointer = annotationsPointer.appending(containersAnnotation)
    static let placementPointer = annotationsPointer.appending(placementAnnotation)

    /// The workload's choices, or `nil` when it does not opt in (or its labels cannot be
    /// read, which `findings` then reports).
    ///
    /// Only an exact `"true"` opts in: the chart's objectSelector matches exactly that, and
    /// the CLI must decide as the server does.
    static func read(
        _ object: JSONView, configuration: WebhookConfiguration, findings: inout WorkloadFindings
    ) -> WorkloadOptions? {
        guard let metadata = object["metadata"].present else { return nil }
        guard metadata.isObject else {
            findings.wrongType(JSONPointer(["metadata"]), found: metadata, expected: "an object")
            return nil
        }
        guard let labels = metadata["labels"].present else { return nil }
        guard labels.isObject else {
            findings.wrongType(labelsPointer, found: labels, expected: "an object of string values")
            return nil
        }
        guard let inject = labels[injectLabel] else { return nil }
        guard inject.isString else {
            findings.wrongType(injectPointer, found: inject, expected: "the string \"true\"")
            return nil
        }
        guard inject.isString("true") else { return nil }
        for (key, value) in labels.members where !value.isString {
            findings.wrongType(labelsPointer.appending(key.string!), found: value, expected: "a string")
        }

        let annotations = readAnnotations(metadata, findings: &findings)
        var options = WorkloadOptions(
            volumes: [], requestedVolumes: [], volumesFromAnnotation: false, containerNames: nil,
            placement: configuration.placement, placementFromAnnotation: false)
        options.readVolumes(annotations.volumes, configuration: configuration, findings: &findings)
        options.readContainers(annotations.containers, findings: &findings)
        options.readPlacement(annotations.placement, findings: &findings)
        return options
    }

    /// The values of this webhook's annotations, where present.
    struct Annotations {
        var volumes: String?
        var containers: String?
        var placement: String?
    }

    /// The string annotations; wrong types are reported, and unknown `fsx-webhook/` keys
    /// are warned about, since a misspelt key would otherwise be silently ignored.
    private static func readAnnotations(_ metadata: JSONView, findings: inout WorkloadFindings) -> Annotations {
        var ours = Annotations()
        guard let annotations = metadata["annotations"].present else { return ours }
        guard annotations.isObject else {
            findings.wrongType(annotationsPointer, found: annotations, expected: "an object of string values")
            return ours
        }
        // Past `Violation.reportedPerList` unknown keys the rest are counted in one warning:
        // each costs a suggestion search.
        var unknown = 0
        for (keyView, value) in annotations.members {
            guard value.isString else {
                findings.wrongType(annotationsPointer.appending(keyView.string!), found: value, expected: "a string")
                continue
            }
            // `prefix` starts with an ASCII letter: a key whose first byte is neither it nor the
            // start of an escape cannot have the prefix, and most keys are dismissed without
            // making their string (or `hasPrefix`'s Unicode comparison).
            guard let first = keyView.rawBytes.first, first == prefix.utf8.first || first == UInt8(ascii: "\\") else {
                continue
            }
            // This webhook's own keys are compared in place; a key is made only to be judged.
            if keyView.hasText(volumesAnnotation) {
                ours.volumes = value.string
                continue
            }
            if keyView.hasText(containersAnnotation) {
                ours.containers = value.string
                continue
            }
            if keyView.hasText(placementAnnotation) {
                ours.placement = value.string
                continue
            }
            let key = keyView.string!
            guard key.hasPrefix(prefix) else { continue }
            unknown += 1
            if unknown <= Violation.reportedPerList {
                let hint =
                    Suggestion.nearest(to: key, among: Self.annotations).map { "; did you mean \($0)?" } ?? ""
                findings.warn(
                    .annotationUnknown, annotationsPointer.appending(key),
                    "\(Violation.quote(key)) is not an fsx-webhook annotation, ignored\(hint)")
            }
        }
        if unknown > Violation.reportedPerList {
            findings.warn(
                .annotationUnknown, annotationsPointer,
                "\(unknown - Violation.reportedPerList) more \(prefix) annotations are not fsx-webhook annotations, ignored"
            )
        }
        return ours
    }

    private mutating func readVolumes(
        _ annotation: String?, configuration: WebhookConfiguration, findings: inout WorkloadFindings
    ) {
        let names: [String]
        if let annotation {
            // An empty annotation selects nothing rather than the defaults: it is what a
            // template renders for an empty list, and quietly adding volumes would surprise.
            names = Self.names(in: annotation)
            volumesFromAnnotation = true
        } else {
            names = Self.names(in: configuration.defaultVolumes)
        }
        requestedVolumes = names
        volumes.reserveCapacity(names.count)
        var unknown = 0
        for name in names {
            if let volume = configuration.volume(named: name) {
                volumes.append(volume)
                continue
            }
            // Past `Violation.reportedPerList` unknown names, the rest are counted in one line.
            unknown += 1
            if unknown > Violation.reportedPerList { continue }
            let configured = configuration.volumes.map(\.name)
            let origin =
                volumesFromAnnotation
                ? "asks for volume \(Violation.quote(name))"
                : "gets default volume \(Violation.quote(name))"
            let fix: String
            if configured.isEmpty {
                fix =
                    "(no volumes are configured); remove the annotation or configure the volume in the fsx-webhook configuration"
            } else if let nearest = Suggestion.nearest(to: name, among: configured) {
                fix = "(configured: \(configured.joined(separator: ", "))); did you mean \(Violation.quote(nearest))?"
            } else {
                fix = "(configured: \(configured.joined(separator: ", "))); use one of those names"
            }
            findings.deny(
                .volumeUnknown, Self.volumesPointer, "\(findings.subject) \(origin), which is not configured \(fix)")
        }
        if unknown > Violation.reportedPerList {
            findings.deny(
                .volumeUnknown, Self.volumesPointer,
                "\(findings.subject) asks for \(unknown - Violation.reportedPerList) more volumes that are not configured; "
                    + "name only configured volumes")
        }
    }

    private mutating func readContainers(_ annotation: String?, findings: inout WorkloadFindings) {
        guard let annotation else { return }
        let names = Self.names(in: annotation)
        if names.isEmpty {
            findings.deny(
                .containerUnknown, Self.containersPointer,
                "\(findings.subject) names no container; list the containers to mount into, or remove the annotation to use every container"
            )
        }
        containerNames = names
    }

    private mutating func readPlacement(_ annotation: String?, findings: inout WorkloadFindings) {
        guard let annotation else { return }
        let text = Self.trimmed(Substring(annotation))
        guard let placement = WebhookConfiguration.Placement(rawValue: String(text)) else {
            let choices = WebhookConfiguration.Placement.allCases.map(\.rawValue)
            let hint = Suggestion.nearest(to: String(text), among: choices).map { "did you mean \($0)? " } ?? ""
            findings.deny(
                .placementInvalid, Self.placementPointer,
                "\(Violation.quote(annotation)) on \(findings.subject) is not a placement; \(hint)use required, preferred or none"
            )
            // Nothing is placed: the workload is refused, and guessing would add noise.
            self.placement = .none
            placementFromAnnotation = true
            return
        }
        self.placement = placement
        placementFromAnnotation = true
    }

    /// A comma-separated list: items trimmed, empty items dropped, duplicates dropped, in
    /// the order written.
    static func names(in list: String) -> [String] {
        var list = list
        return list.withUTF8 { asciiNames(in: $0) } ?? unicodeNames(in: list)
    }

    /// `names(in:)` by `Character`: the reference for `asciiNames`.
    static func unicodeNames(in list: String) -> [String] {
        names(in: list.split(separator: ",", omittingEmptySubsequences: true).map { String(trimmed($0)) })
    }

    /// `names(in:)` of ASCII text, split and trimmed by bytes; `nil` for any other text.
    ///
    /// The same result: in ASCII every character is one byte except `\r\n`, which is
    /// whitespace as its two bytes are, and `Character.isWhitespace` holds for exactly the
    /// bytes 0x09-0x0D and 0x20.
    static func asciiNames(in utf8: UnsafeBufferPointer<UInt8>) -> [String]? {
        var commas = 0
        for byte in utf8 {
            if byte >= 0x80 { return nil }
            if byte == UInt8(ascii: ",") { commas += 1 }
        }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        var items: [String] = []
        items.reserveCapacity(commas + 1)
        var start = 0
        while start <= utf8.count {
            var end = start
            while end < utf8.count, utf8[end] != UInt8(ascii: ",") { end += 1 }
            var low = start
            var high = end
            while low < high, isSpace(utf8[low]) { low += 1 }
            while high > low, isSpace(utf8[high - 1]) { high -= 1 }
            if low < high {
                items.append(String(decoding: UnsafeBufferPointer(rebasing: utf8[low..<high]), as: UTF8.self))
            }
            start = end + 1
        }
        return names(in: items)
    }

    static func names(in list: [String]) -> [String] {
        // A short list is checked by scanning what is kept; a longer one by a set, since the
        // list comes from the object, and a scan per item makes a 7 MiB annotation of names
        // quadratic.
        var result: [String] = []
        if list.count <= 16 {
            // Usually nothing is dropped: then the list itself is the result.
            if list.indices.allSatisfy({ !list[$0].isEmpty && !list[..<$0].contains(list[$0]) }) { return list }
            for item in list where !item.isEmpty && !result.contains(item) { result.append(item) }
            return result
        }
        var seen: Set<String> = []
        for item in list where !item.isEmpty && seen.insert(item).inserted { result.append(item) }
        return result
    }

    static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}

extension WorkloadOptions {
    /// Gives each selected `fileSystemId` volume the zone AWS told; the ones left without a
    /// zone get `awsReason`, for the `aws-zone-unknown` message.
    mutating func resolveZones(_ facts: AWSFacts?) {
        for index in volumes.indices where volumes[index].zone == nil {
            guard let id = volumes[index].fileSystemId else { continue }
            guard let facts else {
                awsReason = "AWS was not asked"
                continue
            }
            if let zone = facts.zone(ofFileSystem: id) {
                volumes[index].zone = zone
            } else if case .absent = facts.fileSystem(id) {
                awsReason = "file system \(id) does not exist in \(facts.region)"
            } else {
                awsReason = facts.reason ?? "AWS did not answer within the lookup budget"
            }
        }
    }
}
