import Foundation
import Testing

/// `fsx-webhook check` on what real installations write: static-binding classes, classes that
/// name an existing file system, and claims judged against a class of the same input.
struct CheckClaimsAndStaticClassesTests {
    static let staticClass = """
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: fsx-sc
        provisioner: fsx.csi.aws.com
        """

    @Test func allowsAParameterlessClassWithOneWarning() throws {
        let run = try CLIRunner.run(["check", "-"], stdin: Self.staticClass)
        #expect(run.exitCode == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.filter { $0.contains("warning:") }.count == 1, "\(run.stdout)")
        #expect(run.stdout.contains("static-binding-class") || run.stdout.contains("pre-created PVs"), "\(run.stdout)")
    }

    @Test func deniesAClassWithOnlyAFileSystemId() throws {
        let run = try CLIRunner.run(
            ["check", "-"], stdin: Self.staticClass + "\nparameters:\n  fileSystemId: fs-0123456789abcdef0\n")
        #expect(run.exitCode == 1)
        #expect(run.stdout.contains("driver v1.9.0 cannot provision on an existing file system"), "\(run.stdout)")
        #expect(run.stdout.contains("static PersistentVolume"), "\(run.stdout)")
    }

    static let claims = """
        apiVersion: v1
        kind: List
        items:
          - apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: fsx-scratch}
            provisioner: fsx.csi.aws.com
            parameters:
              subnetId: subnet-0123456789abcdef0
              securityGroupIds: sg-0123456789abcdef0
              deploymentType: SCRATCH_2
              fileSystemTypeVersion: "2.15"
          - apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: small, namespace: ml}
            spec:
              accessModes: [ReadWriteMany]
              storageClassName: fsx-scratch
              resources: {requests: {storage: 100Gi}}
          - apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: block, namespace: ml}
            spec:
              accessModes: [ReadWriteMany]
              volumeMode: Block
              storageClassName: fsx-scratch
              resources: {requests: {storage: 1200Gi}}
          - apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: modified, namespace: ml}
            spec:
              accessModes: [ReadWriteMany]
              volumeAttributesClassName: fast
              storageClassName: fsx-scratch
              resources: {requests: {storage: 1200Gi}}
        """

    @Test func judgesClaimsAgainstTheClassOfTheSameList() throws {
        let run = try CLIRunner.run(["check", "-"], stdin: Self.claims)
        #expect(run.exitCode == 1)
        #expect(run.stdout.contains("AWS creates and bills 1200 GiB"), "\(run.stdout)")
        #expect(run.stdout.contains("DENIED   PersistentVolumeClaim \"ml/block\""), "\(run.stdout)")
        #expect(run.stdout.contains("DENIED   PersistentVolumeClaim \"ml/modified\""), "\(run.stdout)")
    }

    @Test func jsonCarriesTheClaimRuleIds() throws {
        let run = try CLIRunner.run(["check", "-o", "json", "-"], stdin: Self.claims)
        #expect(run.exitCode == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let results = try #require(document["results"] as? [[String: Any]])
        func rules(_ name: String, _ key: String) -> [String] {
            let result = results.first { $0["name"] as? String == name }
            return (result?[key] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        }
        #expect(rules("small", "warnings") == ["pvc-size-rounded"])
        #expect(rules("block", "denials") == ["pvc-volume-mode"])
        #expect(rules("modified", "denials") == ["pvc-vac-unsupported"])
    }

    @Test func judgesClaimsAgainstAClassInAnotherFile() throws {
        let classFile = try CLIRunner.temporaryFile("class.yaml", Self.staticClass)
        defer { try? FileManager.default.removeItem(at: classFile.folder) }
        try """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data, namespace: ml}
        spec:
          accessModes: [ReadWriteMany]
          storageClassName: fsx-sc
          resources: {requests: {storage: 1200Gi}}
        """.write(to: classFile.folder.appendingPathComponent("claim.yaml"), atomically: true, encoding: .utf8)
        let run = try CLIRunner.run(["check", "-o", "json", classFile.folder.path])
        #expect(run.exitCode == 0)
        #expect(run.stdout.contains("\"pvc-static-class\""), "\(run.stdout)")
    }
}
