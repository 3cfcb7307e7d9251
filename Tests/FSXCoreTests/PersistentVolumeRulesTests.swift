import FSXTestSupport
import Testing

@testable import FSXCore

/// A change to the valid base static PersistentVolume used by the rule table.
enum FSxPVEdit: Sendable {
    /// Sets (or with `nil`, removes) the member at a path of keys below the root.
    case set([String], JSONValue?)
}

enum FSxPersistentVolumes {
    /// The static PV of examples/manifests/pv-static.yaml (no reclaim policy: a static PV
    /// keeps its file system).
    static let seed = """
        {"apiVersion":"v1","kind":"PersistentVolume",
         "metadata":{"name":"fsx-pv"},
         "spec":{
           "capacity":{"storage":"1200Gi"},
           "accessModes":["ReadWriteMany"],
           "mountOptions":["flock"],
           "csi":{
             "driver":"fsx.csi.aws.com",
             "volumeHandle":"fs-0123456789abcdef0",
             "volumeAttributes":{
               "dnsname":"fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com",
               "mountname":"fsx"}}}}
        """

    static func make(_ edits: [FSxPVEdit]) -> JSONValue {
        var pv = (try? JSONParser.parse(seed)) ?? .null
        for case .set(let path, let value) in edits { pv = setting(pv, path[...], value) }
        return pv
    }

    static func setting(_ value: JSONValue, _ path: ArraySlice<String>, _ new: JSONValue?) -> JSONValue {
        guard let key = path.first else { return new ?? .null }
        var object = value.objectValue ?? JSONObject()
        if path.count == 1 {
            object[key] = new
        } else {
            object[key] = setting(object[key] ?? .object(JSONObject()), path.dropFirst(), new)
        }
        return .object(object)
    }

    static func validate(_ edits: [FSxPVEdit]) -> [Violation] { PersistentVolumeValidator.validate(make(edits)) }
}

/// One named row of the rule table: the edits to the base volume, the violations expected.
typealias FSxPVCase = TableCase<[FSxPVEdit], [FSxExpected]>

private typealias P = FSxPVCase
private func attribute(_ key: String, _ value: JSONValue?) -> FSxPVEdit {
    .set(["spec", "csi", "volumeAttributes", key], value)
}
private func csi(_ key: String, _ value: JSONValue?) -> FSxPVEdit { .set(["spec", "csi", key], value) }
private func spec(_ key: String, _ value: JSONValue?) -> FSxPVEdit { .set(["spec", key], value) }
private let dnsname = "spec.csi.volumeAttributes.dnsname"
private let mountname = "spec.csi.volumeAttributes.mountname"

let persistentVolumeDeniedCases: [FSxPVCase] = [
    P("deniesMissingDNSName", [attribute("dnsname", nil)], [.deny("pv-dnsname", dnsname)]),
    P("deniesEmptyDNSName", [attribute("dnsname", "")], [.deny("pv-dnsname", dnsname)]),
    P(
        "deniesMisspeltDNSNameKey",
        [attribute("dnsname", nil), attribute("dnsName", "fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com")],
        [.deny("pv-dnsname", dnsname)]),
    P(
        "deniesMisspeltDNSNameKeyWithLineBreak",
        [attribute("dnsname", nil), attribute("dns\nname", "fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com")],
        [.deny("pv-dnsname", dnsname)]),
    P(
        "deniesMissingAttributes", [csi("volumeAttributes", nil)],
        [.deny("pv-dnsname", dnsname), .warn("pv-mountname-missing", mountname)]),
    P("deniesMissingHandle", [csi("volumeHandle", nil)], [.deny("pv-handle", "spec.csi.volumeHandle")]),
    P("deniesEmptyHandle", [csi("volumeHandle", "")], [.deny("pv-handle", "spec.csi.volumeHandle")]),
    P("deniesLongMountName", [attribute("mountname", "abcdefghi")], [.deny("pv-mountname", mountname)]),
    P("deniesMountNameWithSlash", [attribute("mountname", "/fsx")], [.deny("pv-mountname", mountname)]),
    P("deniesReadOnlyManyAlone", [spec("accessModes", ["ReadOnlyMany"])], [.deny("pv-access", "spec.accessModes")]),
    P("deniesBlockVolumeMode", [spec("volumeMode", "Block")], [.deny("pv-access", "spec.volumeMode")]),
    P(
        "deniesAttributesAsList", [csi("volumeAttributes", ["dnsname"])],
        [.deny("field-type", "spec.csi.volumeAttributes")]),
    P("deniesNumericHandle", [csi("volumeHandle", 12)], [.deny("pv-handle", "spec.csi.volumeHandle")]),
    P("deniesNumericDNSName", [attribute("dnsname", 1)], [.deny("field-type", dnsname)]),
    P("deniesBooleanMountName", [attribute("mountname", true)], [.deny("field-type", mountname)]),
    P("deniesAccessModesAsString", [spec("accessModes", "ReadWriteMany")], [.deny("field-type", "spec.accessModes")]),
    P(
        "deniesNumericAccessMode", [spec("accessModes", ["ReadWriteMany", 2])],
        [.deny("field-type", "spec.accessModes[1]")]),
    P("deniesNumericVolumeMode", [spec("volumeMode", 0)], [.deny("field-type", "spec.volumeMode")]),
    P("deniesMountOptionsAsMap", [spec("mountOptions", ["flock": true])], [.deny("field-type", "spec.mountOptions")]),
]

let persistentVolumeAllowedCases: [FSxPVCase] = [
    P("allowsSeedVolume", []),
    P(
        "allowsEightDigitHandle",
        [csi("volumeHandle", "fs-01234567"), attribute("dnsname", "fs-01234567.fsx.us-west-2.amazonaws.com")]),
    P("allowsChinaRegionDNSName", [attribute("dnsname", "fs-0123456789abcdef0.fsx.cn-north-1.amazonaws.com.cn")]),
    // Peered VPCs without DNS resolution mount the file system by its IP (driver issue #357).
    P("allowsIPAddressAsDNSName", [attribute("dnsname", "10.0.12.7")]),
    P(
        "warnsAboutDNSNameWithScheme",
        [attribute("dnsname", "https://fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com")],
        [.warn("pv-dnsname", dnsname)]),
    // The node plugin never reads the handle, so another shape mounts fine.
    P("warnsAboutShortHandle", [csi("volumeHandle", "fs-0123")], [.warn("pv-handle", "spec.csi.volumeHandle")]),
    P(
        "warnsAboutHandleWithPath", [csi("volumeHandle", "fs-0123456789abcdef0/data")],
        [.warn("pv-handle", "spec.csi.volumeHandle")]),
    P(
        "warnsAboutHandleThatIsAName", [csi("volumeHandle", "fsx-training-data")],
        [.warn("pv-handle", "spec.csi.volumeHandle")]),
    P(
        "warnsAboutSubpathAttribute", [attribute("subpath", "/datasets")],
        [.warn("pv-attribute-unknown", "spec.csi.volumeAttributes.subpath")]),
    P(
        "warnsAboutLookAlikeAttribute", [attribute("mountname", nil), attribute("mount\u{212A}", "abcdefgh")],
        [
            .warn("pv-mountname-missing", mountname),
            .warn("pv-attribute-unknown", "spec.csi.volumeAttributes[\"mount\u{212A}\"]"),
        ]),
    P(
        "allowsProvisionerIdentityAttribute",
        [attribute("storage.kubernetes.io/csiProvisionerIdentity", "1700000000000-1234-fsx.csi.aws.com")]),
    P("allowsGeneratedMountName", [attribute("mountname", "a1B2_c-D")]),
    P("allowsReadOnlyManyWithReadWriteMany", [spec("accessModes", ["ReadOnlyMany", "ReadWriteMany"])]),
    P("allowsReadWriteOnce", [spec("accessModes", ["ReadWriteOnce"])]),
    P("allowsFilesystemVolumeMode", [spec("volumeMode", "Filesystem")]),
    P("allowsRetainPolicy", [spec("persistentVolumeReclaimPolicy", "Retain")]),
    P(
        "allowsDeleteOnDynamicVolume",
        [
            spec("persistentVolumeReclaimPolicy", "Delete"),
            .set(["metadata", "annotations", "pv.kubernetes.io/provisioned-by"], "fsx.csi.aws.com"),
        ]),
    P("warnsAboutMissingMountName", [attribute("mountname", nil)], [.warn("pv-mountname-missing", mountname)]),
    P("warnsAboutEmptyMountName", [attribute("mountname", "")], [.warn("pv-mountname-missing", mountname)]),
    P(
        "warnsAboutDeletePolicy", [spec("persistentVolumeReclaimPolicy", "Delete")],
        [.warn("pv-reclaim-policy", "spec.persistentVolumeReclaimPolicy")]),
    P(
        "warnsAboutRecyclePolicy", [spec("persistentVolumeReclaimPolicy", "Recycle")],
        [.warn("pv-reclaim-policy", "spec.persistentVolumeReclaimPolicy")]),
    P(
        "warnsAboutDNSNameOfAnotherFileSystem",
        [attribute("dnsname", "fs-0fedcba9876543210.fsx.us-west-2.amazonaws.com")],
        [.warn("pv-dnsname-mismatch", dnsname)]),
    P(
        "warnsAboutUnknownMountOption", [spec("mountOptions", ["flock", "noatim"])],
        [.warn("mount-options", "spec.mountOptions[1]")]),
    P(
        "warnsAboutConflictingLockModes", [spec("mountOptions", ["noflock", "flock"])],
        [.warn("flock-conflict", "spec.mountOptions")]),
]

@Suite("PersistentVolume rules")
struct PersistentVolumeRulesTests {
    @Test(arguments: persistentVolumeDeniedCases)
    func deniesVolume(_ row: FSxPVCase) {
        let found = FSxExpected.of(FSxPersistentVolumes.validate(row.input))
        #expect(found == row.expected.sorted())
        #expect(found.contains { $0.severity == .deny })
    }

    @Test(arguments: persistentVolumeAllowedCases)
    func allowsVolume(_ row: FSxPVCase) {
        let found = FSxExpected.of(FSxPersistentVolumes.validate(row.input))
        #expect(found == row.expected.sorted())
        #expect(!found.contains { $0.severity == .deny })
    }

    @Test func everyRuleHasDeniedAndAllowedRows() {
        let denied = Set(
            persistentVolumeDeniedCases.flatMap { $0.expected.filter { $0.severity == .deny }.map(\.rule) })
        let warned = Set(
            persistentVolumeAllowedCases.flatMap { $0.expected.filter { $0.severity == .warn }.map(\.rule) })
        for rule in ["pv-dnsname", "pv-handle", "pv-mountname", "pv-access", "field-type"] {
            #expect(denied.contains(rule), "no denied row for \(rule)")
        }
        for rule in [
            "pv-mountname-missing", "pv-reclaim-policy", "pv-dnsname-mismatch", "mount-options", "flock-conflict",
            "pv-dnsname", "pv-handle", "pv-attribute-unknown",
        ] {
            #expect(warned.contains(rule), "no warning row for \(rule)")
        }
    }

    @Test func leavesOtherDriversUntouched() {
        #expect(FSxPersistentVolumes.validate([csi("driver", "efs.csi.aws.com"), csi("volumeHandle", "junk")]).isEmpty)
        #expect(FSxPersistentVolumes.validate([csi("driver", 7), csi("volumeHandle", "junk")]).isEmpty)
        #expect(FSxPersistentVolumes.validate([spec("csi", nil), spec("nfs", ["server": "x", "path": "/"])]).isEmpty)
        #expect(PersistentVolumeValidator.validate(["kind": "PersistentVolume", "spec": "x"]).isEmpty)
        #expect(PersistentVolumeValidator.validate([1, 2]).isEmpty)
    }

    @Test func collectsEveryViolationAtOnce() {
        let violations = FSxPersistentVolumes.validate([
            csi("volumeHandle", ""), attribute("dnsname", nil), attribute("mountname", "too-long-name"),
            spec("accessModes", ["ReadOnlyMany"]), spec("volumeMode", "Block"),
        ])
        #expect(violations.filter { $0.severity == .deny }.count == 5)
    }

    @Test func namesTheMisspeltAttribute() {
        let violations = FSxPersistentVolumes.validate([
            attribute("dnsname", nil), attribute("dnsName", "fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com"),
        ])
        #expect(violations.first?.message.contains("rename dnsName to dnsname") == true)
    }

    @Test(arguments: persistentVolumeDeniedCases + persistentVolumeAllowedCases)
    func messagesAreSingleLinesAndWarningsStayShort(_ row: FSxPVCase) {
        FSxExpected.checkMessages(FSxPersistentVolumes.validate(row.input))
    }

    @Test func survivesHostileTypesAnywhere() {
        let hostile: [JSONValue] = [.null, true, 0, "x", [], [nil], [:], ["a": [1]]]
        let paths: [[String]] = [
            ["spec"], ["spec", "csi"], ["spec", "csi", "volumeHandle"], ["spec", "csi", "volumeAttributes"],
            ["spec", "csi", "volumeAttributes", "dnsname"], ["spec", "csi", "volumeAttributes", "mountname"],
            ["spec", "accessModes"], ["spec", "volumeMode"], ["spec", "mountOptions"],
            ["spec", "persistentVolumeReclaimPolicy"],
            ["metadata"], ["metadata", "annotations"],
        ]
        for path in paths {
            for value in hostile {
                let violations = FSxPersistentVolumes.validate([.set(path, value)])
                // Replacing spec or csi makes the volume "not FSx"; strings, null and empty lists
                // are well-typed; the reclaim policy and metadata only ever soften. Every other
                // wrong type must be reported, not skipped.
                if path == ["spec"] || path == ["spec", "csi"] || path == ["spec", "persistentVolumeReclaimPolicy"]
                    || path.first == "metadata"
                {
                    continue
                }
                switch value {
                case .string, .null, .array([]): continue
                default: #expect(violations.contains { $0.severity == .deny }, "\(path) = \(value)")
                }
            }
        }
    }
}
