import FSXTestSupport
import Testing

@testable import FSXCore

/// The `aws-` rules and zone discovery, with the AWS facts written inline: the decision reads
/// facts like any other input, so no AWS is involved.
struct AWSRulesTests {
    static let subnet = "subnet-0123456789abcdef0"
    static let group = "sg-0123456789abcdef0"
    static let other = "sg-0fedcba9876543210"
    static let vpcBlock = IPv4Block("10.0.0.0/16")!

    static func facts(
        ingress: [AWSFacts.Permission], egress: [AWSFacts.Permission] = [], groupVPC: String = "vpc-0abc1234"
    )
        -> AWSFacts
    {
        var facts = AWSFacts(region: "us-west-2")
        facts.subnets[subnet] = .init(
            id: subnet, vpcId: "vpc-0abc1234", availabilityZone: "us-west-2b", cidrBlock: IPv4Block("10.0.1.0/24"))
        facts.vpcs["vpc-0abc1234"] = .init(id: "vpc-0abc1234", cidrBlocks: [vpcBlock])
        facts.securityGroups[group] = .init(id: group, vpcId: groupVPC, ingress: ingress, egress: egress)
        return facts
    }

    static let lustre: [AWSFacts.Permission] = [
        .init(ipProtocol: "tcp", fromPort: 988, toPort: 988, groupIds: [group]),
        .init(ipProtocol: "tcp", fromPort: 1018, toPort: 1023, groupIds: [group]),
    ]

    static func storageClass(groups: String = group, efa: Bool = false) -> JSONValue {
        var parameters: [(String, JSONValue)] = [
            ("subnetId", .string(subnet)), ("securityGroupIds", .string(groups)),
            ("deploymentType", "PERSISTENT_2"), ("perUnitStorageThroughput", "250"), ("fileSystemTypeVersion", "2.15"),
        ]
        if efa {
            parameters += [("efaEnabled", "true"), ("metadataConfigurationMode", "AUTOMATIC")]
        }
        return .object(
            JSONObject([
                .init(key: "apiVersion", value: "storage.k8s.io/v1"), .init(key: "kind", value: "StorageClass"),
                .init(key: "metadata", value: ["name": "fsx"]), .init(key: "provisioner", value: "fsx.csi.aws.com"),
                .init(key: "parameters", value: .object(JSONObject(parameters.map { .init(key: $0.0, value: $0.1) }))),
            ]))
    }

    static func awsRules(_ object: JSONValue, _ facts: AWSFacts) -> [FSxExpected] {
        FSxExpected.of(
            StorageClassValidator.validate(object, unknownParameters: .warn, aws: facts).filter {
                $0.rule.rawValue.hasPrefix("aws-")
            })
    }

    /// What an `aws-` row judges: a StorageClass with the facts AWS gave about it.
    struct Input: Sendable {
        var object: JSONValue
        var facts: AWSFacts
    }

    typealias Case = TableCase<Input, [FSxExpected]>

    static let groupsField = "parameters.securityGroupIds"
    static let cases: [Case] = {
        var absentSubnet = facts(ingress: lustre)
        absentSubnet.subnets = [:]
        absentSubnet.absent = [subnet]
        var absentGroup = facts(ingress: lustre)
        absentGroup.securityGroups = [:]
        absentGroup.absent = [group]
        var unknown = facts(ingress: lustre)
        unknown.securityGroups = [:]
        unknown.reason = "throttled by ec2"
        let all = AWSFacts.Permission(ipProtocol: "-1", groupIds: [group])
        return [
            Case(
                "allows 988 and 1018-1023 from itself", Input(object: storageClass(), facts: facts(ingress: lustre)), []
            ),
            Case(
                "allows 988 only from the VPC CIDR (1018 warns)",
                Input(
                    object: storageClass(),
                    facts: facts(ingress: [.init(ipProtocol: "tcp", fromPort: 988, toPort: 988, ipRanges: [vpcBlock])])),
                [.warn("aws-sg-lustre-1018", groupsField)]),
            Case(
                "allows all traffic from 0.0.0.0/0",
                Input(
                    object: storageClass(),
                    facts: facts(ingress: [.init(ipProtocol: "-1", ipRanges: [IPv4Block("0.0.0.0/0")!])])), []),
            Case(
                "a port range covering 988",
                Input(
                    object: storageClass(),
                    facts: facts(ingress: [.init(ipProtocol: "tcp", fromPort: 0, toPort: 65535, groupIds: [group])])),
                []),
            Case(
                "denies without 988",
                Input(
                    object: storageClass(),
                    facts: facts(ingress: [.init(ipProtocol: "tcp", fromPort: 443, toPort: 443, groupIds: [group])])),
                [.deny("aws-sg-lustre-988", groupsField), .warn("aws-sg-lustre-1018", groupsField)]),
            Case(
                "denies 988 from a narrower CIDR than the subnet",
                Input(
                    object: storageClass(),
                    facts: facts(ingress: [
                        .init(ipProtocol: "tcp", fromPort: 988, toPort: 1023, ipRanges: [IPv4Block("10.0.1.0/28")!])
                    ])), [.deny("aws-sg-lustre-988", groupsField), .warn("aws-sg-lustre-1018", groupsField)]),
            Case(
                "denies 988 over UDP only",
                Input(
                    object: storageClass(),
                    facts: facts(ingress: [.init(ipProtocol: "udp", fromPort: 988, toPort: 1023, groupIds: [group])])),
                [.deny("aws-sg-lustre-988", groupsField), .warn("aws-sg-lustre-1018", groupsField)]),
            Case(
                "denies a subnet that does not exist", Input(object: storageClass(), facts: absentSubnet),
                [.deny("aws-subnet-unknown", "parameters.subnetId")]),
            Case(
                "denies a group that does not exist", Input(object: storageClass(), facts: absentGroup),
                [.deny("aws-sg-unknown", groupsField)]),
            Case(
                "denies a group of another VPC",
                Input(object: storageClass(), facts: facts(ingress: lustre, groupVPC: "vpc-0def5678")),
                [.deny("aws-sg-unknown", groupsField)]),
            Case(
                "warns when AWS could not be asked", Input(object: storageClass(), facts: unknown),
                [.warn("aws-unverified", groupsField)]),
            Case(
                "EFA allowed with all traffic in and out within the group",
                Input(object: storageClass(efa: true), facts: facts(ingress: lustre + [all], egress: [all])), []),
            Case(
                "EFA denied without all outbound traffic to the group",
                Input(
                    object: storageClass(efa: true),
                    facts: facts(
                        ingress: lustre + [all], egress: [.init(ipProtocol: "-1", ipRanges: [IPv4Block("0.0.0.0/0")!])])
                ), [.deny("aws-sg-efa", groupsField)]),
        ]
    }()

    @Test(arguments: cases)
    func awsRule(_ row: Case) {
        #expect(Self.awsRules(row.input.object, row.input.facts) == row.expected.sorted())
    }

    @Test func noAWSRuleWithoutFacts() {
        let violations = StorageClassValidator.validate(Self.storageClass(), unknownParameters: .warn)
        #expect(!violations.contains { $0.rule.rawValue.hasPrefix("aws-") })
    }

    @Test func lookupsNameTheSubnetAndGroups() {
        let lookups = StorageClassValidator.awsLookups(
            Self.storageClass(groups: "\(Self.group),\(Self.other),\(Self.group)"))
        #expect(lookups == AWSLookups(subnetIds: [Self.subnet], securityGroupIds: [Self.group, Self.other]))
        #expect(StorageClassValidator.awsLookups(Self.storageClass(groups: "sg-bad")) == .none)
    }

    @Test func ipv4BlockMath() {
        #expect(IPv4Block("10.0.0.0/16")!.contains(IPv4Block("10.0.1.0/24")!))
        #expect(!IPv4Block("10.0.1.0/24")!.contains(IPv4Block("10.0.0.0/16")!))
        #expect(IPv4Block("0.0.0.0/0")!.contains(IPv4Block("192.168.1.1/32")!))
        #expect(IPv4Block("10.0.0.7/16")?.description == "10.0.0.0/16")
        for bad in ["10.0.0.0", "10.0.0.0/33", "256.0.0.0/8", "01.0.0.0/8", "::/0", ""] {
            #expect(IPv4Block(bad) == nil)
        }
    }

    // MARK: - Configuration and zone discovery

    static let configYAMLLike: JSONValue = [
        "aws": ["region": "us-west-2", "cacheTTL": "10m", "lookupBudget": "500ms"],
        "volumes": ["data": ["claimName": "data", "mountPath": "/data", "fileSystemId": "fs-0123456789abcdef0"]],
        "defaultVolumes": ["data"],
    ]

    @Test func readsTheAWSSection() throws {
        let configuration = try WebhookConfiguration(json: Self.configYAMLLike)
        #expect(
            configuration.aws == .init(region: "us-west-2", cacheTTL: .seconds(600), lookupBudget: .milliseconds(500)))
        #expect(configuration.volume(named: "data")?.fileSystemId == "fs-0123456789abcdef0")
    }

    /// Configurations that must be refused, each with the key the error must name.
    static let badConfigurations: [TableCase<JSONValue, String>] = {
        let volume: JSONValue = ["claimName": "d", "mountPath": "/d", "fileSystemId": "fs-0123456789abcdef0"]
        let zoned: JSONValue = [
            "claimName": "d", "mountPath": "/d", "fileSystemId": "fs-0123456789abcdef0", "zone": "us-west-2a",
        ]
        let badID: JSONValue = ["claimName": "d", "mountPath": "/d", "fileSystemId": "fs-x"]
        return [
            .init("lookup budget without a unit", ["aws": ["lookupBudget": "500"]], "aws.lookupBudget"),
            .init("lookup budget of an hour", ["aws": ["lookupBudget": "1h"]], "aws.lookupBudget"),
            .init("cache TTL under ten seconds", ["aws": ["cacheTTL": "1s"]], "aws.cacheTTL"),
            .init("region by name, not code", ["aws": ["region": "Oregon"]], "aws.region"),
            .init("endpoint that is no http(s) URL", ["aws": ["endpointURL": "localhost:5000"]], "aws.endpointURL"),
            .init("unknown aws key", ["aws": ["retries": "3"]], "aws.retries"),
            .init("file system ID without an aws section", ["volumes": ["data": volume]], "volumes.data.fileSystemId"),
            .init(
                "file system ID beside a fixed zone", ["aws": [:], "volumes": ["data": zoned]],
                "volumes.data.fileSystemId"),
            .init("malformed file system ID", ["aws": [:], "volumes": ["data": badID]], "volumes.data.fileSystemId"),
        ]
    }()

    @Test(arguments: badConfigurations)
    func refusesBadAWSConfiguration(_ row: TableCase<JSONValue, String>) {
        do throws(ConfigurationError) {
            _ = try WebhookConfiguration(json: row.input)
            Issue.record("accepted a bad configuration for \(row.expected)")
        } catch {
            #expect(error.key == row.expected)
        }
    }

    static func job(placement: String? = nil) -> AdmissionRequest {
        var annotations: [JSONObject.Member] = []
        if let placement { annotations.append(.init(key: "fsx-webhook/placement", value: .string(placement))) }
        let job: JSONValue = .object(
            JSONObject([
                .init(key: "apiVersion", value: "batch/v1"), .init(key: "kind", value: "Job"),
                .init(
                    key: "metadata",
                    value: .object(
                        JSONObject([
                            .init(key: "name", value: "train"), .init(key: "namespace", value: "ml"),
                            .init(key: "labels", value: ["fsx-webhook/inject": "true"]),
                            .init(key: "annotations", value: .object(JSONObject(annotations))),
                        ]))),
                .init(
                    key: "spec",
                    value: ["template": ["spec": ["containers": [["name": "trainer", "image": "trainer:1"]]]]]),
            ]))
        return AdmissionRequest(creating: job)
    }

    static func fileSystemFacts() -> AWSFacts {
        var facts = AWSFacts(region: "us-west-2")
        facts.fileSystems["fs-0123456789abcdef0"] = .init(id: "fs-0123456789abcdef0", subnetIds: [subnet])
        facts.subnets[subnet] = .init(id: subnet, vpcId: "vpc-0abc1234", availabilityZone: "us-west-2b", cidrBlock: nil)
        facts.vpcs["vpc-0abc1234"] = .init(id: "vpc-0abc1234", cidrBlocks: [])
        return facts
    }

    @Test func discoversTheZoneOfAFileSystem() throws {
        let engine = AdmissionEngine(configuration: try WebhookConfiguration(json: Self.configYAMLLike))
        let request = Self.job()
        #expect(engine.awsLookups(for: request) == AWSLookups(fileSystemIds: ["fs-0123456789abcdef0"]))
        let facts = Self.fileSystemFacts()
        #expect(facts.covers(engine.awsLookups(for: request)))
        let decision = engine.decide(request, facts: facts)
        #expect(decision.outcome == .patched)
        let patch = JSONWriter.string(.array(decision.patch.map(\.json)))
        #expect(patch.contains("us-west-2b"))
    }

    @Test func unknownZoneDeniesUnderRequiredAndWarnsUnderPreferred() throws {
        let engine = AdmissionEngine(configuration: try WebhookConfiguration(json: Self.configYAMLLike))
        let unanswered = AWSFacts(region: "us-west-2", reason: "ec2 unreachable")
        let required = engine.decide(Self.job(), facts: unanswered)
        #expect(required.denials.map(\.rule) == [.awsZoneUnknown])
        #expect(required.denialMessage.contains("ec2 unreachable"))
        let preferred = engine.decide(Self.job(placement: "preferred"), facts: unanswered)
        #expect(preferred.outcome == .patched)
        #expect(preferred.warnings.map(\.rule) == [.awsZoneUnknown])
        #expect(!JSONWriter.string(.array(preferred.patch.map(\.json))).contains("affinity"))
        #expect(engine.decide(Self.job(), facts: nil).denials.map(\.rule) == [.awsZoneUnknown])
    }
}
