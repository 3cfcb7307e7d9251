import FSXCore

/// What must hold for any pod spec after mutation, checked independently of the mutator's
/// own reasoning so a shared misunderstanding cannot hide a bug.
enum WorkloadInvariants {
    /// Problems found in `podSpec`, as readable lines; empty when all invariants hold.
    ///
    /// - every volumeMount of every container and init container names a pod volume;
    /// - pod volume names are unique, and so are mountPaths within each container;
    /// - with `requiredZone`, the pod has a required node affinity and every term either
    ///   requires `zoneLabel In [zone]` or can never match a node in that zone.
    static func problems(
        inPodSpec podSpec: JSONValue?, zoneLabel: String = "topology.kubernetes.io/zone", requiredZone: String? = nil
    ) -> [String] {
        guard let podSpec, case .object = podSpec else { return ["pod spec is not an object"] }
        var problems: [String] = []

        var volumeNames: [String] = []
        for volume in podSpec["volumes"]?.arrayValue ?? [] {
            guard let name = volume["name"]?.stringValue else {
                problems.append("a volume has no name")
                continue
            }
            if volumeNames.contains(name) { problems.append("volume \(name) is defined twice") }
            volumeNames.append(name)
        }

        let containers = (podSpec["initContainers"]?.arrayValue ?? []) + (podSpec["containers"]?.arrayValue ?? [])
        for container in containers {
            let containerName = container["name"]?.stringValue ?? "?"
            var paths: [String] = []
            for mount in container["volumeMounts"]?.arrayValue ?? [] {
                let name = mount["name"]?.stringValue ?? "?"
                let path = mount["mountPath"]?.stringValue ?? "?"
                if !volumeNames.contains(name) {
                    problems.append("container \(containerName) mounts \(name), which is not a pod volume")
                }
                if paths.contains(path) { problems.append("container \(containerName) mounts \(path) twice") }
                paths.append(path)
            }
        }

        if let zone = requiredZone {
            let terms =
                podSpec["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?[
                    "nodeSelectorTerms"]?.arrayValue ?? []
            if terms.isEmpty { problems.append("no required node affinity for zone \(zone)") }
            for (index, term) in terms.enumerated() {
                let expressions = term["matchExpressions"]?.arrayValue ?? []
                let requiresZone = expressions.contains { expression in
                    expression["key"]?.stringValue == zoneLabel && expression["operator"]?.stringValue == "In"
                        && expression["values"] == [.string(zone)]
                }
                if !requiresZone && !neverMatches(term, zone: zone, zoneLabel: zoneLabel) {
                    problems.append("node selector term \(index) does not require zone \(zone)")
                }
            }
        }
        return problems
    }

    /// A term no node in `zone` can satisfy: empty (Kubernetes matches nothing), or with a
    /// zone expression that rules the zone out.
    static func neverMatches(_ term: JSONValue, zone: String, zoneLabel: String) -> Bool {
        let expressions = term["matchExpressions"]?.arrayValue ?? []
        let fields = term["matchFields"]?.arrayValue ?? []
        if expressions.isEmpty && fields.isEmpty { return true }
        for expression in expressions where expression["key"]?.stringValue == zoneLabel {
            let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue)
            switch expression["operator"]?.stringValue {
            case "In" where !values.contains(zone): return true
            case "NotIn" where values.contains(zone): return true
            case "DoesNotExist": return true
            case "Gt", "Lt": if Int(zone) == nil { return true }
            default: continue
            }
        }
        return false
    }
}
