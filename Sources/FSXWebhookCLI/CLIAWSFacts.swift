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
        let cache: AWSFactsCache
        do {
            cache = try await AWSFactsCache.make(
                settings: settings, lookupBudget: max(settings.lookupBudget * 10, .seconds(5)),
                environment: ProcessInfo.processInfo.environment, http: HTTPClient.shared, observer: nil,
                logger: Logger(label: "fsx-webhook.aws"))
        } catch {
            throw CLIFailure("--\(error.description)")
        }
        return await cache.facts(for: lookups)
    }
}
