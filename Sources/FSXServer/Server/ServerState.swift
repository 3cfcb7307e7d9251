import Atomics

/// What `/readyz` reports: ready while a certificate is loaded, the server listens and is not
/// shutting down, and (with `aws:`) the configured volumes' facts were asked for at start
/// (bounded by `AWSFactsService.warmUpTimeout`). (The admission configuration was checked before the server started; an
/// invalid one stops the program, so a running server always has a valid one.)
public final class ServerState: Sendable {
    private let shuttingDown = ManagedAtomic(false)
    private let listening = ManagedAtomic(false)
    /// Set while the AWS facts of the configured volumes load at start (bounded).
    private let loadingAWSFacts = ManagedAtomic(false)
    let certificates: CertificateStore

    public init(certificates: CertificateStore) {
        self.certificates = certificates
    }

    /// The reason the server is not ready, or `nil` when it is.
    public var notReadyReason: String? {
        if shuttingDown.load(ordering: .relaxed) { return "shutting down" }
        if !certificates.isLoaded { return "no serving certificate loaded" }
        if !listening.load(ordering: .relaxed) { return "not listening yet" }
        if loadingAWSFacts.load(ordering: .relaxed) { return "loading the AWS facts of the configured volumes" }
        return nil
    }

    public var isReady: Bool { notReadyReason == nil }

    func markListening() { listening.store(true, ordering: .relaxed) }

    func setLoadingAWSFacts(_ loading: Bool) { loadingAWSFacts.store(loading, ordering: .relaxed) }

    /// Returns `true` the first time only, so shutdown starts once.
    func beginShutdown() -> Bool {
        shuttingDown.exchange(true, ordering: .relaxed) == false
    }
}
