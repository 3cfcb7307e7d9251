import NIOCore
import NIOHTTP1

/// Answers bytes the HTTP/1.1 parser cannot read (a garbage request line, headers past the
/// decoder's 80 KiB, a broken chunk size) with a JSON `Status`, then lets the decoder close
/// the connection.
///
/// Replaces NIO's `HTTPServerProtocolErrorHandler`, whose 400 has an empty body: every
/// answer of this server is JSON, so a client (or a person with curl) reads why, and the
/// refusal is counted on `/metrics` like any other.
final class HTTPProtocolErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: ServerMetrics
    /// A response head went out and its end has not: no second response may start.
    private var responseInProgress = false

    init(metrics: ServerMetrics) {
        self.metrics = metrics
    }

    /// The answer to a request the parser refused; the connection closes after it.
    static func response(for error: HTTPParserError) -> WebhookResponse {
        switch error {
        case .headerOverflow:
            return .failure(
                .requestHeaderFieldsTooLarge, reason: "RequestHeaderFieldsTooLarge",
                message: "request headers are larger than 80 KiB; the apiserver sends a few hundred bytes",
                closeConnection: true)
        default:
            return .failure(
                .badRequest, reason: "BadRequest", message: "malformed HTTP/1.1 request (\(error))",
                closeConnection: true)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        // The decoder closes the connection right after this returns; a response can only be
        // sent if none is half written (the review handler may be mid-response).
        if !responseInProgress {
            let response = Self.response(for: parserError)
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: "application/json")
            headers.add(name: "content-length", value: String(response.body.count))
            headers.add(name: "connection", value: "close")
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))),
                promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            metrics.requestStarted()
            metrics.requestFinished(path: .other, outcome: .error, nanoseconds: 0)
        }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200:
            responseInProgress = true
        case .end:
            responseInProgress = false
        case .head, .body:
            break
        }
        context.write(data, promise: promise)
    }
}
