import AsyncHTTPClient
import FSXAWS
import FSXCore
import Foundation
import Logging

/// `--aws` on the command line: the same credentials chain and calls as the server, from a
/// workstation or a CI job that has credentials, asked once for every object of the input.
enum CLIAWSFacts {
    /// A workstation is further from AWS than a pod: the whole input gets ten lookup budgets,
    /// at least 5 s, and what is not learnt by then is reported as `aws-unverified`.
    static func gather(_ lookups: AWSLookups, configuration: WebhookConfiguration) async throws -> AWSFacts {
        guard let settings = configuration.aws else {
            throw CLIFailure("--aws needs an aws: section in the configuration (give --config with aws: {region: ...})")
        }
        let environment = ProcessInfo.processInfo.environment
        let http = HTTPClient.shared
        let budget = max(settings.lookupBudget * 10, .seconds(5))
        var region = settings.region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"]
        if region == nil {
            region = try? await CredentialsProvider.instanceRegion(
                environment: environment, http: http, deadline: .now + .seconds(2))
        }
        guard let region, !region.isEmpty else {
            throw CLIFailure("--aws: no region; set aws.region in the configuration or AWS_REGION")
        }
        let logger = Logger(label: "fsx-webhook.aws")
        let credentials = CredentialsProvider(
            environment: environment, region: region, endpointURL: settings.endpointURL, http: http, observer: nil)
        let client = AWSClient(
            region: region, endpointURL: settings.endpointURL, http: http, credentials: credentials, observer: nil,
            logger: logger)
        let cache = AWSFactsCache(client: client, cacheTTL: settings.cacheTTL, lookupBudget: budget, logger: logger)
        return await cache.facts(for: lookups)
    }
}
