import Testing

@testable import FSXCore

@Suite struct ConfigurationTests {
    static let example: JSONValue = [
        "volumes": [
            "training-data": [
                "claimName": "training-data", "mountPath": "/data", "readOnly": true,
                "subnetId": "subnet-0123456789abcdef0",
            ],
            "checkpoints": ["claimName": "checkpoint-storage", "mountPath": "/checkpoints", "zone": "us-west-2a"],
        ],
        "defaultVolumes": ["training-data"],
        "zones": ["subnet-0123456789abcdef0": "us-west-2a"],
        "placement": "required",
        "zoneLabel": "topology.kubernetes.io/zone",
        "validation": ["unknownParameters": "warn"],
    ]

    @Test func readsTheProductExampleAndResolvesZonesThroughSubnets() throws {
        let config = try WebhookConfiguration(json: Self.example)
        #expect(config.volumes.map(\.name) == ["checkpoints", "training-data"])
        let data = try #require(config.volume(named: "training-data"))
        #expect(data.zone == "us-west-2a")
        #expect(data.readOnly)
        #expect(config.volume(named: "checkpoints")?.zone == "us-west-2a")
        #expect(config.defaultVolumes == ["training-data"])
        #expect(config.placement == .required)
        #expect(config.unknownParameters == .warn)
    }

    @Test func treatsAnEmptyDocumentAsTheValidateOnlyDefault() throws {
        #expect(try WebhookConfiguration(json: .null) == .default)
        #expect(try WebhookConfiguration(json: [:]) == .default)
        #expect(WebhookConfiguration.default.volumes.isEmpty)
    }

    static func modified(_ change: (inout JSONObject) -> Void) -> JSONValue {
        var root = example.objectValue!
        change(&root)
        return .object(root)
    }

    static func volume(_ name: String, _ change: @escaping (inout JSONObject) -> Void) -> JSONValue {
        modified { root in
            var volumes = root["volumes"]!.objectValue!
            var volume = volumes[name]!.objectValue!
            change(&volume)
            volumes[name] = .object(volume)
            root["volumes"] = .object(volumes)
        }
    }

    struct BadCase: CustomTestStringConvertible, Sendable {
        var name: String
        var json: JSONValue
        var key: String
        var fixContains: String
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        BadCase(
            name: "unknown top-level key with suggestion", json: modified { $0["volume"] = [:] }, key: "volume",
            fixContains: "volumes"),
        BadCase(
            name: "volume without claimName", json: volume("checkpoints") { $0["claimName"] = nil },
            key: "volumes.checkpoints.claimName", fixContains: "PersistentVolumeClaim"),
        BadCase(
            name: "volume without mountPath", json: volume("checkpoints") { $0["mountPath"] = nil },
            key: "volumes.checkpoints.mountPath", fixContains: "absolute"),
        BadCase(
            name: "relative mountPath", json: volume("checkpoints") { $0["mountPath"] = "data" },
            key: "volumes.checkpoints.mountPath", fixContains: "/data"),
        BadCase(
            name: "duplicate mountPath", json: volume("checkpoints") { $0["mountPath"] = "/data" },
            key: "volumes.checkpoints.mountPath", fixContains: "own mountPath"),
        BadCase(
            name: "subnet without zone", json: modified { $0["zones"] = [:] }, key: "volumes.training-data.subnetId",
            fixContains: "zones"),
        BadCase(
            name: "no zone at all with required placement", json: volume("checkpoints") { $0["zone"] = nil },
            key: "volumes.checkpoints", fixContains: "placement: none"),
        BadCase(
            name: "zone contradicts subnet", json: volume("training-data") { $0["zone"] = "us-west-2b" },
            key: "volumes.training-data.zone", fixContains: "agree"),
        BadCase(
            name: "unknown volume key", json: volume("checkpoints") { $0["readonly"] = true },
            key: "volumes.checkpoints.readonly", fixContains: "readOnly"),
        BadCase(
            name: "readOnly not a boolean", json: volume("checkpoints") { $0["readOnly"] = "yes" },
            key: "volumes.checkpoints.readOnly", fixContains: "readOnly: false"),
        BadCase(
            name: "malformed subnet", json: volume("training-data") { $0["subnetId"] = "subnet-1,subnet-2" },
            key: "volumes.training-data.subnetId", fixContains: "subnet-0123456789abcdef0"),
        BadCase(
            name: "default volume not defined", json: modified { $0["defaultVolumes"] = ["training"] },
            key: "defaultVolumes[0]", fixContains: "training-data"),
        BadCase(
            name: "placement not allowed", json: modified { $0["placement"] = "always" }, key: "placement",
            fixContains: "required, preferred, none"),
        BadCase(
            name: "unknownParameters not allowed", json: modified { $0["validation"] = ["unknownParameters": "error"] },
            key: "validation.unknownParameters", fixContains: "warn, deny"),
        BadCase(
            name: "volume name not a DNS label",
            json: modified {
                $0["volumes"] = ["Training_Data": ["claimName": "x", "mountPath": "/x", "zone": "us-west-2a"]]
            }, key: "volumes.Training_Data", fixContains: "lowercase"),
        BadCase(
            name: "zone label not a label key", json: modified { $0["zoneLabel"] = "not a label" }, key: "zoneLabel",
            fixContains: "topology.kubernetes.io/zone"),
        BadCase(name: "document not a mapping", json: ["volumes"], key: "", fixContains: "top level"),
        BadCase(
            name: "zones key not a subnet", json: modified { $0["zones"] = ["us-west-2a": "subnet-0123456789abcdef0"] },
            key: "zones.us-west-2a", fixContains: "subnet-"),
    ]

    @Test(arguments: badCases)
    func refusesABadConfigurationNamingTheKeyAndTheFix(_ bad: BadCase) {
        do {
            _ = try WebhookConfiguration(json: bad.json)
            Issue.record("\(bad.name): expected a ConfigurationError")
        } catch {
            #expect(error.key == bad.key, "\(bad.name): \(error)")
            #expect(error.fix.contains(bad.fixContains), "\(bad.name): \(error)")
        }
    }

    @Test func allowsVolumesWithoutZoneWhenPlacementIsNone() throws {
        let json = Self.volume("checkpoints") { $0["zone"] = nil }
        var root = json.objectValue!
        root["placement"] = "none"
        let config = try WebhookConfiguration(json: .object(root))
        #expect(config.volume(named: "checkpoints")?.zone == nil)
    }
}
