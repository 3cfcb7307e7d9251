import FSXTestSupport
import Testing

@testable import FSXCore

/// A claim of 1200Gi on class `fsx`, edited per row.
enum FSxClaims {
    static func make(storage: JSONValue = "1200Gi", _ spec: [(String, JSONValue)] = []) -> JSONValue {
        var specObject = JSONObject([
            .init(key: "accessModes", value: ["ReadWriteMany"]),
            .init(key: "storageClassName", value: "fsx"),
            .init(key: "resources", value: ["requests": ["storage": storage]]),
        ])
        for (key, value) in spec { specObject[key] = value }
        return [
            "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": ["name": "data", "namespace": "ml"],
            "spec": .object(specObject),
        ]
    }

    static func storageClass(_ edits: [FSxEdit]) -> JSONValue { FSxStorageClasses.make(edits) }
}

/// What a claim row judges: the claim, against the base class with these edits.
struct FSxClaimInput: Sendable {
    var classEdits: [FSxEdit]
    var claim: JSONValue
}

/// One named row: the class, the claim, and the violations expected.
typealias FSxClaimCase = TableCase<FSxClaimInput, [FSxExpected]>

private func Q(
    _ name: String, _ classEdits: [FSxEdit], _ claim: JSONValue, _ expected: [FSxExpected] = []
)
    -> FSxClaimCase
{
    FSxClaimCase(name, FSxClaimInput(classEdits: classEdits, claim: claim), expected)
}
private typealias SC = FSxStorageClasses
private let size = FSxExpected.warn("pvc-size-rounded", "spec.resources.requests.storage")

let persistentVolumeClaimCases: [FSxClaimCase] = [
    // pvc-size-rounded: the driver rounds up (pkg/util/util.go RoundUpVolumeSize).
    Q("allowsExactSizeOnPersistent2", [], FSxClaims.make()),
    Q("warnsAboutSmallClaimOnScratch2", SC.scratch2, FSxClaims.make(storage: "100Gi"), [size]),
    Q("warnsAboutTebibyteFractionOnScratch2", SC.scratch2, FSxClaims.make(storage: "1.2Ti"), [size]),
    Q("allowsTwoUnitsOnScratch2", SC.scratch2, FSxClaims.make(storage: "2400Gi")),
    Q("allowsLargeMultipleOnPersistent2", [], FSxClaims.make(storage: "4800Gi")),
    Q("warnsAboutOddMultipleOnPersistent2", [], FSxClaims.make(storage: "3600Gi"), [size]),
    Q("allowsThirtySixHundredOnScratch1", SC.scratch1, FSxClaims.make(storage: "3600Gi")),
    Q("warnsAboutFortyEightHundredOnScratch1", SC.scratch1, FSxClaims.make(storage: "4800Gi"), [size]),
    Q(
        "allowsSixThousandOnHDD12", SC.persistent1HDD + [.set("perUnitStorageThroughput", "12")],
        FSxClaims.make(storage: "6000Gi")),
    Q(
        "warnsAboutEighteenHundredOnHDD12", SC.persistent1HDD + [.set("perUnitStorageThroughput", "12")],
        FSxClaims.make(storage: "1800Gi"), [size]),
    Q("allowsEighteenHundredOnHDD40", SC.persistent1HDD, FSxClaims.make(storage: "1800Gi")),
    Q("warnsAboutDecimalGigabytes", [], FSxClaims.make(storage: "1200G"), [size]),
    Q("allowsSizeGivenInBytes", [], FSxClaims.make(storage: .number("1288490188800"))),
    Q(
        "deniesSizeThatIsNoQuantity", [], FSxClaims.make(storage: "1.2 TiB"),
        [.deny("field-type", "spec.resources.requests.storage")]),
    // pvc-volume-mode, pvc-access-mode, pvc-vac-unsupported
    Q(
        "deniesBlockClaim", [], FSxClaims.make([("volumeMode", "Block")]),
        [.deny("pvc-volume-mode", "spec.volumeMode")]),
    Q("allowsFilesystemClaim", [], FSxClaims.make([("volumeMode", "Filesystem")])),
    Q(
        "deniesReadOnlyManyClaim", [], FSxClaims.make([("accessModes", ["ReadOnlyMany"])]),
        [.deny("pvc-access-mode", "spec.accessModes")]),
    Q("allowsReadWriteOnceClaim", [], FSxClaims.make([("accessModes", ["ReadWriteOnce"])])),
    Q(
        "deniesVolumeAttributesClassName", [], FSxClaims.make([("volumeAttributesClassName", "fast")]),
        [.deny("pvc-vac-unsupported", "spec.volumeAttributesClassName")]),
    Q("allowsEmptyVolumeAttributesClassName", [], FSxClaims.make([("volumeAttributesClassName", "")])),
    // pvc-static-class: a class without parameters binds pre-created PVs only.
    Q(
        "warnsAboutStaticClassClaimWithoutVolumeName", [.removeTop("parameters")], FSxClaims.make(storage: "100Gi"),
        [.warn("pvc-static-class", "spec.storageClassName")]),
    Q(
        "allowsStaticClassClaimWithVolumeName", [.removeTop("parameters")],
        FSxClaims.make(storage: "100Gi", [("volumeName", "fsx-pv")])),
    // pvc-scratch1-expand
    Q(
        "warnsAboutClaimOfExpandableScratch1", SC.scratch1 + [.top("allowVolumeExpansion", true)], FSxClaims.make(),
        [.warn("pvc-scratch1-expand", "spec.storageClassName")]),
    Q("allowsClaimOfExpandableScratch2", SC.scratch2 + [.top("allowVolumeExpansion", true)], FSxClaims.make()),
    // A class whose deployment type is wrong: the claim rules that need it stay quiet.
    Q(
        "saysNothingOfSizeUnderInvalidDeployment", [.set("deploymentType", "PERSISTENT_3")],
        FSxClaims.make(storage: "1Gi")),
]

@Suite("PersistentVolumeClaim rules")
struct PersistentVolumeClaimRulesTests {
    @Test(arguments: persistentVolumeClaimCases)
    func judgesClaim(_ row: FSxClaimCase) {
        let found = FSxExpected.of(
            PersistentVolumeClaimValidator.validate(
                row.input.claim, storageClass: FSxClaims.storageClass(row.input.classEdits)))
        #expect(found == row.expected.sorted())
    }

    @Test func everyRuleHasARow() {
        let rules = Set(persistentVolumeClaimCases.flatMap { $0.expected.map(\.rule) })
        for rule in [
            "pvc-size-rounded", "pvc-volume-mode", "pvc-access-mode", "pvc-vac-unsupported", "pvc-static-class",
            "pvc-scratch1-expand",
        ] {
            #expect(rules.contains(rule), "no row for \(rule)")
        }
    }

    /// The message says what AWS creates and bills, and the request that avoids waste.
    @Test func sizeMessagesNameWhatAWSCreates() {
        func message(_ storage: String, _ edits: [FSxEdit]) -> String {
            PersistentVolumeClaimValidator.validate(
                FSxClaims.make(storage: .string(storage)), storageClass: FSxClaims.storageClass(edits)
            ).first?.message ?? ""
        }
        let small = message("100Gi", SC.scratch2)
        #expect(small.contains("AWS creates and bills 1200 GiB"), "\(small)")
        #expect(small.contains("request 1200Gi"), "\(small)")
        let fraction = message("1.2Ti", SC.scratch2)
        #expect(fraction.contains("(1228.8 GiB)"), "\(fraction)")
        #expect(fraction.contains("AWS creates and bills 2400 GiB"), "\(fraction)")
        #expect(fraction.contains("or 1200Gi if that is enough"), "\(fraction)")
        let scratch1 = message("4800Gi", SC.scratch1)
        #expect(scratch1.contains("7200 GiB") && scratch1.contains("multiples of 3600"), "\(scratch1)")
    }

    @Test func otherProvisionersAreNotJudged() {
        let other: JSONValue = ["kind": "StorageClass", "provisioner": "ebs.csi.aws.com", "metadata": ["name": "fsx"]]
        #expect(
            PersistentVolumeClaimValidator.validate(FSxClaims.make([("volumeMode", "Block")]), storageClass: other)
                .isEmpty)
    }

    @Test func survivesHostileClaims() {
        let hostile: [JSONValue] = [.null, 1, "x", [], [:], ["spec": ["resources": ["requests": ["storage": []]]]]]
        for claim in hostile {
            _ = PersistentVolumeClaimValidator.validate(claim, storageClass: FSxClaims.storageClass([]))
        }
        _ = PersistentVolumeClaimValidator.validate(
            FSxClaims.make(storage: "1e999"), storageClass: FSxClaims.storageClass([]))
    }
}

@Suite("Claims find their class in the input")
struct DecisionContextTests {
    static let fsx = FSxStorageClasses.make(FSxStorageClasses.scratch2)

    static func classNamed(_ name: String, default isDefault: Bool = false) -> JSONValue {
        var object = fsx.objectValue!
        var metadata = JSONObject([.init(key: "name", value: .string(name))])
        if isDefault {
            metadata["annotations"] = ["storageclass.kubernetes.io/is-default-class": "true"]
        }
        object["metadata"] = .object(metadata)
        return .object(object)
    }

    static func decide(_ claim: JSONValue, _ objects: [JSONValue]) -> Decision {
        AdmissionEngine().decide(AdmissionRequest(creating: claim), context: DecisionContext(objects: objects))
    }

    @Test func judgesAClaimOfAClassInTheInput() {
        let decision = Self.decide(FSxClaims.make(storage: "100Gi"), [Self.classNamed("fsx")])
        #expect(decision.outcome == .allowedWithWarnings)
        #expect(decision.warnings.map(\.rule) == ["pvc-size-rounded"])
    }

    @Test func leavesAClaimWhoseClassIsNotInTheInput() {
        #expect(Self.decide(FSxClaims.make([("volumeMode", "Block")]), [Self.classNamed("other")]).outcome == .allowed)
        #expect(
            AdmissionEngine().decide(AdmissionRequest(creating: FSxClaims.make([("volumeMode", "Block")]))).outcome
                == .allowed)
    }

    @Test func usesTheOneDefaultClassForAClaimWithoutClassName() {
        var claim = FSxClaims.make([("volumeMode", "Block")]).objectValue!
        var spec = claim["spec"]!.objectValue!
        spec["storageClassName"] = nil
        claim["spec"] = .object(spec)
        #expect(Self.decide(.object(claim), [Self.classNamed("fsx", default: true)]).outcome == .denied)
        // Two defaults: the cluster picks the newest, which cannot be known offline.
        #expect(
            Self.decide(.object(claim), [Self.classNamed("a", default: true), Self.classNamed("b", default: true)])
                .outcome == .allowed)
        // An empty class name asks for no class at all.
        spec["storageClassName"] = ""
        claim["spec"] = .object(spec)
        #expect(Self.decide(.object(claim), [Self.classNamed("fsx", default: true)]).outcome == .allowed)
    }

    @Test func readsTheLegacyClassAnnotation() {
        var claim = FSxClaims.make([("volumeMode", "Block")]).objectValue!
        var spec = claim["spec"]!.objectValue!
        spec["storageClassName"] = nil
        claim["spec"] = .object(spec)
        claim["metadata"] = ["name": "data", "annotations": ["volume.beta.kubernetes.io/storage-class": "fsx"]]
        #expect(Self.decide(.object(claim), [Self.classNamed("fsx")]).outcome == .denied)
    }
}

@Suite("Kubernetes quantities as bytes")
struct StorageQuantityTests {
    static let parsed: [(String, UInt64)] = [
        ("100Gi", 107_374_182_400), ("1.2Ti", 1_319_413_953_332), ("1200G", 1_200_000_000_000),
        ("1e12", 1_000_000_000_000), ("1E3", 1000), (".5Ki", 512), ("5.", 5), ("+7Mi", 7_340_032), ("0", 0),
        ("1m", 1), ("1500m", 2), ("1k", 1000), ("1.0000000000000000000001Gi", 1_073_741_825),
        ("15Ei", 17_293_822_569_102_704_640),
    ]

    @Test(arguments: parsed)
    func parses(_ text: String, _ bytes: UInt64) {
        #expect(StorageQuantity.parse(text) == .success(StorageQuantity(bytes: bytes)), "\(text)")
    }

    @Test(arguments: ["", "Gi", "1.2.3Gi", "1 Gi", "1GB", "1gi", "-", "1e", "1e1000", "0x10", "1Gi "])
    func refuses(_ text: String) {
        #expect(StorageQuantity.parse(text) == .failure(.syntax), "\(text)")
    }

    @Test func refusesNegativeAndHugeQuantities() {
        #expect(StorageQuantity.parse("-1Gi") == .failure(.negative))
        #expect(StorageQuantity.parse("16Ei") == .failure(.tooLarge))
        #expect(StorageQuantity.parse("99999999999999999999") == .failure(.tooLarge))
        #expect(StorageQuantity.parse("1e30") == .failure(.tooLarge))
    }

    @Test func showsGibibytesWithOneDecimal() {
        #expect(StorageQuantity(bytes: 1_319_413_953_332).gibibytesText == "1228.8")
        #expect(StorageQuantity(bytes: 100 << 30).gibibytesText == "100")
        #expect(StorageQuantity(bytes: (1 << 30) - 1).gibibytesText == "1")
    }
}

@Suite("VolumeAttributesClass rules")
struct VolumeAttributesClassRulesTests {
    @Test func warnsAboutAClassForThisDriver() {
        let violations = VolumeAttributesClassValidator.validate([
            "apiVersion": "storage.k8s.io/v1", "kind": "VolumeAttributesClass", "metadata": ["name": "fast"],
            "driverName": "fsx.csi.aws.com", "parameters": ["throughput": "500"],
        ])
        #expect(FSxExpected.of(violations) == [.warn("vac-unsupported", "driverName")])
    }

    @Test func leavesOtherDriversAlone() {
        #expect(VolumeAttributesClassValidator.validate(["driverName": "ebs.csi.aws.com"]).isEmpty)
        #expect(VolumeAttributesClassValidator.validate(["driverName": 1]).isEmpty)
        #expect(VolumeAttributesClassValidator.validate(.null).isEmpty)
    }

    @Test func isRoutedToTheValidatingWebhook() {
        #expect(
            AdmissionEngine.endpoint(
                for: ObjectType(group: "storage.k8s.io", version: "v1beta1", kind: "VolumeAttributesClass"))
                == .validate)
        let object: JSONValue = [
            "apiVersion": "storage.k8s.io/v1beta1", "kind": "VolumeAttributesClass", "metadata": ["name": "fast"],
            "driverName": "fsx.csi.aws.com",
        ]
        let decision = AdmissionEngine().decide(AdmissionRequest(creating: object))
        #expect(decision.outcome == .allowedWithWarnings)
    }
}
