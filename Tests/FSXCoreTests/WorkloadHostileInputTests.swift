import FSXCore
import Testing

@Suite("Workload hostile input")
struct WorkloadHostileInputTests {
    /// A Job with one wrong-typed field, and the field the denial must name.
    struct Case: CustomTestStringConvertible, Sendable {
        var testDescription: String
        /// Path from the Job's root.
        var path: [String]
        var value: JSONValue
        var field: String
        var annotations: [(String, String)] = []
    }

    static let spec = ["spec", "template", "spec"]
    static let terms =
        spec + [
            "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms",
        ]

    static let cases: [Case] = [
        Case(testDescription: "metadata a number", path: ["metadata"], value: 5, field: "metadata"),
        Case(testDescription: "labels a string", path: ["metadata", "labels"], value: "x", field: "metadata.labels"),
        Case(
            testDescription: "inject label a boolean", path: ["metadata", "labels", "fsx-webhook/inject"], value: true,
            field: "metadata.labels.fsx-webhook/inject"),
        Case(
            testDescription: "another label a number", path: ["metadata", "labels", "team"], value: 7,
            field: "metadata.labels.team"),
        Case(
            testDescription: "annotations an array", path: ["metadata", "annotations"], value: [],
            field: "metadata.annotations"),
        Case(
            testDescription: "volumes annotation a number", path: ["metadata", "annotations", "fsx-webhook/volumes"],
            value: 3,
            field: "metadata.annotations.fsx-webhook/volumes"),
        Case(testDescription: "spec a string", path: ["spec"], value: "x", field: "spec"),
        Case(testDescription: "template missing", path: ["spec", "template"], value: nil, field: "spec.template"),
        Case(testDescription: "pod spec an array", path: spec, value: [], field: "spec.template.spec"),
        Case(
            testDescription: "containers a string", path: spec + ["containers"], value: "trainer",
            field: "spec.template.spec.containers"),
        Case(
            testDescription: "containers missing", path: spec + ["containers"], value: nil,
            field: "spec.template.spec.containers"),
        Case(
            testDescription: "container a number", path: spec + ["containers", "0"], value: 7,
            field: "spec.template.spec.containers[0]"),
        Case(
            testDescription: "container name a number", path: spec + ["containers", "0", "name"], value: 1,
            field: "spec.template.spec.containers[0].name"),
        Case(
            testDescription: "initContainers an object", path: spec + ["initContainers"], value: [:],
            field: "spec.template.spec.initContainers"),
        Case(
            testDescription: "volumeMounts a string", path: spec + ["containers", "0", "volumeMounts"], value: "x",
            field: "spec.template.spec.containers[0].volumeMounts"),
        Case(
            testDescription: "mountPath a boolean", path: spec + ["containers", "0", "volumeMounts"],
            value: [["name": "a", "mountPath": false]],
            field: "spec.template.spec.containers[0].volumeMounts[0].mountPath"),
        Case(
            testDescription: "volumes an object", path: spec + ["volumes"], value: [:],
            field: "spec.template.spec.volumes"),
        Case(
            testDescription: "volume without a name", path: spec + ["volumes"], value: [["emptyDir": [:]]],
            field: "spec.template.spec.volumes[0].name"),
        Case(
            testDescription: "persistentVolumeClaim a string", path: spec + ["volumes"],
            value: [["name": "a", "persistentVolumeClaim": "x"]],
            field: "spec.template.spec.volumes[0].persistentVolumeClaim"),
        Case(
            testDescription: "claimName a number", path: spec + ["volumes"],
            value: [["name": "a", "persistentVolumeClaim": ["claimName": 4]]],
            field: "spec.template.spec.volumes[0].persistentVolumeClaim.claimName"),
        Case(
            testDescription: "affinity a number", path: spec + ["affinity"], value: 3,
            field: "spec.template.spec.affinity"),
        Case(
            testDescription: "nodeAffinity an array", path: spec + ["affinity", "nodeAffinity"], value: [],
            field: "spec.template.spec.affinity.nodeAffinity"),
        Case(
            testDescription: "nodeSelectorTerms an object", path: terms, value: [:],
            field:
                "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
        ),
        Case(
            testDescription: "a term a string", path: terms, value: ["x"],
            field:
                "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
        ),
        Case(
            testDescription: "matchExpressions a string", path: terms, value: [["matchExpressions": "x"]],
            field:
                "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions"
        ),
        Case(
            testDescription: "expression values a string", path: terms,
            value: [
                [
                    "matchExpressions": [
                        ["key": "topology.kubernetes.io/zone", "operator": "In", "values": "us-west-2a"]
                    ]
                ]
            ],
            field:
                "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values"
        ),
        Case(
            testDescription: "expression without operator", path: terms,
            value: [["matchExpressions": [["key": "topology.kubernetes.io/zone", "values": []]]]],
            field:
                "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator"
        ),
        Case(
            testDescription: "matchFields a number", path: terms, value: [["matchFields": 1]],
            field:
                "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields"
        ),
        Case(
            testDescription: "nodeSelector a string", path: spec + ["nodeSelector"], value: "x",
            field: "spec.template.spec.nodeSelector"),
        Case(
            testDescription: "nodeSelector zone a number",
            path: spec + ["nodeSelector", "topology.kubernetes.io/zone"], value: 1,
            field: "spec.template.spec.nodeSelector.topology.kubernetes.io/zone"),
        Case(
            testDescription: "preferred terms a number",
            path: spec + ["affinity", "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution"],
            value: 5, field: "spec.template.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution",
            annotations: [("fsx-webhook/placement", "preferred")]),
        Case(
            testDescription: "preference a string",
            path: spec + ["affinity", "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution"],
            value: [["weight": 1, "preference": "x"]],
            field:
                "spec.template.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference",
            annotations: [("fsx-webhook/placement", "preferred")]),
    ]

    @Test(arguments: cases)
    func deniesWrongTypesNamingTheField(_ testCase: Case) throws {
        var job = Jobs.job(annotations: testCase.annotations)
        if testCase.value.isNull {
            remove(&job, testCase.path)
        } else {
            Jobs.set(&job, testCase.path, testCase.value)
        }
        let result = try mutateChecked(job)
        let denial = try #require(result.denials.first, "\(result.violations.map(\.message))")
        #expect(result.denialRules == [.invalidField], "\(result.violations.map(\.message))")
        #expect(denial.field == testCase.field)
        #expect(denial.message.hasPrefix(testCase.field + ": "))
        // Without metadata there is no name to give.
        let subject = testCase.path == ["metadata"] ? "Job \"(unnamed)\"" : "Job \"ml/train\""
        #expect(denial.message.contains(subject))
    }

    /// Every value of a realistic Job replaced by each JSON type in turn: the mutator never
    /// crashes, and whatever patch it still produces applies cleanly to the broken object.
    @Test func survivesEveryFieldReplacedByEveryType() throws {
        let job = try Fixtures.realisticJob()
        let replacements: [JSONValue] = [.null, 0, "x", [], [:], true]
        var runs = 0
        for path in Self.paths(in: job, under: []) {
            for replacement in replacements {
                var broken = job
                Jobs.set(&broken, path, replacement)
                let result = WorkloadMutator.mutate(broken, kind: .job, configuration: .testing)
                runs += 1
                guard !result.patch.isEmpty else { continue }
                #expect(throws: Never.self, "patch for \(path) = \(replacement.typeName)") {
                    _ = try JSONPatchApplier.apply(result.patch, to: broken)
                }
            }
        }
        #expect(runs > 1000)
    }

    /// Every path in `value`, parents before children.
    static func paths(in value: JSONValue, under prefix: [String]) -> [[String]] {
        var result: [[String]] = []
        switch value {
        case .object(let object):
            for member in object.members {
                result.append(prefix + [member.key])
                result += paths(in: member.value, under: prefix + [member.key])
            }
        case .array(let array):
            for (index, element) in array.enumerated() {
                result.append(prefix + [String(index)])
                result += paths(in: element, under: prefix + [String(index)])
            }
        default:
            break
        }
        return result
    }

    private func remove(_ document: inout JSONValue, _ path: [String]) {
        guard let key = path.first, var object = document.objectValue else { return }
        if path.count == 1 {
            object[key] = nil
        } else if var child = object[key] {
            remove(&child, Array(path.dropFirst()))
            object[key] = child
        }
        document = .object(object)
    }
}

extension WorkloadHostileInputTests {
    /// The apiserver drops a warning with a control character, and a denial reads as one
    /// line after kubectl's prefix: names from the object are quoted with escapes.
    @Test func keepsMessagesOnOneLineWhateverNamesContain() throws {
        let podSpec = Jobs.podSpec(
            containers: [Jobs.container("train\ner", mounts: [("scr\u{7}atch", "/data")])],
            [("volumes", [Jobs.object([("name", "scr\u{7}atch"), ("emptyDir", [:])])])])
        let job = Jobs.job(
            name: "evil\nname", labels: [("fsx-webhook/inject", "true"), ("bad\nkey", 7)],
            annotations: [("fsx-webhook/containers", "train\ner,ghost\r\nname")], podSpec: podSpec)
        let result = try mutateChecked(job)
        #expect(result.denialRules == [.invalidField, .containerUnknown, .mountPathConflict])
        for violation in result.violations {
            #expect(!violation.message.contains { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true })
        }
    }
}
