import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// Plain HTTP for the kubelet and Prometheus: `/healthz`, `/readyz`, `/metrics`.
///
/// Plain, not TLS: probes and scrapes stay inside the pod network, and a broken serving
/// certificate must not take the health endpoints down with it.
public struct OperationsServer: Service {
    let host: String
    let port: Int
    let metrics: ServerMetrics
    let state: ServerState
    let logger: Logger
    let group: any EventLoopGroup
    /// The bound address (port 0 becomes a real port).
    public let listeningAddress = AddressAnnouncement()

    init(host: String, port: Int, metrics: ServerMetrics, state: ServerState, logger: Logger, group: any EventLoopGroup)
    {
        self.host = host
        self.port = port
        self.metrics = metrics
        self.state = state
        self.logger = logger
        self.group = group
    }

    public func run() async throws {
        let connections = ChannelRegistry()
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { [metrics, state] channel in
                    connections.add(channel)
                    return channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                        // Probes and scrapes are tiny; one that idles this long is gone.
                        try pipeline.addHandler(IdleStateHandler(allTimeout: .seconds(60)))
                        try pipeline.addHandler(OperationsHandler(metrics: metrics, state: state))
                    }
                }
                .bind(host: host, port: port)
                .get()
        } catch {
            listeningAddress.announce(.failure(error))
            throw error
        }
        let address = channel.localAddress!
        listeningAddress.announce(.success(address))
        logger.info(
            "operations server listening",
            metadata: ["address": "\(address)", "port": "\(address.port ?? 0)", "paths": "/healthz /readyz /metrics"])
        // Shut down last (the service group stops services in reverse order), so `/readyz`
        // answers 503 while the webhook server drains.
        await withTaskCancellationOrGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            channel.close(promise: nil)
            connections.closeAll()
        }
    }
}

/// Answers one operations request from the head alone; request bodies are ignored.
final class OperationsHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: ServerMetrics
    private let state: ServerState
    private var head: HTTPRequestHead?

    init(metrics: ServerMetrics, state: ServerState) {
        self.metrics = metrics
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            let (status, contentType, body) = Self.answer(
                method: head.method, target: head.uri, metrics: metrics, state: state)
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: contentType)
            headers.add(name: "content-length", value: String(body.utf8.count))
            if status == .methodNotAllowed { headers.add(name: "allow", value: "GET, HEAD") }
            if !head.isKeepAlive { headers.add(name: "connection", value: "close") }
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                promise: nil)
            if head.method != .HEAD {
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            }
            let keepAlive = head.isKeepAlive
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if !keepAlive { loopBound.value.close(promise: nil) }
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Status, content type and body for an operations request.
    static func answer(
        method: HTTPMethod, target: String, metrics: ServerMetrics, state: ServerState
    ) -> (HTTPResponseStatus, String, String) {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let known = ["/healthz", "/readyz", "/metrics"]
        guard known.contains(String(path)) else { return (.notFound, "text/plain; charset=utf-8", "not found\n") }
        guard method == .GET || method == .HEAD else {
            return (.methodNotAllowed, "text/plain; charset=utf-8", "use GET\n")
        }
        switch path {
        case "/healthz":
            return (.ok, "text/plain; charset=utf-8", "ok\n")
        case "/readyz":
            if let reason = state.notReadyReason {
                return (.serviceUnavailable, "text/plain; charset=utf-8", "not ready: \(reason)\n")
            }
            return (.ok, "text/plain; charset=utf-8", "ok\n")
        default:
            return (.ok, "text/plain; version=0.0.4; charset=utf-8", metrics.exposition())
        }
    }
}
