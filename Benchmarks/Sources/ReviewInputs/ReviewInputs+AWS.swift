import FSXCore
import Foundation

/// The Job review of a server with an `aws:` section and a warm cache: the same review and
/// the same answer as `jobReview()` with `configuration()`, but the two volumes it asks for
/// name `fileSystemId`, and their zone comes from AWS facts already cached.
extension ReviewInputs {
    public static let trainingDataFileSystem = "fs-0123456789abcdef0"
    public static let checkpointsFileSystem = "fs-0fedcba9876543210"

    /// `configuration()` with `aws:` set and the Job's volumes located by file system.
    public static func awsConfiguration() -> WebhookConfiguration {
        do {
            guard case .object(var root) = try JSONParser.parse(bytes("config.json")),
                case .object(var volumes)? = root["volumes"],
                case .object(var data)? = volumes["training-data"],
                case .object(var checkpoints)? = volumes["checkpoints"]
            else { fatalError("config.json is not the benchmark configuration") }
            data["subnetId"] = nil
            data["fileSystemId"] = .string(trainingDataFileSystem)
            checkpoints["zone"] = nil
            checkpoints["fileSystemId"] = .string(checkpointsFileSystem)
            volumes["training-data"] = .object(data)
            volumes["checkpoints"] = .object(checkpoints)
            root["volumes"] = .object(volumes)
            root["aws"] = ["region": "us-west-2", "cacheTTL": "10m", "lookupBudget": "500ms"]
            return try WebhookConfiguration(json: .object(root))
        } catch {
            fatalError("benchmark AWS configuration is not valid: \(error)")
        }
    }

    /// What the cache holds once warm: both file systems in subnets of us-west-2a, the zone
    /// `configuration()` gives them by hand.
    public static func warmAWSFacts() -> AWSFacts {
        var facts = AWSFacts(region: "us-west-2")
        for (system, subnet) in [
            (trainingDataFileSystem, "subnet-0123456789abcdef0"), (checkpointsFileSystem, "subnet-0aaaabbbbccccdddd"),
        ] {
            facts.fileSystems[system] = .init(id: system, subnetIds: [subnet])
            facts.subnets[subnet] = .init(
                id: subnet, vpcId: "vpc-0123456789abcdef0", availabilityZone: "us-west-2a",
                cidrBlock: IPv4Block("10.0.1.0/24"))
        }
        facts.vpcs["vpc-0123456789abcdef0"] = .init(
            id: "vpc-0123456789abcdef0", cidrBlocks: [IPv4Block("10.0.0.0/16")!])
        return facts
    }
}

/// The request-path half of the server's facts cache (`AWSFactsCache.cachedFacts`, in the
/// FSXAWS target, which the core-only benchmark build does not have): a mutex, the coverage
/// check, a copy of the value. Nothing is ever gathered: the cache is warm.
public final class WarmFactsCache: AWSFactsSource, @unchecked Sendable {
    private let lock = NSLock()
    private var facts: AWSFacts

    public init(_ facts: AWSFacts) { self.facts = facts }

    public func cachedFacts(covering lookups: AWSLookups) -> AWSFacts? {
        lock.lock()
        defer { lock.unlock() }
        return facts.covers(lookups) ? facts : nil
    }

    public func facts(for lookups: AWSLookups) async -> AWSFacts {
        fatalError("the benchmark's cache is warm: nothing is asked of AWS")
    }
}
