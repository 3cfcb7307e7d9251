import FSXCore
import Testing

@Suite("Workload mutation of a realistic training Job")
struct WorkloadRealisticJobTests {
    static let zoneIn = #"{"key":"topology.kubernetes.io/zone","operator":"In","values":["us-west-2a"]}"#
    static let mounts = [
        #"{"name":"training-data","mountPath":"/data","readOnly":true}"#,
        #"{"name":"checkpoints","mountPath":"/checkpoints"}"#,
    ]

    @Test func addsVolumesMountsAndZoneToEveryTerm() throws {
        let job = try Fixtures.realisticJob()
        let result = try mutateChecked(job, requiredZone: WebhookConfiguration.zoneA)
        #expect(result.violations == [])
        let spec = "/spec/template/spec"
        let terms = "\(spec)/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms"
        var expected = [
            #"{"op":"add","path":"\#(spec)/volumes/-","value":{"name":"training-data","persistentVolumeClaim":{"claimName":"training-data"}}}"#,
            #"{"op":"add","path":"\#(spec)/volumes/-","value":{"name":"checkpoints","persistentVolumeClaim":{"claimName":"checkpoint-storage"}}}"#,
        ]
        // Regular containers only: the init container is not named in fsx-webhook/containers.
        for index in 0..<4 {
            for mount in Self.mounts {
                expected.append(
                    #"{"op":"add","path":"\#(spec)/containers/\#(index)/volumeMounts/-","value":\#(mount)}"#)
            }
        }
        expected.append(#"{"op":"add","path":"\#(terms)/0/matchExpressions/-","value":\#(Self.zoneIn)}"#)
        expected.append(#"{"op":"add","path":"\#(terms)/1/matchExpressions/-","value":\#(Self.zoneIn)}"#)
        #expect(result.patchText == compact("[" + expected.joined(separator: ",") + "]"))
    }

    @Test func leavesEverythingElseAsSentByteForByte() throws {
        let job = try Fixtures.realisticJob()
        let result = try mutateChecked(job, requiredZone: WebhookConfiguration.zoneA)
        #expect(!result.patch.isEmpty)
        // Undo the additions, last first; what is left must serialise exactly like the
        // original: same keys in the same order, numbers as written (2.50, 3.0e2), unknown
        // fields, managedFields and the last-applied annotation untouched.
        var undo: [JSONValue] = []
        var appended: [String: Int] = [:]
        for operation in result.patch {
            var path = operation.path.description
            if path.hasSuffix("/-") {
                let array = String(path.dropLast(2))
                let existing = try #require(job.value(at: JSONPointer(escaped: array)!)?.arrayValue?.count)
                let index = existing + appended[array, default: 0]
                appended[array, default: 0] += 1
                path = "\(array)/\(index)"
            }
            undo.insert(["op": "remove", "path": .string(path)], at: 0)
        }
        let restored = try JSONPatchApplier.apply(.array(undo), to: result.patched)
        #expect(JSONWriter.string(restored) == JSONWriter.string(job))
        let text = JSONWriter.string(result.patched)
        #expect(text.contains("2.50,3.0e2"))
        #expect(result.patched["metadata"]?["managedFields"] == job["metadata"]?["managedFields"])
        #expect(result.patched["spec"]?["template"]?["spec"]?["x-future-field"] != nil)
    }

    @Test func patchesOnlyOnCreateThroughTheEngine() throws {
        let job = try Fixtures.realisticJob()
        let engine = AdmissionEngine(configuration: .testing)
        let decision = engine.decide(AdmissionRequest(creating: job))
        #expect(decision.outcome == .patched)
        #expect(decision.patch.count == 12)
        let reply = engine.review(AdmissionRequest(creating: job, uid: "42"), version: .v1, endpoint: .mutate)
        #expect(try JSONParser.parse(reply.body)["response"]?["patchType"] == "JSONPatch")
    }
}
