/// The configuration file (`--config`), typed and checked.
///
/// Built once at start-up from the parsed YAML document (`init(json:)`); the decision code
/// takes this value and never reads files. With no file, `WebhookConfiguration.default`:
/// validate only, no volumes to inject.
public struct WebhookConfiguration: Sendable, Equatable {
    /// Where pods that mount FSx volumes are placed.
    public enum Placement: String, Sendable, CaseIterable {
        /// `requiredDuringSchedulingIgnoredDuringExecution`: the pod runs only in the zone.
        case required
        /// `preferredDuringSchedulingIgnoredDuringExecution` with weight 100.
        case preferred
        /// No affinity is added.
        case none
    }

    /// What to do with StorageClass parameters the driver does not know.
    public enum UnknownParameterPolicy: String, Sendable, CaseIterable {
        case warn, deny
    }

    /// What happens to a denial of a StorageClass or PersistentVolume.
    public enum Enforcement: String, Sendable, CaseIterable {
        /// Denied objects are refused.
        case deny
        /// Denials become warnings that start "would deny: " (a staged rollout): nothing is
        /// refused, and `fsx_webhook_violations_total{severity="would-deny"}` counts what would be.
        case warn
    }

    /// A per-rule override under `validation.rules`.
    public enum RuleSetting: String, Sendable, CaseIterable {
        /// Violations of the rule refuse the object (a warning rule becomes a denial).
        case deny
        /// Violations of the rule are warnings.
        case warn
        /// The rule is not reported at all.
        case off
    }

    /// One named FSx volume that Jobs may ask for.
    public struct Volume: Sendable, Equatable {
        /// The config key; also the pod volume name the webhook adds.
        package var name: String
        /// The PVC in the Job's namespace.
        var claimName: String
        /// Absolute path in the container.
        var mountPath: String
        package var readOnly: Bool
        /// The file system's subnet, when given.
        var subnetId: String?
        /// The file system's availability zone: given directly or resolved through `zones`.
        /// `nil` when the configuration's placement is `none`, or when the zone comes from AWS
        /// (`fileSystemId`).
        package var zone: String?
        /// The FSx file system, whose zone AWS tells (its subnet's zone), when given.
        public var fileSystemId: String?

        public init(
            name: String, claimName: String, mountPath: String, readOnly: Bool = false,
            subnetId: String? = nil, zone: String? = nil, fileSystemId: String? = nil
        ) {
            self.fileSystemId = fileSystemId
            self.name = name
            self.claimName = claimName
            self.mountPath = mountPath
            self.readOnly = readOnly
            self.subnetId = subnetId
            self.zone = zone
        }
    }

    /// The configured volumes, sorted by name.
    public var volumes: [Volume]
    /// Volumes injected when a Job names none.
    package var defaultVolumes: [String]
    /// Subnet ID to availability zone.
    public var zones: [String: String]
    package var placement: Placement
    /// The node label that carries the zone.
    package var zoneLabel: String
    var unknownParameters: UnknownParameterPolicy
    /// `validation.enforcement`: deny (the default) or warn.
    var enforcement: Enforcement
    /// `validation.rules`: per-rule overrides of validation rules, by id.
    var rules: [RuleID: RuleSetting]
    /// The `aws:` section: when set, StorageClasses are also checked against AWS and
    /// `fileSystemId` volumes find their zone there. `nil`: nothing calls AWS.
    public var aws: AWSSettings?

    public init(
        volumes: [Volume] = [],
        defaultVolumes: [String] = [],
        zones: [String: String] = [:],
        placement: Placement = .required,
        zoneLabel: String = "topology.kubernetes.io/zone",
        unknownParameters: UnknownParameterPolicy = .warn,
        enforcement: Enforcement = .deny,
        rules: [RuleID: RuleSetting] = [:],
        aws: AWSSettings? = nil
    ) {
        self.aws = aws
        self.volumes = volumes.sorted { $0.name < $1.name }
        self.defaultVolumes = defaultVolumes
        self.zones = zones
        self.placement = placement
        self.zoneLabel = zoneLabel
        self.unknownParameters = unknownParameters
        self.enforcement = enforcement
        self.rules = rules
    }

    /// The `aws:` section of the configuration.
    public struct AWSSettings: Sendable, Equatable {
        /// `nil`: `AWS_REGION`, else the instance's region (IMDSv2).
        public var region: String?
        /// One endpoint for every service (VPC endpoints, tests); `nil` for AWS's own.
        public var endpointURL: String?
        /// How long facts are used before they are asked again (in the background).
        public var cacheTTL: Duration
        /// The most one admission waits for AWS before it decides with what it has.
        public var lookupBudget: Duration

        init(
            region: String? = nil, endpointURL: String? = nil, cacheTTL: Duration = .seconds(600),
            lookupBudget: Duration = .milliseconds(500)
        ) {
            self.region = region
            self.endpointURL = endpointURL
            self.cacheTTL = cacheTTL
            self.lookupBudget = lookupBudget
        }
    }

    /// Volumes whose zone AWS tells (`fileSystemId`), sorted by name.
    var fileSystemVolumes: [Volume] { volumes.filter { $0.fileSystemId != nil } }

    /// Validate only: no volumes, required placement for when volumes are added later.
    public static let `default` = WebhookConfiguration()

    /// The volume with this config key.
    package func volume(named name: String) -> Volume? {
        volumes.first { $0.name == name }
    }
}

/// A configuration file that cannot be used, with the key and the fix.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Dotted path of the offending key (`volumes.training-data.mountPath`), or "" for the
    /// document itself.
    var key: String
    var problem: String
    var fix: String

    init(key: String, problem: String, fix: String) {
        self.key = key
        self.problem = problem
        self.fix = fix
    }

    public var description: String {
        let at = key.isEmpty ? "" : "\(key): "
        return "\(at)\(problem); \(fix)"
    }
}
