import NIOCore
import NIOHTTP1

/// Answers bytes the HTTP/1.1 parser cannot read (a garbage request line, headers past the
/// decoder's 80 KiB, a broken chunk size) with a JSON `Status`, then closes the connection.
///
/// Replaces NIO's `HTTPServerProtocolErrorHandler`, whose 400 has an empty body and which
/// leaves the connection open: the decoder stops decoding after an error but does not
/// close, so each malformed request held a connection until the 30 s request-read timeout.
/// Every answer of this server is JSON, so a client (or a person with curl) reads why, and
/// the refusal is counted on `/metrics` like any other.
final class HTTPProtocolErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: ServerMetrics
    private let refusals: RefusalLog?
    /// A response head went out and its end has not: no second response may start.
    private var responseInProgress = false
    /// The parser failed once; what follows (the rest of the bad bytes, an error at EOF) is
    /// the same failure and gets no second answer.
    private var failed = false

    init(metrics: ServerMetrics, refusals: RefusalLog? = nil) {
        self.metrics = metrics
        self.refusals = refusals
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
        guard !failed else { return }
        failed = true
        // A request cut off by the connection's end fails in the decoder when the channel
        // goes inactive: there is nobody left to answer, and the HTTP pipeline may already
        // have finished a graceful shutdown, after which writing is a programming error
        // (an assertion in NIO's debug builds; found by the slow-client tests at shutdown).
        guard context.channel.isActive else {
            context.fireErrorCaught(error)
            return
        }
        // A response can only be sent if none is half written (the review handler may be
        // mid-response); either way the stream cannot be read further, so it closes.
        if responseInProgress {
            context.close(promise: nil)
        } else {
            let response = Self.response(for: parserError)
            refusals?.refused(
                .malformedHTTP, "malformed HTTP/1.1 request refused",
                details: [
                    "error": "\(parserError)",
                    "remote": "\(context.channel.remoteAddress.map { "\($0)" } ?? "")",
                ])
            metrics.requestStarted()
            metrics.requestFinished(path: .other, outcome: .error, nanoseconds: 0)
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: "application/json")
            headers.add(name: "content-length", value: String(response.body.count))
            headers.add(name: "connection", value: "close")
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))),
                promise: nil)
            var buffer = context.channel.allocator.buffer(capacity: response.body.count)
            response.body.write(into: &buffer)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            written.futureResult.whenComplete { _ in
                // Output first (close_notify and FIN): the client may still be sending the
                // rest of what the parser refused, and a full close with unread bytes makes
                // the kernel send a reset that can destroy the answer before it is read.
                // A client reads the answer, sees the end and closes; one that does not is
                // closed after the same linger as a refused body.
                let context = loopBound.value
                context.close(mode: .output, promise: nil)
                context.eventLoop.scheduleTask(in: ReviewHandler.refusedBodyLinger) {
                    loopBound.value.close(promise: nil)
                }
            }
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
