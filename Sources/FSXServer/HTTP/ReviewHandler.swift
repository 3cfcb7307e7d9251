import FSXCore
import Logging
import NIOCore
import NIOHTTP1

/// Serves `POST /validate` and `POST /mutate` for one HTTP/1.1 connection or one HTTP/2
/// stream: collects the body, calls the router on the event loop, writes the response.
///
/// Synchronous on purpose: a decision takes microseconds, so handing it to another thread
/// would cost more than the decision (docs/performance.md, "Results"). All HTTP semantics worth
/// testing live in `WebhookRouter`; this handler only moves bytes and keeps count.
final class ReviewHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        /// Collecting the body of an accepted request.
        case receiving(Exchange, AdmissionEngine.Endpoint)
        /// The response was sent from the head; the body is read and dropped.
        case discarding(Exchange)
        /// 413 or 503 sent: the rest of the body is dropped and the connection closes at its
        /// end, after `discardBudget` more bytes, or when the linger timer fires.
        case closing(discardBudget: Int)
        /// HTTP/2 stream reset with REFUSED_STREAM: whatever still arrives is dropped.
        case refused
        /// The body is read; the review waits for AWS facts (at most the lookup budget).
        /// HTTP/1.1 pipelining assistance holds a next request until this answer is out.
        case awaitingFacts(Exchange)
    }

    /// One request/response pair in progress.
    private struct Exchange {
        var head: HTTPRequestHead
        var path: ServerMetrics.Path
        var started: NIODeadline
    }

    /// How long a connection whose body was refused stays open to drain it.
    static let refusedBodyLinger = TimeAmount.seconds(2)

    private let router: WebhookRouter
    private let metrics: ServerMetrics
    private let logger: Logger
    private let isHTTP2Stream: Bool
    private let requestReadTimeout: TimeAmount
    private let writeTimeout: TimeAmount
    private let budget: BodyMemoryBudget
    private let refusals: RefusalLog
    private var state = State.idle
    private var body = ByteBuffer()
    /// What `body` holds of the process-wide budget.
    private var reservation = BodyReservation()
    /// The declared length of the body being collected, or the limit for a chunked one.
    private var expectedBodySize = 0
    private var bodyLengthDeclared = false
    private var deadline: Scheduled<Void>?

    init(
        router: WebhookRouter, metrics: ServerMetrics, logger: Logger, isHTTP2Stream: Bool,
        requestReadTimeout: TimeAmount, writeTimeout: TimeAmount, budget: BodyMemoryBudget, refusals: RefusalLog
    ) {
        self.router = router
        self.metrics = metrics
        self.logger = logger
        self.isHTTP2Stream = isHTTP2Stream
        self.requestReadTimeout = requestReadTimeout
        self.writeTimeout = writeTimeout
        self.budget = budget
        self.refusals = refusals
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // An HTTP/2 stream carries one request; the connection-level timeout handler is gone
        // once HTTP/2 is negotiated, so each stream gets its own deadline to arrive.
        if isHTTP2Stream {
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            deadline = context.eventLoop.scheduleTask(in: requestReadTimeout) {
                loopBound.value.close(promise: nil)
            }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        // Whatever ended the request (a reset, a close, the client leaving), the budget
        // gets its bytes back.
        dropBody()
        switch state {
        case .receiving, .awaitingFacts:
            // The client went away mid-request: no response, but no longer in flight.
            metrics.requestAbandoned()
        default:
            break
        }
        state = .idle
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            receivedHead(head, context: context)
        case .body(var chunk):
            switch state {
            case .receiving(let exchange, _):
                let needed = body.readableBytes + chunk.readableBytes
                guard needed <= router.maximumBodySize else {
                    // A chunked body (no Content-Length) that passed the limit: stop buffering now.
                    dropBody()
                    respond(router.tooLarge(), to: exchange, context: context)
                    state = .closing(discardBudget: router.maximumBodySize)
                    return
                }
                if body.readableBytes == 0 {
                    // Usually the whole body arrives in one part: keep it rather than copy it.
                    guard reservation.grow(to: needed, in: budget) else {
                        return refuseForMemory(exchange, context: context)
                    }
                    body = chunk
                } else {
                    // Room for the rest of the declared body at once (one allocation, one
                    // copy); a chunked body doubles its buffer. Either way the capacity is
                    // reserved before it is allocated, rounded as ByteBuffer rounds it
                    // (to a power of two), so the budget counts what memory holds.
                    if needed > reservation.bytes {
                        let wanted = bodyLengthDeclared ? expectedBodySize : max(needed, 2 * reservation.bytes)
                        let capacity = Self.allocationSize(max(needed, wanted))
                        guard reservation.grow(to: capacity, in: budget) else {
                            return refuseForMemory(exchange, context: context)
                        }
                        body.reserveCapacity(capacity)
                    }
                    body.writeBuffer(&chunk)
                }
            case .closing(let budget):
                let left = budget - chunk.readableBytes
                state = .closing(discardBudget: left)
                if left < 0 { context.close(promise: nil) }
            case .discarding, .idle, .refused, .awaitingFacts:
                break
            }
        case .end:
            deadline?.cancel()
            deadline = nil
            switch state {
            case .receiving(let exchange, let endpoint):
                let step = router.reviewStep(endpoint, body: body.readableBytesView)
                dropBody()
                notifyRequestReceived(context: context)
                switch step {
                case .answered(let response):
                    state = .idle
                    respond(response, to: exchange, context: context)
                    notifyResponseSent(context: context)
                case .gathering(let pending):
                    awaitFacts(pending, exchange: exchange, context: context)
                }
            case .discarding:
                state = .idle
                notifyRequestReceived(context: context)
                notifyResponseSent(context: context)
            case .closing:
                // The whole refused body has been read: closing now cannot reset the 413
                // out of the client's receive buffer. An HTTP/2 stream ends by itself once
                // both sides have ended it; closing it here could reset it (CANCEL) while
                // the 413's last frame still waits to go out.
                if !isHTTP2Stream { context.close(promise: nil) }
            case .idle, .refused, .awaitingFacts:
                break
            }
        }
    }

    /// Gathers the AWS facts the cache did not hold (off the event loop, within the lookup
    /// budget), then answers on the event loop, unless the client has gone meanwhile.
    private func awaitFacts(_ pending: WebhookRouter.PendingReview, exchange: Exchange, context: ChannelHandlerContext)
    {
        state = .awaitingFacts(exchange)
        let answered = context.eventLoop.makePromise(of: WebhookResponse.self)
        answered.completeWithTask { await pending.answer() }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        answered.futureResult.whenSuccess { response in
            let (handler, context) = loopBound.value
            guard case .awaitingFacts = handler.state else { return }
            handler.state = .idle
            handler.respond(response, to: exchange, context: context)
            handler.notifyResponseSent(context: context)
        }
    }

    private func receivedHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        metrics.requestStarted()
        let exchange = Exchange(
            head: head, path: Self.metricsPath(head.uri), started: .now())
        let contentLength = head.headers.first(name: "content-length").flatMap { Int($0) }
        switch router.admit(
            method: head.method, target: head.uri, contentType: head.headers.first(name: "content-type"),
            contentLength: contentLength)
        {
        case .accept(let endpoint):
            if !isHTTP2Stream, Self.expectsContinue(head) {
                // curl sends `Expect: 100-continue` with bodies over 1 MiB and would otherwise
                // wait a second before sending the body. (The apiserver never does.)
                context.writeAndFlush(
                    wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
            }
            // The first part of the body is kept as it is; when more parts follow, the buffer
            // grows to the declared length (already checked against the limit) at once, so a
            // large review is copied into one buffer without regrowing it.
            dropBody()
            expectedBodySize = min(contentLength ?? router.maximumBodySize, router.maximumBodySize)
            bodyLengthDeclared = contentLength != nil
            state = .receiving(exchange, endpoint)
        case .refuse(var response):
            if !isHTTP2Stream, Self.expectsContinue(head) {
                // The client may or may not send the body it announced; the stream cannot be
                // trusted to hold a next request, so the connection ends after the answer.
                response.closeConnection = true
            }
            respond(response, to: exchange, context: context)
            state = response.closeConnection ? .closing(discardBudget: router.maximumBodySize) : .discarding(exchange)
        }
    }

    /// The capacity ByteBuffer allocates for `bytes`: the next power of two.
    private static func allocationSize(_ bytes: Int) -> Int {
        bytes <= 1 ? 1 : 1 << (Int.bitWidth - (bytes - 1).leadingZeroBitCount)
    }

    /// Gives the body's memory back to the budget.
    private func dropBody() {
        body = ByteBuffer()
        reservation.release(to: budget)
    }

    /// The body budget is full: the request is refused unprocessed, in the way each
    /// protocol says "not processed, retry": 503 with `Retry-After` and a close on
    /// HTTP/1.1, REFUSED_STREAM on HTTP/2. Nothing more of this body is buffered.
    private func refuseForMemory(_ exchange: Exchange, context: ChannelHandlerContext) {
        dropBody()
        guard isHTTP2Stream else {
            respond(router.busy(), to: exchange, context: context)
            state = .closing(discardBudget: router.maximumBodySize)
            return
        }
        let elapsed = NIODeadline.now() - exchange.started
        metrics.requestFinished(path: exchange.path, outcome: .error, nanoseconds: elapsed.nanoseconds)
        refusals.refused(
            .bodyMemory, "request refused: request body memory budget is full",
            details: ["limit_bytes": "\(budget.limit)", "protocol": "h2", "path": "\(exchange.head.uri)"])
        state = .refused
        context.triggerUserOutboundEvent(HTTP2StreamRefusal(), promise: nil)
    }

    private func respond(_ response: WebhookResponse, to exchange: Exchange, context: ChannelHandlerContext) {
        let keepAlive = !response.closeConnection && exchange.head.isKeepAlive
        var headers = HTTPHeaders()
        headers.reserveCapacity(4)
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(response.body.count))
        for header in response.extraHeaders { headers.add(name: header.name, value: header.value) }
        // HTTP/2 has no Connection header (it is a protocol error there); a stream just ends.
        if !keepAlive && !isHTTP2Stream { headers.add(name: "connection", value: "close") }

        // Counted before the bytes leave: a client that holds its answer finds it on /metrics
        // (counting after the flush raced with the client reading the response).
        let elapsed = NIODeadline.now() - exchange.started
        metrics.requestFinished(path: exchange.path, outcome: response.outcome, nanoseconds: elapsed.nanoseconds)
        if let decision = response.reply?.decision { metrics.recordViolations(of: decision) }

        var buffer = context.channel.allocator.buffer(capacity: response.body.count)
        response.body.write(into: &buffer)
        context.write(
            wrapOutboundOut(
                .head(HTTPResponseHead(version: exchange.head.version, status: response.status, headers: headers))),
            promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        guard !keepAlive else {
            if isHTTP2Stream {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: writeDeadline(context: context))
            } else {
                // HTTP/1.1 bounds unread answers per connection (`ConnectionTimeoutHandler`).
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
            log(response, exchange: exchange, elapsed: elapsed)
            return
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        if response.closeConnection && isHTTP2Stream {
            // An HTTP/2 stream closed before the client's END_STREAM is reset (CANCEL),
            // and clients drop a response that arrives with a reset: the 413 would be
            // lost. The stream stays open while `.closing` drops the rest of the body,
            // and closes at its end, past the budget, or at the stream's deadline.
        } else if response.closeConnection {
            // Refused unread: closing at once while the client is still uploading would
            // make the kernel answer its next bytes with a reset, which can destroy the
            // 413 before the client reads it. Read and drop the rest of the body (see
            // `.closing`), and close after a short linger at the latest.
            written.futureResult.whenComplete { _ in
                loopBound.value.eventLoop.scheduleTask(in: Self.refusedBodyLinger) {
                    loopBound.value.close(promise: nil)
                }
            }
        } else {
            if isHTTP2Stream { written.futureResult.cascade(to: writeDeadline(context: context)) }
            written.futureResult.whenComplete { _ in loopBound.value.close(promise: nil) }
        }
        log(response, exchange: exchange, elapsed: elapsed)
    }

    /// A promise for the answer's last write on an HTTP/2 stream: if the client has not
    /// taken the answer within the write timeout (a zero flow-control window holds it in
    /// the connection's buffers), the stream is closed (RST_STREAM), which frees it.
    private func writeDeadline(context: ChannelHandlerContext) -> EventLoopPromise<Void> {
        let written = context.eventLoop.makePromise(of: Void.self)
        let loopBound = NIOLoopBound((context, refusals), eventLoop: context.eventLoop)
        let timer = context.eventLoop.scheduleTask(in: writeTimeout) {
            let (context, refusals) = loopBound.value
            refusals.refused(
                .writeTimeout, "answer not taken by the client in time: stream closed",
                details: ["protocol": "h2", "remote": "\(context.channel.parent?.remoteAddress.map { "\($0)" } ?? "")"])
            context.close(promise: nil)
        }
        written.futureResult.whenComplete { _ in timer.cancel() }
        return written
    }

    private func notifyRequestReceived(context: ChannelHandlerContext) {
        guard !isHTTP2Stream else { return }
        context.triggerUserOutboundEvent(ConnectionTimeoutHandler.RequestReceived(), promise: nil)
    }

    private func notifyResponseSent(context: ChannelHandlerContext) {
        guard !isHTTP2Stream else { return }
        context.triggerUserOutboundEvent(ConnectionTimeoutHandler.ResponseSent(), promise: nil)
    }

    /// One structured line per denied or patched review; routine allows at debug.
    private func log(_ response: WebhookResponse, exchange: Exchange, elapsed: TimeAmount) {
        let durationMs = Double(elapsed.nanoseconds) / 1e6
        guard let reply = response.reply else {
            // Counted every time, logged once per interval and reason with a count: a flood
            // of garbage must not become a flood of log lines.
            refusals.refused(
                Self.refusalReason(response.status), "request refused",
                details: [
                    "status": "\(response.status.code)",
                    "method": "\(exchange.head.method.rawValue)",
                    "path": "\(exchange.head.uri.prefix(256))",
                    "message": "\(String(decoding: response.body.bytes.prefix(1024), as: UTF8.self))",
                ])
            return
        }
        let outcome = reply.decision.outcome
        let level: Logger.Level = outcome == .denied || outcome == .patched ? .info : .debug
        // The metadata is an autoclosure: a routine allow builds none of it unless debug is on.
        logger.log(
            level: level, "review \(outcome.rawValue)", metadata: Self.metadata(of: reply, durationMs: durationMs))
    }

    private static func metadata(of reply: ReviewReply, durationMs: Double) -> Logger.Metadata {
        let decision = reply.decision
        var metadata: Logger.Metadata = [
            "kind": "\(reply.request.kind)",
            "object": "\(objectName(reply.request))",
            "operation": "\(reply.request.operation.rawValue)",
            "uid": "\(reply.request.uid)",
            "outcome": "\(decision.outcome.rawValue)",
            "duration_ms": "\(durationMs)",
        ]
        if !decision.denials.isEmpty {
            metadata["reasons"] = .array(decision.denials.map { .string("\($0.rule): \($0.message)") })
        }
        if !decision.warnings.isEmpty {
            metadata["warnings"] = .array(decision.warnings.map { .string("\($0.rule): \($0.message)") })
        }
        if !decision.patch.isEmpty {
            metadata["patch_operations"] = "\(decision.patch.count)"
        }
        return metadata
    }

    private static func refusalReason(_ status: HTTPResponseStatus) -> RefusalReason {
        switch status {
        case .payloadTooLarge: return .bodyTooLarge
        case .serviceUnavailable: return .bodyMemory
        case .badRequest: return .invalidReview
        default: return .wrongEndpoint
        }
    }

    private static func expectsContinue(_ head: HTTPRequestHead) -> Bool {
        head.headers.first(name: "expect")?.lowercased() == "100-continue"
    }

    private static func objectName(_ request: AdmissionRequest) -> String {
        request.namespace.isEmpty ? request.name : "\(request.namespace)/\(request.name)"
    }

    private static func metricsPath(_ target: String) -> ServerMetrics.Path {
        switch WebhookRouter.endpoint(forTarget: target) {
        case .validate?: return .validate
        case .mutate?: return .mutate
        case nil: return .other
        }
    }
}
