import Logging
import ServiceLifecycle

/// Polls the certificate and key files and installs a changed pair without a restart.
///
/// Polling by content rather than by file events: Kubernetes updates a mounted Secret by
/// swapping a `..data` symlink, cert-manager rewrites files in place, and both are seen
/// the same way by comparing bytes. A changed pair that is broken or mismatched is logged
/// and counted once, and the last good pair keeps serving; the next change is tried again.
public struct CertificateReloader: Service {
    public let files: CertificateFiles
    public let store: CertificateStore
    public let metrics: ServerMetrics
    public let interval: Duration
    /// Whether the reloaded identity offers h2 (`--http2`).
    public let offerHTTP2: Bool
    let logger: Logger

    public init(
        files: CertificateFiles, store: CertificateStore, metrics: ServerMetrics, interval: Duration,
        offerHTTP2: Bool = false, logger: Logger
    ) {
        self.files = files
        self.offerHTTP2 = offerHTTP2
        self.store = store
        self.metrics = metrics
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        var lastTried = store.identity?.source
        while true {
            do {
                // Cut short by a graceful shutdown too, so the service group is not kept
                // waiting for a poll nobody needs any more.
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            lastTried = poll(lastTried: lastTried)
        }
    }

    /// One look at the files; returns the content now considered tried, so one broken
    /// change is reported once, not at every poll.
    func poll(lastTried: ServingIdentity.Source?) -> ServingIdentity.Source? {
        let source: ServingIdentity.Source
        let result: Result<ServingIdentity, CertificateLoadError>
        do {
            let bytes = try files.contents()
            source = ServingIdentity.Source(
                certificate: bytes.certificate, privateKey: bytes.privateKey, clientCA: bytes.clientCA)
            guard source != lastTried else { return lastTried }
            result = Result { () throws(CertificateLoadError) in
                try ServingIdentity(
                    certificatePEM: bytes.certificate, privateKeyPEM: bytes.privateKey,
                    options: .init(offerHTTP2: offerHTTP2, clientCAPEM: bytes.clientCA))
            }
        } catch {
            // An unreadable file (a deleted Secret, a wrong permission) is a change too:
            // remembered by its message so it is reported once.
            source = ServingIdentity.Source(certificate: Array(error.message.utf8), privateKey: [])
            guard source != lastTried else { return lastTried }
            result = .failure(error)
        }
        switch result {
        case .success(let identity):
            store.replace(with: identity)
            metrics.certificateLoaded(expiry: identity.expiry, isReload: true)
            logger.info(
                "serving certificate reloaded",
                metadata: [
                    "subject": "\(identity.leaf.subject)",
                    "serial": "\(identity.leaf.serialNumber)",
                    "not_after": "\(identity.leaf.notValidAfter)",
                    "certificate_file": "\(files.certificatePath)",
                ])
        case .failure(let error):
            metrics.certificateReloadFailed()
            logger.error(
                "new certificate files refused; still serving the previous certificate",
                metadata: [
                    "error": "\(error.message)",
                    "reason": "\(error.reason.rawValue)",
                    "certificate_file": "\(files.certificatePath)",
                    "private_key_file": "\(files.privateKeyPath)",
                    "client_ca_file": "\(files.clientCAPath ?? "none")",
                ])
        }
        return source
    }
}
