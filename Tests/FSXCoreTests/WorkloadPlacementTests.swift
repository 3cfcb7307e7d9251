import FSXCore
import Testing

@Suite("Workload zone placement")
struct WorkloadPlacementTests {
    static let zoneKey = "topology.kubernetes.io/zone"

    static func expression(_ key: String, _ op: String, _ values: [String]? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [("key", .string(key)), ("operator", .string(op))]
        if let values { members.append(("values", .array(values.map { .string($0) }))) }
        return Jobs.object(members)
    }

    static func term(_ expressions: JSONValue...) -> JSONValue {
        Jobs.object([("matchExpressions", .array(expressions))])
    }

    static func requiredAffinity(_ terms: JSONValue...) -> (String, JSONValue) {
        (
            "affinity",
            Jobs.object([
                (
                    "nodeAffinity",
                    Jobs.object([
                        (
                            "requiredDuringSchedulingIgnoredDuringExecution",
                            Jobs.object([("nodeSelectorTerms", .array(terms))])
                        )
                    ])
                )
            ])
        )
    }

    static let instanceType = expression("node.kubernetes.io/instance-type", "In", ["p4d.24xlarge"])
    static let zoneIn = #"{"key":"topology.kubernetes.io/zone","operator":"In","values":["us-west-2a"]}"#
    static let termsPath =
        "/spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms"

    /// A pod spec in, with the expected affinity operations (the volume and mount ops, which
    /// other suites cover, are left out) or denials out.
    struct Case: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var placement = "required"
        var volumes = "training-data"
        var extra: [(String, JSONValue)] = []
        var denials: [RuleID] = []
        var warnings: [RuleID] = []
        /// The expected operations after the volume and mount ones, as JSON text.
        var affinityPatch: String? = nil
    }

    static let required: [Case] = [
        Case(
            testDescription: "adds the whole affinity when there is none",
            affinityPatch: "[\(zoneAffinityA)]"),
        Case(
            testDescription: "keeps podAntiAffinity and adds nodeAffinity beside it",
            extra: [("affinity", Jobs.object([("podAntiAffinity", Jobs.object([("x-keep", true)]))]))],
            affinityPatch: """
                [{"op":"add","path":"/spec/template/spec/affinity/nodeAffinity","value":{"requiredDuringSchedulingIgnoredDuringExecution":
                  {"nodeSelectorTerms":[{"matchExpressions":[\(zoneIn)]}]}}}]
                """),
        Case(
            testDescription: "adds required beside existing preferred node affinity",
            extra: [
                (
                    "affinity",
                    Jobs.object([
                        ("nodeAffinity", Jobs.object([("preferredDuringSchedulingIgnoredDuringExecution", [])]))
                    ])
                )
            ],
            affinityPatch: """
                [{"op":"add","path":"/spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution",
                  "value":{"nodeSelectorTerms":[{"matchExpressions":[\(zoneIn)]}]}}]
                """),
        Case(
            testDescription: "replaces a null affinity",
            extra: [("affinity", nil)],
            affinityPatch: "[\(zoneAffinityA)]"),
        Case(
            testDescription: "adds a term to an empty term list",
            extra: [requiredAffinity()],
            affinityPatch: #"[{"op":"add","path":"\#(termsPath)/-","value":{"matchExpressions":[\#(zoneIn)]}}]"#),
        Case(
            testDescription: "ANDs the zone into every existing term",
            extra: [
                requiredAffinity(
                    term(instanceType),
                    term(
                        expression("node.kubernetes.io/instance-type", "In", ["p5.48xlarge"]),
                        expression(zoneKey, "Exists")))
            ],
            affinityPatch: """
                [{"op":"add","path":"\(termsPath)/0/matchExpressions/-","value":\(zoneIn)},
                 {"op":"add","path":"\(termsPath)/1/matchExpressions/-","value":\(zoneIn)}]
                """),
        Case(
            testDescription: "creates matchExpressions in a term with only matchFields",
            extra: [
                requiredAffinity(
                    Jobs.object([
                        (
                            "matchFields",
                            [Jobs.object([("key", "metadata.name"), ("operator", "In"), ("values", ["n1"])])]
                        )
                    ]))
            ],
            affinityPatch: #"[{"op":"add","path":"\#(termsPath)/0/matchExpressions","value":[\#(zoneIn)]}]"#),
        Case(
            testDescription: "ANDs the zone into a term that allows several zones",
            extra: [requiredAffinity(term(expression(zoneKey, "In", ["us-west-2b", "us-west-2a"])))],
            affinityPatch: #"[{"op":"add","path":"\#(termsPath)/0/matchExpressions/-","value":\#(zoneIn)}]"#),
        Case(
            testDescription: "leaves a term that already pins the zone alone",
            extra: [
                requiredAffinity(term(instanceType, expression(zoneKey, "In", ["us-west-2a"])), term(instanceType))
            ],
            affinityPatch: #"[{"op":"add","path":"\#(termsPath)/1/matchExpressions/-","value":\#(zoneIn)}]"#),
        Case(
            testDescription: "leaves an empty term alone",
            extra: [requiredAffinity(Jobs.object([]), term(instanceType))],
            affinityPatch: #"[{"op":"add","path":"\#(termsPath)/1/matchExpressions/-","value":\#(zoneIn)}]"#),
        Case(
            testDescription: "warns about a term that excludes the zone and leaves it alone",
            extra: [requiredAffinity(term(expression(zoneKey, "In", ["us-west-2b"])), term(instanceType))],
            warnings: [.affinityConflict],
            affinityPatch: #"[{"op":"add","path":"\#(termsPath)/1/matchExpressions/-","value":\#(zoneIn)}]"#),
        Case(
            testDescription: "denies when every term excludes the zone",
            extra: [
                requiredAffinity(
                    term(expression(zoneKey, "In", ["us-west-2b"])), term(expression(zoneKey, "NotIn", ["us-west-2a"])),
                    term(instanceType, expression(zoneKey, "DoesNotExist")), term(expression(zoneKey, "Gt", ["3"])))
            ],
            denials: [.affinityConflict]),
        Case(
            testDescription: "denies when every term is empty",
            extra: [requiredAffinity(Jobs.object([]), Jobs.object([("matchExpressions", [])]))],
            denials: [.affinityConflict]),
        Case(
            testDescription: "accepts a nodeSelector on the zone",
            extra: [("nodeSelector", Jobs.object([(zoneKey, "us-west-2a")]))],
            affinityPatch: "[\(zoneAffinityA)]"),
        Case(
            testDescription: "denies a nodeSelector on another zone",
            extra: [("nodeSelector", Jobs.object([("kubernetes.io/arch", "amd64"), (zoneKey, "us-west-2b")]))],
            denials: [.nodeSelectorConflict]),
        Case(
            testDescription: "denies volumes in different zones",
            volumes: "training-data,archive",
            denials: [.zoneConflict]),
        Case(
            testDescription: "denies both a nodeSelector and an affinity that exclude the zone",
            extra: [
                ("nodeSelector", Jobs.object([(zoneKey, "us-west-2c")])),
                requiredAffinity(term(expression(zoneKey, "NotIn", ["us-west-2a"]))),
            ],
            denials: [.nodeSelectorConflict, .affinityConflict]),
    ]

    static let preferred: [Case] = [
        Case(
            testDescription: "preferred: adds a weighted term when there is no affinity",
            placement: "preferred",
            affinityPatch: """
                [{"op":"add","path":"/spec/template/spec/affinity","value":{"nodeAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":
                  [{"weight":100,"preference":{"matchExpressions":[\(zoneIn)]}}]}}}]
                """),
        Case(
            testDescription: "preferred: appends beside other preferences",
            placement: "preferred",
            extra: [
                (
                    "affinity",
                    Jobs.object([
                        (
                            "nodeAffinity",
                            Jobs.object([
                                (
                                    "preferredDuringSchedulingIgnoredDuringExecution",
                                    [Jobs.object([("weight", 10), ("preference", term(instanceType))])]
                                )
                            ])
                        )
                    ])
                )
            ],
            affinityPatch: """
                [{"op":"add","path":"/spec/template/spec/affinity/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution/-",
                  "value":{"weight":100,"preference":{"matchExpressions":[\(zoneIn)]}}}]
                """),
        Case(
            testDescription: "preferred: keeps a preference that already names the zone",
            placement: "preferred",
            extra: [
                (
                    "affinity",
                    Jobs.object([
                        (
                            "nodeAffinity",
                            Jobs.object([
                                (
                                    "preferredDuringSchedulingIgnoredDuringExecution",
                                    [
                                        Jobs.object([
                                            ("weight", 50),
                                            (
                                                "preference",
                                                term(instanceType, expression(zoneKey, "In", ["us-west-2a"]))
                                            ),
                                        ])
                                    ]
                                )
                            ])
                        )
                    ])
                )
            ],
            affinityPatch: "[]"),
        Case(
            testDescription: "preferred: warns about volumes in different zones and adds no term",
            placement: "preferred", volumes: "training-data,archive",
            warnings: [.zoneConflict],
            affinityPatch: "[]"),
        Case(
            testDescription: "preferred: warns about a nodeSelector on another zone",
            placement: "preferred",
            extra: [("nodeSelector", Jobs.object([(zoneKey, "us-west-2b")]))],
            warnings: [.nodeSelectorConflict]),
        Case(
            testDescription: "preferred: warns about a required affinity that excludes the zone",
            placement: "preferred",
            extra: [requiredAffinity(term(expression(zoneKey, "In", ["us-west-2b"])))],
            warnings: [.affinityConflict]),
        Case(
            testDescription: "none: adds no affinity, whatever the pod says",
            placement: "none", volumes: "training-data,archive",
            extra: [("nodeSelector", Jobs.object([(zoneKey, "us-west-2c")]))],
            affinityPatch: "[]"),
    ]

    @Test(arguments: required + preferred)
    func placesPodsInTheVolumesZone(_ testCase: Case) throws {
        let job = Jobs.job(
            annotations: [("fsx-webhook/volumes", testCase.volumes), ("fsx-webhook/placement", testCase.placement)],
            podSpec: Jobs.podSpec(testCase.extra))
        let requiredZone = testCase.placement == "required" ? WebhookConfiguration.zoneA : nil
        let result = try mutateChecked(job, requiredZone: requiredZone)
        #expect(result.denialRules == testCase.denials, "\(result.violations.map(\.message))")
        #expect(result.warningRules == testCase.warnings, "\(result.violations.map(\.message))")
        if let affinityPatch = testCase.affinityPatch {
            let placementOps = result.patch.filter {
                !$0.path.tokens.contains("volumes") && !$0.path.tokens.contains("volumeMounts")
            }
            #expect(JSONWriter.string(placementOps.json) == compact(affinityPatch))
        }
        if testCase.placement == "preferred", testCase.denials.isEmpty, testCase.volumes == "training-data" {
            // Whatever else holds, a preferred placement ends with the zone preference present.
            let items = result.podSpec?["affinity"]?["nodeAffinity"]?[
                "preferredDuringSchedulingIgnoredDuringExecution"]?.arrayValue
            #expect(
                items?.contains {
                    $0["preference"]?["matchExpressions"]?.arrayValue?.contains(Jobs.parse(Self.zoneIn)) == true
                } == true)
        }
    }

    @Test func affinityDenialNamesTheZoneAndTheFix() throws {
        let job = Jobs.job(
            podSpec: Jobs.podSpec([
                Self.requiredAffinity(Self.term(Self.expression(Self.zoneKey, "NotIn", ["us-west-2a"])))
            ]))
        let message = try #require(try mutateChecked(job).denials.first?.message)
        #expect(message.contains("existing node affinity of Job \"ml/train\" can never match zone \"us-west-2a\""))
        #expect(message.contains("term 0"))
        #expect(message.contains("fsx-webhook/placement: none"))
    }

    @Test func zoneConflictListsVolumesAndZones() throws {
        let job = Jobs.job(annotations: [("fsx-webhook/volumes", "training-data,archive")])
        let message = try #require(try mutateChecked(job).denials.first?.message)
        #expect(message.contains("training-data: us-west-2a, archive: us-west-2b"))
    }

    struct MissingZone: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var annotation: String?
        var denials: [RuleID]
    }

    @Test(arguments: [
        MissingZone(testDescription: "required override", annotation: "required", denials: [.volumeZoneMissing]),
        MissingZone(testDescription: "preferred override", annotation: "preferred", denials: [.volumeZoneMissing]),
        MissingZone(testDescription: "configured none", annotation: nil, denials: []),
    ])
    func deniesPlacementForVolumeWithoutZone(_ testCase: MissingZone) throws {
        let configuration = WebhookConfiguration(
            volumes: [.init(name: "scratch", claimName: "scratch", mountPath: "/scratch")], defaultVolumes: ["scratch"],
            placement: .none)
        let annotations = testCase.annotation.map { [("fsx-webhook/placement", $0)] } ?? []
        let result = try mutateChecked(Jobs.job(annotations: annotations), configuration: configuration)
        #expect(result.denialRules == testCase.denials, "\(result.violations.map(\.message))")
        if !testCase.denials.isEmpty {
            #expect(result.denials.first?.field == "metadata.annotations.fsx-webhook/placement")
            #expect(result.denials.first?.message.contains("give the volume a zone") == true)
        }
    }

    @Test func usesTheConfiguredZoneLabel() throws {
        var configuration = WebhookConfiguration.testing
        configuration.zoneLabel = "failure-domain.example.com/zone"
        let job = Jobs.job(podSpec: Jobs.podSpec([("nodeSelector", Jobs.object([(Self.zoneKey, "us-west-2b")]))]))
        // The standard label is someone else's business once another label is configured.
        let result = try mutateChecked(job, configuration: configuration, requiredZone: "us-west-2a")
        #expect(result.violations == [])
        let terms = result.podSpec?["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?[
            "nodeSelectorTerms"]
        #expect(terms?[0]?["matchExpressions"]?[0]?["key"] == "failure-domain.example.com/zone")
    }
}
