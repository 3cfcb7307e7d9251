import Testing

@testable import FSXCore

@Suite("StorageClass validation behaviour")
struct StorageClassBehaviourTests {
    /// The class of examples/broken/storageclass-seed-persistent2-s3.yaml, as kubectl sends it
    /// (YAML turned into JSON).
    static let seedPersistent2WithS3 = """
        {"apiVersion":"storage.k8s.io/v1","kind":"StorageClass",
         "metadata":{"name":"fsx-lustre-persistent"},
         "provisioner":"fsx.csi.aws.com",
         "parameters":{
           "subnetId":"subnet-0123456789abcdef0",
           "securityGroupIds":"sg-0123456789abcdef0",
           "deploymentType":"PERSISTENT_2",
           "storageType":"SSD",
           "perUnitStorageThroughput":"250",
           "dataCompressionType":"LZ4",
           "autoImportPolicy":"NEW_CHANGED_DELETED",
           "s3ImportPath":"s3://ml-training-data",
           "s3ExportPath":"s3://ml-training-data/exports",
           "fileSystemTypeVersion":"2.15"},
         "mountOptions":["flock"],
         "reclaimPolicy":"Delete",
         "volumeBindingMode":"Immediate"}
        """

    /// The class of examples/manifests/storageclass-scratch2-s3.yaml.
    static let seedScratch2WithS3 = """
        {"apiVersion":"storage.k8s.io/v1","kind":"StorageClass",
         "metadata":{"name":"fsx-lustre-s3"},
         "provisioner":"fsx.csi.aws.com",
         "parameters":{
           "subnetId":"subnet-0123456789abcdef0",
           "securityGroupIds":"sg-0123456789abcdef0",
           "deploymentType":"SCRATCH_2",
           "s3ImportPath":"s3://ml-training-data/imagenet",
           "autoImportPolicy":"NEW_CHANGED",
           "dataCompressionType":"LZ4"},
         "reclaimPolicy":"Delete"}
        """

    static func validate(
        _ json: String, policy: WebhookConfiguration.UnknownParameterPolicy = .warn
    ) throws
        -> [Violation]
    {
        StorageClassValidator.validate(try JSONParser.parse(json), unknownParameters: policy)
    }

    @Test func deniesSeedPersistent2ClassLinkedToS3() throws {
        let violations = try Self.validate(Self.seedPersistent2WithS3)
        #expect(
            FSxExpected.of(violations)
                == [
                    .deny("s3-on-p2", "parameters.autoImportPolicy"),
                    .deny("s3-on-p2", "parameters.s3ExportPath"),
                    .deny("s3-on-p2", "parameters.s3ImportPath"),
                ])
        for violation in violations {
            #expect(violation.message.contains("data repository association"))
            #expect(violation.message.contains("aws fsx create-data-repository-association"))
            #expect(violation.message.contains("SCRATCH_2 or PERSISTENT_1 with s3ImportPath"))
        }
    }

    @Test func allowsSeedScratch2ClassLinkedToS3() throws {
        let violations = try Self.validate(Self.seedScratch2WithS3)
        #expect(FSxExpected.of(violations) == [.warn("lustre-version-default", "parameters.fileSystemTypeVersion")])
    }

    @Test func leavesOtherProvisionersUntouched() {
        var ebs = FSxStorageClasses.make([.set("deploymentType", "nonsense"), .set("perUnitStorageThroughput", 7)])
        if case .object(var root) = ebs {
            root["provisioner"] = "ebs.csi.aws.com"
            ebs = .object(root)
        }
        #expect(StorageClassValidator.validate(ebs, unknownParameters: .deny).isEmpty)
        #expect(
            StorageClassValidator.validate(["kind": "StorageClass", "provisioner": 7], unknownParameters: .deny).isEmpty
        )
        #expect(StorageClassValidator.validate("not an object", unknownParameters: .deny).isEmpty)
    }

    @Test func collectsEveryViolationAtOnce() {
        let violations = FSxStorageClasses.validate([
            .remove("subnetId"),
            .set("securityGroupIds", "sg-1"),
            .set("perUnitStorageThroughput", "200"),
            .set("dataCompressionType", "GZIP"),
            .set("extraTags", "team"),
        ])
        #expect(violations.filter { $0.severity == .deny }.count == 5)
        #expect(
            Set(violations.map(\.rule.rawValue))
                == ["subnet-required", "sg-format", "throughput-values", "compression-enum", "extra-tags"])
    }

    @Test func invalidDeploymentTypeSilencesRulesThatDependOnIt() {
        let violations = FSxStorageClasses.validate([
            .set("deploymentType", "PERSISTENT"),
            .remove("perUnitStorageThroughput"),
            .remove("fileSystemTypeVersion"),
            .set("kmsKeyId", "alias/fsx"),
            .set("automaticBackupRetentionDays", "7"),
            .set("metadataConfigurationMode", "AUTOMATIC"),
            .set("s3ImportPath", "s3://mldata"),
            .top("allowVolumeExpansion", true),
        ])
        #expect(
            FSxExpected.of(violations)
                == [.deny("deployment-enum", "parameters.deploymentType"), .warn("kms-alias", "parameters.kmsKeyId")])
    }

    @Test func matchesTheStyleGuideMessage() {
        let violations = FSxStorageClasses.validate([.set("deploymentType", "SCRATCH_2")])
        #expect(
            violations.map(\.message) == [
                "parameters.perUnitStorageThroughput: \"250\" is not allowed with deploymentType SCRATCH_2 "
                    + "(throughput is set only on PERSISTENT types); remove it or use PERSISTENT_2"
            ])
    }

    @Test func suggestsTheNearestKnownKey() {
        let cases: [(String, String)] = [
            ("s3OutputPath", "did you mean s3ExportPath?"),
            ("subnetID", "did you mean subnetId?"),
            ("throughputCapacity", "Intelligent-Tiering key that driver v1.9.0 ignores; use perUnitStorageThroughput"),
            ("fileSystemId", "no provisioning on an existing file system"),
            ("kms\u{212A}eyId", "U+212A is not ASCII; retype it as kmsKeyId"),
            ("securityGroupId", "did you mean securityGroupIds?"),
        ]
        for (key, hint) in cases {
            let violations = FSxStorageClasses.validate([.set(key, "x")])
            #expect(violations.count == 1)
            #expect(violations.first?.message.contains(hint) == true, "\(key): \(violations.map(\.message))")
        }
        let unrelated = FSxStorageClasses.validate([.set("color", "blue")])
        #expect(unrelated.first?.message.contains("did you mean") == false)
    }

    @Test func deniesUnknownKeysWhenConfiguredTo() {
        let violations = FSxStorageClasses.validate([.set("s3OutputPath", "s3://mldata")], policy: .deny)
        #expect(FSxExpected.of(violations) == [.deny("unknown-parameter", "parameters.s3OutputPath")])
        #expect(violations.first?.message.contains("s3ExportPath") == true)
    }

    @Test func keyMessagesCarryTheFix() {
        func message(_ edits: [FSxEdit]) -> String { FSxStorageClasses.validate(edits).first?.message ?? "" }
        #expect(message([.set("perUnitStorageThroughput", 250)]).contains("quote it: \"250\""))
        #expect(message([.set("copyTagsToBackups", true)]).contains("quote it: \"true\""))
        #expect(message([.set("storageType", "INTELLIGENT_TIERING")]).contains("cannot create it"))
        #expect(message([.set("deploymentType", "persistent_2")]).contains("use PERSISTENT_2"))
        // Near ties are not guessed at: every choice is listed.
        #expect(message([.set("fileSystemTypeVersion", "2.16")]).contains("use one of: 2.10, 2.12, 2.15"))
        #expect(message([.set("deploymentType", "PERSISTENT_3")]).contains("use one of: SCRATCH_1"))
        #expect(message([.set("dataCompressionType", "LZ5")]).contains("use LZ4"))
        #expect(
            message([.set("subnetId", "subnet-0123456789abcdef0,subnet-0fedcba9876543210")]).contains(
                "exactly one subnet"))
        #expect(message([.remove("perUnitStorageThroughput")]).contains("125, 250, 500, 1000"))
        #expect(message([.set("perUnitStorageThroughput", "4294967546")]).contains("wraps"))
    }

    @Test func neverClaimsToHaveCheckedSecurityGroupRules() {
        let all = (storageClassDeniedCases + storageClassAllowedCases).flatMap { FSxStorageClasses.validate($0.input) }
        #expect(!all.contains { $0.message.contains("988") || $0.message.contains("1018") })
    }

    @Test(arguments: storageClassDeniedCases + storageClassAllowedCases)
    func messagesAreSingleLinesAndWarningsStayShort(_ row: FSxRuleCase) {
        FSxExpected.checkMessages(FSxStorageClasses.validate(row.input))
    }

    static let hostileValues: [JSONValue] = [
        .null, true, false, 0, .number("-1.5e300"), [], ["sg-0123456789abcdef0"], [:], ["a": ["b": nil]],
    ]

    @Test(arguments: FSxParameter.keys)
    func reportsHostileTypesForEveryKnownKey(_ key: String) {
        for value in Self.hostileValues {
            let violations = FSxStorageClasses.validate([.set(key, value)])
            #expect(FSxExpected.of(violations) == [.deny("parameter-type", "parameters.\(key)")], "\(key) = \(value)")
        }
    }

    @Test func reportsHostileTypesOutsideParameters() {
        for value in Self.hostileValues where value != .null {
            let violations = StorageClassValidator.validate(
                [
                    "provisioner": "fsx.csi.aws.com", "parameters": value.objectValue == nil ? value : "x",
                    "allowVolumeExpansion": value.boolValue == nil ? value : "yes",
                    "mountOptions": value.arrayValue == nil ? value : [value],
                ],
                unknownParameters: .warn)
            #expect(violations.contains { $0.rule == "field-type" && $0.field == "parameters" })
            #expect(violations.contains { $0.rule == "field-type" && $0.field == "allowVolumeExpansion" })
            #expect(violations.contains { $0.rule == "field-type" && $0.field.hasPrefix("mountOptions") })
            #expect(violations.allSatisfy { $0.severity == .deny })
        }
    }

    @Test func treatsNullParametersAsAStaticBindingClass() {
        let violations = StorageClassValidator.validate(
            ["provisioner": "fsx.csi.aws.com", "parameters": nil], unknownParameters: .warn)
        #expect(FSxExpected.of(violations) == [.warn("static-binding-class", "parameters")])
    }

    /// A class holding only `fileSystemId` is denied, and the denial says why the existing
    /// file system cannot be used and what to write instead.
    @Test func explainsExistingFileSystemClasses() {
        let violations = StorageClassValidator.validate(
            ["provisioner": "fsx.csi.aws.com", "parameters": ["fileSystemId": "fs-0123456789abcdef0"]],
            unknownParameters: .warn)
        let subnet = violations.first { $0.rule == "subnet-required" }
        #expect(subnet?.message.contains("driver v1.9.0 cannot provision on an existing file system") == true)
        #expect(subnet?.message.contains("static PersistentVolume") == true)
    }

    /// A look-alike of a real key is judged as unknown under `unknownParameters: deny`, and
    /// never as the key it resembles: a Kelvin-sign `kmsKeyId` on SCRATCH_2 does not trip
    /// kms-persistent.
    @Test func deniesLookAlikeKeysWhenConfiguredTo() {
        let violations = FSxStorageClasses.validate(
            FSxStorageClasses.scratch2 + [.set("kms\u{212A}eyId", "arn:aws:kms:us-west-2:111122223333:key/x")],
            policy: .deny)
        #expect(FSxExpected.of(violations) == [.deny("unknown-parameter", "parameters[\"kms\u{212A}eyId\"]")])
    }

    @Test func quotesKeysThatWouldBreakAWarning() {
        let violations = FSxStorageClasses.validate([.set("bad\nkey", "x")])
        #expect(violations.count == 1)
        #expect(violations.first?.field == "parameters[\"bad\\nkey\"]")
        #expect(violations.first?.message.contains("\n") == false)
    }
}
