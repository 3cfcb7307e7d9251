import ArgumentParser
import AsyncHTTPClient
import FSXAWS
import FSXCore
import FSXManifests
import FSXServer
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `fsx-webhook serve`: flags in, `WebhookApplication` out. Everything else lives in FSXServer.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTPS admission webhook (POST /validate, POST /mutate).",
        discussion: """
            Without --tls-cert-file, serves a self-signed development certificate for localhost and \
            writes its CA to a file whose path is logged: for local use only.
            Plain HTTP on --metrics-port: /healthz, /readyz, /metrics.
            SIGTERM or SIGINT: stop accepting, finish in-flight reviews, exit 0.
            """)

    @Option(help: "Configuration file (YAML). Default: validate only, no volumes to inject.")
    var config: String?

    @Option(name: .customLong("tls-cert-file"), help: "PEM certificate chain, leaf first; re-read when it changes.")
    var tlsCertFile: String?

    @Option(
        name: .customLong("tls-private-key-file"), help: "PEM private key of the certificate; re-read when it changes.")
    var tlsPrivateKeyFile: String?

    @Option(help: "Address to listen on (both ports).")
    var host = "0.0.0.0"

    @Option(help: "HTTPS port for the webhook; 0 picks a free port.")
    var port = 8443

    @Option(
        name: .customLong("metrics-port"),
        help: "Plain-HTTP port for /healthz, /readyz and /metrics; 0 picks a free port.")
    var metricsPort = 9090

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(name: .customLong("log-format"), help: "json or text.")
    var logFormat = "text"

    @Option(name: .customLong("cert-reload-interval"), help: "Seconds between looks at the certificate files.")
    var certReloadInterval = 5.0

    @Option(
        name: .customLong("max-connections"),
        help: "Connections open at once on the webhook port; new ones above it are closed on accept.")
    var maxConnections = 2048

    @Flag(
        name: .customLong("http2"),
        help: "Offer HTTP/2 in ALPN. Off by default: the apiserver calls webhooks over HTTP/1.1.")
    var http2 = false

    @Option(
        name: .customLong("body-memory-limit"),
        help: ArgumentHelp(
            "MiB of request bodies buffered at once over all connections; past it new requests get 503 (h2: REFUSED_STREAM).",
            valueName: "MIB"))
    var bodyMemoryLimit = BodyMemoryBudget.defaultLimit >> 20

    @Option(
        name: .customLong("client-ca-file"),
        help: "Require client certificates signed by this PEM CA (mTLS); re-read with the serving certificate.")
    var clientCAFile: String?

    @Option(
        name: .customLong("dev-ca-file"),
        help: "Where the development CA is written. Default: $TMPDIR/fsx-webhook-dev-ca.pem.")
    var devCAFile: String?

    func validate() throws {
        if (tlsCertFile == nil) != (tlsPrivateKeyFile == nil) {
            throw ValidationError(
                "--tls-cert-file and --tls-private-key-file go together: give both, or neither for a development certificate"
            )
        }
        for (flag, value) in [("--port", port), ("--metrics-port", metricsPort)] where !(0...65535).contains(value) {
            throw ValidationError("\(flag) must be between 0 and 65535, got \(value)")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard LogFormat(rawValue: logFormat) != nil else {
            throw ValidationError("--log-format must be json or text")
        }
        guard maxConnections > 0 else {
            throw ValidationError("--max-connections must be a positive number, got \(maxConnections)")
        }
        // 11 MiB: three quarters of it, what one request may hold, still fits the 8 MiB
        // buffer of a 7 MiB review.
        guard (11...65536).contains(bodyMemoryLimit) else {
            throw ValidationError(
                "--body-memory-limit must be between 11 and 65536 MiB (one 7 MiB review must fit in three quarters of it), got \(bodyMemoryLimit)"
            )
        }
        if let clientCAFile, clientCAFile.isEmpty {
            throw ValidationError("--client-ca-file must name a PEM file of the CA that signs client certificates")
        }
        guard certReloadInterval > 0 else {
            throw ValidationError("--cert-reload-interval must be a positive number of seconds")
        }
    }

    func run() async throws {
        LineLogHandler.bootstrap(
            format: LogFormat(rawValue: logFormat) ?? .text, level: Logger.Level(rawValue: logLevel) ?? .info)
        let logger = Logger(label: "fsx-webhook")

        let admission: WebhookConfiguration
        do {
            admission = try ConfigurationFile.load(path: config)
        } catch {
            throw Self.failure("fsx-webhook serve: \(error.message)")
        }
        let metrics = ServerMetrics()
        var awsCache: AWSFactsCache?
        if let settings = admission.aws {
            do {
                let cache = try await AWSFactsCache.make(
                    settings: settings, lookupBudget: settings.lookupBudget,
                    environment: ProcessInfo.processInfo.environment, http: HTTPClient.shared,
                    observer: metrics.aws, logger: logger)
                awsCache = cache
                logger.info(
                    "AWS facts enabled",
                    metadata: [
                        "credentials": "\(cache.client.credentials.source.rawValue)",
                        "region": "\(cache.client.region)",
                        "endpoint": "\(settings.endpointURL ?? "AWS")",
                        "lookup_budget": "\(settings.lookupBudget)", "cache_ttl": "\(settings.cacheTTL)",
                    ])
            } catch {
                throw Self.failure("fsx-webhook serve: \(error.description)")
            }
        }

        var server = ServerConfiguration(
            tls: tlsCertFile.map { certificate in
                .files(CertificateFiles(certificatePath: certificate, privateKeyPath: tlsPrivateKeyFile ?? ""))
            }
                ?? .development(
                    caPath: devCAFile ?? WebhookApplication.defaultDevelopmentCAPath(environment: Self.environment)))
        server.host = host
        server.port = port
        server.operationsHost = host
        server.operationsPort = metricsPort
        server.certificateReloadInterval = .milliseconds(Int64(certReloadInterval * 1000))
        server.maximumConnections = maxConnections
        server.http2 = http2
        server.bodyMemoryLimit = bodyMemoryLimit << 20
        server.clientCAPath = clientCAFile
        #if canImport(Glibc)
            // Request bodies are large, short-lived buffers. glibc raises its mmap threshold
            // each time such a buffer is freed, after which they come from the heap and
            // freed memory stays resident: under 100 concurrent 7 MiB uploads the process
            // peaked 60 % above what the body budget allowed. A fixed 1 MiB threshold keeps
            // every body buffer in its own mapping, returned to the system when freed.
            _ = glibcMallopt(glibcMMapThreshold, 1 << 20)
        #endif
        // Each connection holds a file descriptor: use all the container allows.
        if let limit = FileDescriptorLimit.raiseSoftLimitToHardLimit() {
            logger.debug("open-file limit", metadata: ["soft": "\(limit.soft)", "hard": "\(limit.hard)"])
        }

        let application: WebhookApplication
        do {
            application = try WebhookApplication(
                configuration: server, engine: AdmissionEngine(configuration: admission), logger: logger,
                metrics: metrics, aws: awsCache)
        } catch {
            throw Self.failure("fsx-webhook serve: \(error.message)")
        }
        try await application.run()
    }

    /// Writes one line to standard error; the returned exit code 2 says the input
    /// (configuration or certificate) is unusable.
    private static func failure(_ message: String) -> ExitCode {
        let line = Array((message + "\n").utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        return ExitCode(2)
    }

    private static var environment: [String: String] {
        var result: [String: String] = [:]
        if let tmp = getenv("TMPDIR") { result["TMPDIR"] = String(cString: tmp) }
        return result
    }
}

#if canImport(Glibc)
    /// glibc's `mallopt(3)`; its header (malloc.h) is not part of the Glibc module.
    @_silgen_name("mallopt")
    private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
    /// `M_MMAP_THRESHOLD` in malloc.h.
    private let glibcMMapThreshold: Int32 = -3
#endif
