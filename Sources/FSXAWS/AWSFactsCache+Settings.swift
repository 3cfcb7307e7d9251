import AsyncHTTPClient
import FSXCore
import Logging

extension AWSFactsCache {
    /// Why the `aws:` section cannot be used: one line naming the fix.
    public struct SetupError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The cache, client and credentials chain of an `aws:` section, shared by `serve` and
    /// the CLI's `--aws`: the region from the section, else `AWS_REGION`/`AWS_DEFAULT_REGION`,
    /// else the instance's (IMDSv2, two seconds at most).
    public static func make(
        settings: WebhookConfiguration.AWSSettings, lookupBudget: Duration, environment: [String: String],
        http: HTTPClient, observer: (any AWSObserver)?, logger: Logger
    ) async throws(SetupError) -> AWSFactsCache {
        var region = settings.region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"]
        if region == nil || region?.isEmpty == true {
            region = try? await CredentialsProvider.instanceRegion(
                environment: environment, http: http, deadline: .now + .seconds(2))
        }
        guard let region, !region.isEmpty else {
            throw SetupError(description: "aws: no region; set aws.region in the configuration or AWS_REGION")
        }
        let credentials = CredentialsProvider(
            environment: environment, region: region, endpointURL: settings.endpointURL, http: http,
            observer: observer)
        let client = AWSClient(
            region: region, endpointURL: settings.endpointURL, http: http, credentials: credentials,
            observer: observer, logger: logger)
        return AWSFactsCache(client: client, cacheTTL: settings.cacheTTL, lookupBudget: lookupBudget, logger: logger)
    }
}
