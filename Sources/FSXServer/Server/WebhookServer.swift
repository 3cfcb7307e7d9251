import Atomics
import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL
import NIOTLS
import ServiceLifecycle

/// The HTTPS server the apiserver calls: TLS, then HTTP/1.1 (or HTTP/2 with `--http2`, as
/// ALPN decides), then one `ReviewHandler` per connection (HTTP/1.1) or per stream (HTTP/2).
/// Whatever a client sends, memory stays bounded: bodies by `BodyMemoryBudget`, unread
/// answers by the write timeout, HTTP/2 by `HTTP2Limits` and `HTTP2FrameGuard`.
///
/// On graceful shutdown it stops accepting, lets in-flight reviews finish (HTTP/1.1 closes
/// each connection after its current response, HTTP/2 sends GOAWAY), and closes whatever is
/// still open when `shutdownGracePeriod` ends.
public struct WebhookServer: Service {
    let configuration: ServerConfiguration
    let router: WebhookRouter
    let certificates: CertificateStore
    let metrics: ServerMetrics
    let state: ServerState
    let budget: BodyMemoryBudget
    let refusals: RefusalLog
    let logger: Logger
    let group: any EventLoopGroup
    /// The bound address (port 0 becomes a real port).
    public let listeningAddress = AddressAnnouncement()

    init(
        configuration: ServerConfiguration, router: WebhookRouter, certificates: CertificateStore,
        metrics: ServerMetrics, state: ServerState, budget: BodyMemoryBudget, refusals: RefusalLog, logger: Logger,
        group: any EventLoopGroup
    ) {
        self.budget = budget
        self.refusals = refusals
        self.configuration = configuration
        self.router = router
        self.certificates = certificates
        self.metrics = metrics
        self.state = state
        self.logger = logger
        self.group = group
    }

    public func run() async throws {
        warnIfFileLimitIsBelowConnectionLimit()
        let quiesce = ServerQuiescingHelper(group: group)
        let connections = ChannelRegistry()
        let serverChannel: any Channel
        do {
            serverChannel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            quiesce.makeServerChannelHandler(channel: channel))
                    }
                }
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    guard connections.add(channel, limit: configuration.maximumConnections) else {
                        refused()
                        // A failed initializer makes NIO close the accepted socket unread.
                        return channel.eventLoop.makeFailedFuture(ConnectionLimitReached())
                    }
                    metrics.connectionOpened()
                    channel.closeFuture.whenComplete { _ in metrics.connectionClosed() }
                    return initializeConnection(channel)
                }
                .bind(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            listeningAddress.announce(.failure(error))
            throw error
        }
        let address = serverChannel.localAddress!
        state.markListening()
        listeningAddress.announce(.success(address))
        logger.info(
            "webhook server listening",
            metadata: [
                "address": "\(address)", "port": "\(address.port ?? 0)",
                "protocols": "\(configuration.http2 ? "h2, http/1.1" : "http/1.1")",
                "body_memory_limit_bytes": "\(budget.limit)",
                "client_certificates": "\(configuration.clientCAPath == nil ? "not required" : "required")",
            ])

        let drained = group.next().makePromise(of: Void.self)
        let started = ManagedAtomic(false)
        let grace = configuration.shutdownGracePeriod
        @Sendable func drain(force: Bool) {
            if started.exchange(true, ordering: .relaxed) == false {
                _ = state.beginShutdown()
                logger.info(
                    "shutting down: no new connections, finishing in-flight reviews",
                    metadata: ["open_connections": "\(connections.count)", "grace_period": "\(grace)"])
                quiesce.initiateShutdown(promise: drained)
                group.next().scheduleTask(in: grace) {
                    if connections.count > 0 {
                        logger.warning(
                            "grace period over; closing remaining connections",
                            metadata: ["open_connections": "\(connections.count)"])
                    }
                    connections.closeAll()
                }
            }
            if force { connections.closeAll() }
        }

        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await drained.futureResult.get()
            } onGracefulShutdown: {
                drain(force: false)
            }
        } onCancel: {
            drain(force: true)
        }
        logger.info("webhook server stopped")
    }

    /// Counts a connection refused at the limit; `RefusalLog` keeps a flood of them to one
    /// line per interval.
    private func refused() {
        let total = metrics.connectionRefused()
        refusals.refused(
            .connectionLimit, "connection limit reached: closing new connections until some close",
            details: ["max_connections": "\(configuration.maximumConnections)", "refused_total": "\(total)"])
    }

    /// Each connection takes a file descriptor: with an open-file limit below the connection
    /// limit, `accept` fails (and NIO backs off for a second) before the limit refuses anything.
    private func warnIfFileLimitIsBelowConnectionLimit() {
        guard let limit = FileDescriptorLimit.current(),
            limit.soft < configuration.maximumConnections + FileDescriptorLimit.reserve
        else { return }
        logger.warning(
            "the open-file limit is below the connection limit; connections past it fail to be accepted",
            metadata: [
                "open_file_limit": "\(limit.soft)", "max_connections": "\(configuration.maximumConnections)",
                "fix": "raise the container's nofile limit or lower --max-connections",
            ])
    }

    /// TLS with the certificate current at accept time, then ALPN.
    private func initializeConnection(_ channel: any Channel) -> EventLoopFuture<Void> {
        guard let identity = certificates.identity else {
            return channel.close()
        }
        return channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(NIOSSLServerHandler(context: identity.sslContext))
            try pipeline.addHandler(ConnectionTimeoutHandler(timeouts: configuration.timeouts, refusals: refusals))
        }.flatMap {
            channel.configureHTTP2SecureUpgrade(
                h2ChannelConfigurator: { channel in configureHTTP2(channel) },
                http1ChannelConfigurator: { channel in configureHTTP1(channel) })
        }
    }

    private func configureHTTP1(_ channel: any Channel) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            // Stops reading while answers wait to be written: a client that pipelines
            // requests and never reads the answers would otherwise make the server queue
            // answers in memory for as long as it keeps sending (HostileInputTests).
            try pipeline.addHandler(BackPressureHandler())
            // Pipelining assistance answers pipelined requests in order and, on quiesce,
            // closes the connection once the response in progress is written.
            try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: false)
            try pipeline.addHandler(HTTPProtocolErrorResponder(metrics: metrics, refusals: refusals))
            try pipeline.addHandler(makeReviewHandler(isHTTP2Stream: false))
        }
    }

    private func configureHTTP2(_ channel: any Channel) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            // Sends GOAWAY on quiesce and closes once the open streams finish (or after the
            // grace period), and closes connections idle for longer than the idle timeout.
            let manager = NIOHTTP2ServerConnectionManagementHandler(
                eventLoop: channel.eventLoop,
                configuration: .init(
                    maxIdleTime: configuration.timeouts.idle, maxAge: nil,
                    maxGraceTime: configuration.shutdownGracePeriod, keepalive: nil))
            // Before the HTTP/2 handler: it sees the frames that handler drops unread.
            try pipeline.addHandler(HTTP2FrameGuard(refusals: refusals))
            // After the HTTP/2 handler on the way out: it sees the GOAWAY of a connection
            // error and closes the connection, which swift-nio-http2 leaves to us.
            try pipeline.addHandler(HTTP2ConnectionErrorCloser())
            _ = try pipeline.configureHTTP2Pipeline(
                mode: .server, connectionConfiguration: HTTP2Limits.connectionConfiguration,
                streamConfiguration: HTTP2Limits.streamConfiguration,
                streamDelegate: manager.http2StreamDelegate
            ) { streamChannel in
                streamChannel.eventLoop.makeCompletedFuture {
                    let streamPipeline = streamChannel.pipeline.syncOperations
                    try streamPipeline.addHandler(HTTP2StreamRefuser())
                    try streamPipeline.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                    try streamPipeline.addHandler(makeReviewHandler(isHTTP2Stream: true))
                }
            }
            try pipeline.addHandler(manager)
        }
    }

    private func makeReviewHandler(isHTTP2Stream: Bool) -> ReviewHandler {
        ReviewHandler(
            router: router, metrics: metrics, logger: logger, isHTTP2Stream: isHTTP2Stream,
            requestReadTimeout: configuration.timeouts.requestRead, writeTimeout: configuration.timeouts.write,
            budget: budget, refusals: refusals)
    }
}

/// Why a connection accepted above `ServerConfiguration.maximumConnections` was closed.
struct ConnectionLimitReached: Error {}
