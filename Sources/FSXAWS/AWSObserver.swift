/// The AWS services the webhook calls, the `service` label of
/// `fsx_webhook_aws_requests_total`.
public enum AWSService: String, Sendable, CaseIterable {
    case ec2, fsx, sts
}

/// How one HTTP call to AWS ended, the `outcome` label.
public enum AWSRequestOutcome: String, Sendable, CaseIterable {
    /// Answered (including "no such ID", which is an answer).
    case ok
    /// 429, or a throttling error code: retried while the budget lasts.
    case throttled
    /// 5xx: retried while the budget lasts.
    case serverError = "server-error"
    /// Another 4xx: refused (credentials, permissions); not retried.
    case error
    /// No answer: connection refused, reset, or the deadline passed.
    case unreachable
}

/// Receives counts of AWS calls and the cache size (the server's metrics).
public protocol AWSObserver: Sendable {
    /// One HTTP exchange with `service` ended after `nanoseconds` (retries are exchanges of
    /// their own).
    func awsRequestFinished(service: AWSService, outcome: AWSRequestOutcome, nanoseconds: Int64)
    func awsCacheEntriesChanged(_ count: Int)
}
