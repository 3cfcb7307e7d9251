import Testing

@testable import FSXWebhookCLI

/// Without `--endpoint`, `review` answers where the Helm chart routes the kind.
struct ReviewRoutingTests {
    static func body(kind: String, group: String, objectKind: String? = nil) -> [UInt8] {
        let object = objectKind.map { #"{"apiVersion": "v1", "kind": "\#($0)"}"# } ?? "null"
        return Array(
            #"""
            {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u",
             "kind": {"group": "\#(group)", "version": "v1", "kind": "\#(kind)"}, "operation": "CREATE",
             "object": \#(object)}}
            """#.utf8)
    }

    @Test func storageClassesAndPersistentVolumesGoToValidate() throws {
        #expect(try Review.routedEndpoint(Self.body(kind: "StorageClass", group: "storage.k8s.io")) == .validate)
        #expect(try Review.routedEndpoint(Self.body(kind: "PersistentVolume", group: "")) == .validate)
        // The chart's validating webhook takes VolumeAttributesClasses too.
        #expect(
            try Review.routedEndpoint(Self.body(kind: "VolumeAttributesClass", group: "storage.k8s.io")) == .validate)
    }

    @Test func jobsAndEverythingElseGoToMutate() throws {
        #expect(try Review.routedEndpoint(Self.body(kind: "Job", group: "batch")) == .mutate)
        #expect(try Review.routedEndpoint(Self.body(kind: "ConfigMap", group: "")) == .mutate)
        // A StorageClass kind in another group is not the one the chart validates.
        #expect(try Review.routedEndpoint(Self.body(kind: "StorageClass", group: "example.com")) == .mutate)
    }

    @Test func usesTheObjectsKindWhenTheRequestHasNone() throws {
        #expect(try Review.routedEndpoint(Self.body(kind: "", group: "", objectKind: "PersistentVolume")) == .validate)
    }
}
