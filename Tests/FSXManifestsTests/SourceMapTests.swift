import FSXCore
import Testing

@testable import FSXManifests

/// Field paths of violations resolved to the line and column of their key.
struct SourceMapTests {
    static func manifests(_ text: String) throws -> [Manifest] {
        try ManifestReader.manifests(in: Array(text.utf8), source: "x", recordingPositions: true)
    }

    static let storageClass = """
        # comment
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: fsx
          annotations:
            example.com/owner.team: ml
        provisioner: fsx.csi.aws.com
        parameters:
          subnetId: subnet-0123456789abcdef0
          deploymentType: SCRATCH_3
          csi.storage.k8s.io/fstype: lustre
          "odd\\tkey": x
        mountOptions:
          - flock
          -   noatime
        """

    @Test(arguments: [
        ("parameters.deploymentType", 11, 3),
        ("parameters.subnetId", 10, 3),
        ("parameters.csi.storage.k8s.io/fstype", 12, 3),
        ("parameters[\"odd\\tkey\"]", 13, 3),
        ("parameters.perUnitStorageThroughput", 9, 1),  // missing: the parent key
        ("mountOptions[1]", 16, 7),
        ("mountOptions[7]", 14, 1),
        ("metadata.annotations.example.com/owner.team", 7, 5),
        ("", 2, 1),  // the object's first line
        ("nothing.here", 2, 1),
    ])
    func resolvesYAMLFieldPaths(field: String, line: Int, column: Int) throws {
        let manifest = try #require(try Self.manifests(Self.storageClass).first)
        #expect(manifest.position(of: field) == SourcePosition(line: line, column: column))
    }

    @Test func resolvesJSONFieldPathsWithMultibyteText() throws {
        let text = """
            {
              "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
              "metadata": {"name": "fsx-ümlaut"}, "parameters": {
                "deploymentType": "SCRATCH_3",
                "k\\u0065y": "é", "subnetId": "x"
              }
            }
            """
        let manifest = try #require(try Self.manifests(text).first)
        #expect(manifest.position(of: "parameters.deploymentType") == SourcePosition(line: 4, column: 5))
        #expect(manifest.position(of: "parameters.key") == SourcePosition(line: 5, column: 5))
        // Columns count Unicode scalars: "é" is one.
        #expect(manifest.position(of: "parameters.subnetId") == SourcePosition(line: 5, column: 22))
        #expect(manifest.position(of: "metadata.name") == SourcePosition(line: 3, column: 16))
        #expect(manifest.position(of: "") == SourcePosition(line: 1, column: 1))
    }

    @Test func givesEachDocumentAndListItemItsOwnPositions() throws {
        let text = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a}
            ---
            apiVersion: v1
            kind: List
            items:
              - apiVersion: storage.k8s.io/v1
                kind: StorageClass
                parameters: {deploymentType: X}
              - apiVersion: storage.k8s.io/v1
                kind: StorageClass
                parameters:
                  deploymentType: Y
            """
        let read = try Self.manifests(text)
        #expect(read.count == 3)
        #expect(read[0].position(of: "metadata.name") == SourcePosition(line: 3, column: 12))
        #expect(read[1].position(of: "") == SourcePosition(line: 8, column: 5))
        #expect(read[1].position(of: "parameters.deploymentType") == SourcePosition(line: 10, column: 18))
        #expect(read[2].position(of: "parameters.deploymentType") == SourcePosition(line: 14, column: 7))
    }

    @Test func resolvesJSONListItems() throws {
        let text = """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "PersistentVolume",
               "spec": {"csi": {"driver": "fsx.csi.aws.com", "volumeHandle": ""}}},
              {"apiVersion": "v1", "kind": "PersistentVolume",
               "spec": {"csi": {"driver": "fsx.csi.aws.com"}}}
            ]}
            """
        let read = try Self.manifests(text)
        #expect(read.count == 2)
        #expect(read[0].position(of: "spec.csi.volumeHandle") == SourcePosition(line: 3, column: 50))
        #expect(read[1].position(of: "spec.csi.volumeHandle") == SourcePosition(line: 5, column: 13))
        #expect(read[1].position(of: "") == SourcePosition(line: 4, column: 3))
    }

    @Test func mergedKeysPointAtTheirAnchorAndWrittenKeysWin() throws {
        let text = """
            defaults: &defaults
              deploymentType: SCRATCH_2
              subnetId: subnet-a
            apiVersion: v1
            kind: Thing
            parameters:
              <<: *defaults
              subnetId: subnet-b
            """
        let manifest = try #require(try Self.manifests(text).first)
        #expect(manifest.position(of: "parameters.subnetId") == SourcePosition(line: 8, column: 3))
        #expect(manifest.position(of: "parameters.deploymentType") == SourcePosition(line: 2, column: 3))
    }

    @Test func recordsNothingUnlessAsked() throws {
        let read = try ManifestReader.manifests(in: Array(Self.storageClass.utf8), source: "x")
        #expect(read.first?.sourceMap == nil)
        #expect(read.first?.position(of: "parameters.subnetId") == SourcePosition(line: 2, column: 1))
    }
}
