/// What AWS said about the subnets, security groups, VPCs and file systems a decision needs,
/// as a value: the edge (server, CLI) gathers it, the decision only reads it.
///
/// Each ID is in one of three states: found (its facts are here), absent (AWS answered that
/// it does not exist), or unknown (AWS was not asked, or did not answer in time); `reason`
/// says why facts are unknown, for the `aws-unverified` warning.
public struct AWSFacts: Sendable, Equatable {
    public struct Subnet: Sendable, Equatable {
        var id: String
        public var vpcId: String
        var availabilityZone: String
        var cidrBlock: IPv4Block?

        public init(id: String, vpcId: String, availabilityZone: String, cidrBlock: IPv4Block?) {
            self.id = id
            self.vpcId = vpcId
            self.availabilityZone = availabilityZone
            self.cidrBlock = cidrBlock
        }
    }

    public struct VPC: Sendable, Equatable {
        public var id: String
        /// Every associated IPv4 block: the primary one and any secondary ones.
        var cidrBlocks: [IPv4Block]

        public init(id: String, cidrBlocks: [IPv4Block]) {
            self.id = id
            self.cidrBlocks = cidrBlocks
        }
    }

    /// One rule of a security group, inbound or outbound, as EC2 reports it.
    public struct Permission: Sendable, Equatable {
        /// `tcp`, `udp`, `icmp`, a protocol number, or `-1` for all traffic.
        var ipProtocol: String
        /// The port range; `nil` for all ports (protocol `-1`).
        package var fromPort: Int?
        package var toPort: Int?
        /// IPv4 sources (inbound) or destinations (outbound).
        package var ipRanges: [IPv4Block]
        /// Security groups as sources or destinations.
        package var groupIds: [String]

        public init(
            ipProtocol: String, fromPort: Int? = nil, toPort: Int? = nil, ipRanges: [IPv4Block] = [],
            groupIds: [String] = []
        ) {
            self.ipProtocol = ipProtocol
            self.fromPort = fromPort
            self.toPort = toPort
            self.ipRanges = ipRanges
            self.groupIds = groupIds
        }

        /// Whether this rule lets all traffic through (`-1`), whatever the ports.
        var isAllTraffic: Bool { ipProtocol == "-1" || ipProtocol == "all" }

        /// Whether this rule covers TCP `port`.
        func allowsTCP(_ port: Int) -> Bool {
            if isAllTraffic { return true }
            guard ipProtocol == "tcp" || ipProtocol == "6" else { return false }
            // EC2 reports -1..-1 or no ports for "all ports" on some protocols.
            guard let fromPort, let toPort, fromPort >= 0 else { return true }
            return fromPort <= port && port <= toPort
        }
    }

    public struct SecurityGroup: Sendable, Equatable {
        var id: String
        var vpcId: String
        var ingress: [Permission]
        var egress: [Permission]

        public init(id: String, vpcId: String, ingress: [Permission] = [], egress: [Permission] = []) {
            self.id = id
            self.vpcId = vpcId
            self.ingress = ingress
            self.egress = egress
        }
    }

    public struct FileSystem: Sendable, Equatable {
        var id: String
        /// The file system's subnets; Lustre file systems have exactly one.
        public var subnetIds: [String]

        public init(id: String, subnetIds: [String]) {
            self.id = id
            self.subnetIds = subnetIds
        }
    }

    /// One ID's state.
    enum Lookup<Value: Sendable & Equatable>: Sendable, Equatable {
        case found(Value)
        /// AWS answered that it does not exist.
        case absent
        /// Not known: not asked, or no answer in time.
        case unknown
    }

    /// The region the facts come from, for messages.
    public var region: String
    public var subnets: [String: Subnet] = [:]
    public var vpcs: [String: VPC] = [:]
    public var securityGroups: [String: SecurityGroup] = [:]
    public var fileSystems: [String: FileSystem] = [:]
    /// IDs AWS said do not exist (subnet-, sg-, vpc- and fs- IDs never collide).
    public var absent: Set<String> = []
    /// Why facts may be missing (throttled, unreachable, no credentials), when they are.
    public var reason: String?

    public init(region: String, reason: String? = nil) {
        self.region = region
        self.reason = reason
    }

    func subnet(_ id: String) -> Lookup<Subnet> { lookup(subnets, id) }
    func vpc(_ id: String) -> Lookup<VPC> { lookup(vpcs, id) }
    func securityGroup(_ id: String) -> Lookup<SecurityGroup> { lookup(securityGroups, id) }
    func fileSystem(_ id: String) -> Lookup<FileSystem> { lookup(fileSystems, id) }

    private func lookup<Value>(_ map: [String: Value], _ id: String) -> Lookup<Value> {
        if let value = map[id] { return .found(value) }
        return absent.contains(id) ? .absent : .unknown
    }

    /// The availability zone of a file system: the zone of its first subnet, when both are known.
    package func zone(ofFileSystem id: String) -> String? {
        guard let subnetId = fileSystems[id]?.subnetIds.first else { return nil }
        return subnets[subnetId]?.availabilityZone
    }

    /// Whether every fact `lookups` asks for is known (found or absent), including the ones
    /// found through others: a subnet's VPC, a file system's subnet.
    public func covers(_ lookups: AWSLookups) -> Bool {
        for id in lookups.subnetIds where !knowsSubnet(id) { return false }
        for id in lookups.securityGroupIds where securityGroups[id] == nil && !absent.contains(id) { return false }
        for id in lookups.fileSystemIds {
            if absent.contains(id) { continue }
            guard let system = fileSystems[id] else { return false }
            for subnet in system.subnetIds.prefix(1) where !knowsSubnet(subnet) { return false }
        }
        return true
    }

    private func knowsSubnet(_ id: String) -> Bool {
        if absent.contains(id) { return true }
        guard let subnet = subnets[id] else { return false }
        return vpcs[subnet.vpcId] != nil || absent.contains(subnet.vpcId)
    }

    /// Adds `other`'s facts; where both know an ID, `other` wins (it is newer).
    public mutating func merge(_ other: AWSFacts) {
        subnets.merge(other.subnets) { _, new in new }
        vpcs.merge(other.vpcs) { _, new in new }
        securityGroups.merge(other.securityGroups) { _, new in new }
        fileSystems.merge(other.fileSystems) { _, new in new }
        absent.formUnion(other.absent)
        for id in other.subnets.keys { absent.remove(id) }
        for id in other.vpcs.keys { absent.remove(id) }
        for id in other.securityGroups.keys { absent.remove(id) }
        for id in other.fileSystems.keys { absent.remove(id) }
        if other.reason != nil { reason = other.reason }
    }
}

/// The AWS facts one request needs: what the edge gathers before deciding.
public struct AWSLookups: Sendable, Equatable, Hashable {
    public var subnetIds: [String]
    public var securityGroupIds: [String]
    public var fileSystemIds: [String]

    public init(subnetIds: [String] = [], securityGroupIds: [String] = [], fileSystemIds: [String] = []) {
        self.subnetIds = subnetIds
        self.securityGroupIds = securityGroupIds
        self.fileSystemIds = fileSystemIds
    }

    public static let none = AWSLookups()

    public var isEmpty: Bool { subnetIds.isEmpty && securityGroupIds.isEmpty && fileSystemIds.isEmpty }

    /// Both lists of needs, without repeats.
    public func union(_ other: AWSLookups) -> AWSLookups {
        func merged(_ a: [String], _ b: [String]) -> [String] {
            var seen = Set(a)
            return a + b.filter { seen.insert($0).inserted }
        }
        return AWSLookups(
            subnetIds: merged(subnetIds, other.subnetIds),
            securityGroupIds: merged(securityGroupIds, other.securityGroupIds),
            fileSystemIds: merged(fileSystemIds, other.fileSystemIds))
    }
}

/// Where the edge gets facts from: the AWS client's cache in the server and the CLI, a fixed
/// value in tests.
public protocol AWSFactsSource: Sendable {
    /// Facts already at hand that cover `lookups` (fresh or stale), without waiting; `nil`
    /// when something must be asked first. On the request path: must not block.
    func cachedFacts(covering lookups: AWSLookups) -> AWSFacts?
    /// Asks AWS for what is missing, waiting no longer than the lookup budget; what could
    /// not be learnt in time is unknown, with `reason` set.
    func facts(for lookups: AWSLookups) async -> AWSFacts
}
