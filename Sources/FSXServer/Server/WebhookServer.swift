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

/// The HTTPS server the apiserver calls: TLS, then HTTP/1.1 or HTTP/2 as ALPN decides, then
/// one `ReviewHandler` per connection (HTTP/1.1) or per stream (HTTP/2).
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
    let logger: Logger
    let group: any EventLoopGroup
    /// The bound address (port 0 becomes a real port).
    public let listeningAddress = AddressAnnouncement()

    init(
        configuration: ServerConfiguration, router: WebhookRouter, certificates: CertificateStore,
        metrics: ServerMetrics, state: ServerState, logger: Logger, group: any EventLoopGroup
    ) {
        self.configuration = configuration
        self.router = router
        self.certificates = certificates
        self.metrics = metrics
        self.state = state
        self.logger = logger
        self.group = group
    }

    public func run() async throws {
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
                    connections.add(channel)
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
            metadata: ["address": "\(address)", "port": "\(address.port ?? 0)", "protocols": "h2, http/1.1"])

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

    /// TLS with the certificate current at accept time, then ALPN.
    private func initializeConnection(_ channel: any Channel) -> EventLoopFuture<Void> {
        guard let identity = certificates.identity else {
            return channel.close()
        }
        return channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(NIOSSLServerHandler(context: identity.sslContext))
            try pipeline.addHandler(ConnectionTimeoutHandler(timeouts: configuration.timeouts))
        }.flatMap {
            channel.configureHTTP2SecureUpgrade(
                h2ChannelConfigurator: { channel in configureHTTP2(channel) },
                http1ChannelConfigurator: { channel in configureHTTP1(channel) })
        }
    }

    private func configureHTTP1(_ channel: any Channel) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            // Pipelining assistance answers pipelined requests in order and, on quiesce,
            // closes the connection once the response in progress is written.
            try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
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
            var connection = NIOHTTP2Handler.ConnectionConfiguration()
            connection.initialSettings = [
                HTTP2Setting(parameter: .maxConcurrentStreams, value: 100),
                HTTP2Setting(parameter: .maxHeaderListSize, value: 64 * 1024),
                // A 7 MiB review over the default 64 KiB window would need a hundred round
                // trips of WINDOW_UPDATE; 1 MiB keeps it to a handful.
                HTTP2Setting(parameter: .initialWindowSize, value: 1 << 20),
            ]
            var stream = NIOHTTP2Handler.StreamConfiguration()
            stream.targetWindowSize = 1 << 20
            _ = try pipeline.configureHTTP2Pipeline(
                mode: .server, connectionConfiguration: connection, streamConfiguration: stream,
                streamDelegate: manager.http2StreamDelegate
            ) { streamChannel in
                streamChannel.eventLoop.makeCompletedFuture {
                    let streamPipeline = streamChannel.pipeline.syncOperations
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
            requestReadTimeout: configuration.timeouts.requestRead)
    }
}
