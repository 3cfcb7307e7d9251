import FSXAWS
import FSXCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `fsx-webhook serve` as a value: the webhook server, the operations server and the
/// certificate reloader, run as one ServiceGroup that shuts down gracefully on SIGTERM and
/// SIGINT.
///
/// Creating it loads the serving certificate (or mints the development one), so a bad
/// certificate stops the program before anything listens.
public struct WebhookApplication: Sendable {
    public let configuration: ServerConfiguration
    public let metrics: ServerMetrics
    public let certificates: CertificateStore
    public let state: ServerState
    public let webhookServer: WebhookServer
    public let operationsServer: OperationsServer
    /// `nil` for the development certificate, which has no files to watch.
    public let reloader: CertificateReloader?
    /// `nil` without an `aws:` section.
    public let awsFacts: AWSFactsService?
    let logger: Logger

    /// With `aws`, the cache built for the configuration's `aws:` section (its client
    /// reporting to `metrics.aws`): reviews read their facts from it, and readiness waits
    /// (bounded) for the configured volumes' facts.
    public init(
        configuration: ServerConfiguration, engine: AdmissionEngine, logger: Logger,
        metrics: ServerMetrics = ServerMetrics(), aws: AWSFactsCache? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(StartupError) {
        self.configuration = configuration
        self.logger = logger
        let identity: ServingIdentity
        switch configuration.tls {
        case .files(var files):
            files.clientCAPath = configuration.clientCAPath
            do {
                identity = try files.load(offerHTTP2: configuration.http2)
            } catch {
                let clientCA = files.clientCAPath.map { " / client CA \($0)" } ?? ""
                throw StartupError(
                    "serving certificate \(files.certificatePath) / key \(files.privateKeyPath)\(clientCA): \(error.message)"
                )
            }
            reloader = CertificateReloader(
                files: files, store: CertificateStore(), metrics: metrics,
                interval: configuration.certificateReloadInterval, offerHTTP2: configuration.http2, logger: logger)
        case .development(let caPath):
            var options = ServingIdentity.Options(offerHTTP2: configuration.http2)
            if let clientCAPath = configuration.clientCAPath {
                do {
                    options.clientCAPEM = try CertificateFiles.readFile(clientCAPath)
                } catch {
                    throw StartupError("client CA \(clientCAPath): \(error.message)")
                }
            }
            identity = try Self.developmentIdentity(caPath: caPath, options: options, logger: logger)
            reloader = nil
        }
        let certificates = reloader?.store ?? CertificateStore()
        certificates.replace(with: identity)
        metrics.certificateLoaded(expiry: identity.expiry, isReload: false)
        logger.info(
            "serving certificate loaded",
            metadata: ["subject": "\(identity.leaf.subject)", "not_after": "\(identity.leaf.notValidAfter)"])

        let state = ServerState(certificates: certificates)
        var gathering: AWSFactsGathering?
        if let aws {
            state.setLoadingAWSFacts(true)
            gathering = AWSFactsGathering(source: aws, metrics: metrics.aws)
            awsFacts = AWSFactsService(
                cache: aws,
                configured: AWSLookups(fileSystemIds: engine.configuration.volumes.compactMap(\.fileSystemId)),
                warmUpTimeout: AWSFactsService.warmUpTimeout(lookupBudget: aws.lookupBudget), state: state,
                logger: logger)
        } else {
            awsFacts = nil
        }
        self.metrics = metrics
        self.certificates = certificates
        self.state = state
        let budget = BodyMemoryBudget(limit: configuration.bodyMemoryLimit, metrics: metrics)
        // A body larger than one request may hold of the budget could never be buffered:
        // it gets 413 from its head rather than 503 forever.
        let maximumBodySize = min(configuration.maximumBodySize, budget.perRequestLimit)
        self.webhookServer = WebhookServer(
            configuration: configuration,
            router: WebhookRouter(engine: engine, maximumBodySize: maximumBodySize, aws: gathering),
            certificates: certificates, metrics: metrics, state: state, budget: budget,
            refusals: RefusalLog(logger: logger, metrics: metrics.protection, eventLoop: group.next()),
            logger: logger, group: group)
        self.operationsServer = OperationsServer(
            host: configuration.operationsHost, port: configuration.operationsPort, metrics: metrics, state: state,
            logger: logger, group: group)
    }

    /// The services in start order. A service group shuts services down in reverse order:
    /// the webhook server drains first, while `/readyz` still answers (503).
    public var services: [any Service] {
        var services: [any Service] = [operationsServer]
        if let awsFacts { services.append(awsFacts) }
        if let reloader { services.append(reloader) }
        services.append(webhookServer)
        return services
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully and returns.
    public func run() async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }

    /// Mints the CA and the localhost serving certificate, and writes the CA for clients.
    static func developmentIdentity(
        caPath: String, options: ServingIdentity.Options, logger: Logger
    ) throws(StartupError) -> ServingIdentity {
        do {
            let authority = try CertificateAuthority()
            let serving = try authority.issueServingCertificate(hosts: ["localhost", "127.0.0.1", "::1"])
            let identity = try ServingIdentity(
                certificatePEM: Array(serving.certificatePEM.utf8), privateKeyPEM: Array(serving.privateKeyPEM.utf8),
                options: options)
            try writeFile(caPath, contents: try authority.certificatePEM)
            logger.warning(
                "no --tls-cert-file given: serving a self-signed development certificate for localhost, 127.0.0.1 and ::1; FOR LOCAL USE ONLY, never in a cluster",
                metadata: ["ca_file": "\(caPath)", "try": "curl --cacert \(caPath) https://localhost:<port>/validate"])
            return identity
        } catch let error as StartupError {
            throw error
        } catch {
            throw StartupError("cannot create the development certificate: \(error)")
        }
    }

    /// The default place for the development CA: `$TMPDIR/fsx-webhook-dev-ca.pem`.
    public static func defaultDevelopmentCAPath(environment: [String: String]) -> String {
        var directory = environment["TMPDIR"] ?? "/tmp"
        if directory.isEmpty { directory = "/tmp" }
        if directory.hasSuffix("/") { directory.removeLast() }
        return directory + "/fsx-webhook-dev-ca.pem"
    }

    static func writeFile(_ path: String, contents: String) throws(StartupError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw StartupError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw StartupError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}

/// Why `serve` could not start: one line for standard error.
public struct StartupError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
