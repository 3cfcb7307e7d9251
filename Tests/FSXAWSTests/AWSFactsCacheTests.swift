import AsyncHTTPClient
import FSXCore
import Logging
import Testing

@testable import FSXAWS

/// The cache's bound: past `maximumEntries` it keeps the configured volumes' facts and the
/// newest answer, so made-up IDs cannot grow it (nor the background refresh) without end.
struct AWSFactsCacheTests {
    @Test func theCacheIsBoundedAndKeepsTheConfiguredFacts() async throws {
        let environment = ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"]
        let credentials = CredentialsProvider(
            environment: environment, region: "us-west-2", endpointURL: "http://127.0.0.1:9", http: .shared,
            observer: nil)
        let client = AWSClient(
            region: "us-west-2", endpointURL: "http://127.0.0.1:9", http: .shared, credentials: credentials,
            observer: nil, logger: Logger(label: "test"))
        let cache = AWSFactsCache(
            client: client, cacheTTL: .seconds(600), lookupBudget: .milliseconds(50), logger: Logger(label: "test"))
        let system = "fs-0123456789abcdef0"
        let subnet = "subnet-0123456789abcdef0"
        // Nothing answers on port 9: the warm-up fails, but pins the configured file system.
        #expect(await cache.warm(AWSLookups(fileSystemIds: [system]), timeout: .milliseconds(100)) == false)
        var configured = AWSFacts(region: "us-west-2")
        configured.fileSystems[system] = .init(id: system, subnetIds: [subnet])
        configured.subnets[subnet] = .init(
            id: subnet, vpcId: "vpc-01234567", availabilityZone: "us-west-2a", cidrBlock: nil)
        configured.vpcs["vpc-01234567"] = .init(id: "vpc-01234567", cidrBlocks: [])
        cache.store(configured)
        for batch in 0..<5 {
            var made = AWSFacts(region: "us-west-2")
            made.absent = Set((0..<1000).map { "sg-\(batch)\(String($0, radix: 16))" })
            cache.store(made)
            #expect(AWSFactsCache.entries(cache.snapshot) <= AWSFactsCache.maximumEntries)
        }
        let last = "sg-4\(String(999, radix: 16))"
        #expect(cache.snapshot.zone(ofFileSystem: system) == "us-west-2a")
        #expect(cache.snapshot.absent.contains(last))
        #expect(cache.cachedFacts(covering: AWSLookups(fileSystemIds: [system])) != nil)
    }
}
