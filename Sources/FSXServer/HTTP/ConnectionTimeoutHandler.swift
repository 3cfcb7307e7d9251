import NIOCore
import NIOTLS

/// Closes connections that hold the server without making progress: a TLS handshake that
/// does not finish, an HTTP/1.1 request that arrives too slowly (a slow-loris sending a
/// header byte now and then), a kept-alive connection idle for too long, and a client that
/// does not take its answers: once the connection stays unwritable (answers piling up past
/// the channel's high watermark) for the write timeout, it is closed and the answers dropped.
///
/// Sits right after the TLS handler, where it sees decrypted bytes arrive. The request
/// handler tells it when a request is complete and when its response is written, with
/// outbound user events, because only the HTTP layer knows where requests begin and end.
/// Once ALPN picks HTTP/2 it removes itself: the HTTP/2 connection manager and the
/// per-stream deadline of `ReviewHandler` take over.
///
/// Each state change only moves a deadline: scheduling and cancelling an event-loop timer
/// twice per request (allocations, a lock, a timerfd update) cost more than a clock read.
/// One timer per connection fires at the deadline or earlier, and re-arms itself when the
/// deadline has moved on; it is never scheduled further than the shortest timeout ahead,
/// so a state change never needs to bring it forward.
final class ConnectionTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Sent by the request handler when a request has been read completely.
    struct RequestReceived {}
    /// Sent by the request handler when a response has been written.
    struct ResponseSent {}

    enum State {
        case handshaking
        /// Between requests.
        case idle
        /// Bytes of a request have arrived, the request is not complete.
        case receiving
        /// A complete request is being answered; `moreArrived` notes bytes of a next one.
        case answering(moreArrived: Bool)
    }

    private let timeouts: ServerConfiguration.Timeouts
    private let refusals: RefusalLog?
    /// The furthest ahead the timer is ever scheduled (see the type's comment).
    private let timerHorizon: TimeAmount
    private var state = State.handshaking
    /// When the connection is closed if nothing changes; `nil` while a response is being
    /// prepared (the server, not the client, is the one to make progress then).
    private var deadline: NIODeadline?
    /// When the connection is closed if it is still unwritable; `nil` while writable.
    private var writeDeadline: NIODeadline?
    private var timer: Scheduled<Void>?
    /// When `timer` fires; at or before `deadline` whenever both are set.
    private var timerFiresAt = NIODeadline.distantFuture

    init(timeouts: ServerConfiguration.Timeouts, refusals: RefusalLog? = nil) {
        self.timeouts = timeouts
        self.refusals = refusals
        self.timerHorizon = min(timeouts.requestRead, timeouts.idle)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context: context, after: timeouts.tlsHandshake) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context: context, after: timeouts.tlsHandshake)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            writeDeadline = nil
        } else if writeDeadline == nil {
            let when = NIODeadline.now() + timeouts.write
            writeDeadline = when
            if timer == nil || when < timerFiresAt { schedule(context: context, at: when) }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .idle:
            state = .receiving
            arm(context: context, after: timeouts.requestRead)
        case .answering:
            state = .answering(moreArrived: true)
        case .handshaking, .receiving:
            break
        }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshaking = state {
            switch event {
            case TLSUserEvent.handshakeCompleted(let negotiatedProtocol):
                if negotiatedProtocol == "h2" {
                    context.fireUserInboundEventTriggered(event)
                    context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                    return
                }
                state = .idle
                arm(context: context, after: timeouts.idle)
            case is ChannelShouldQuiesceEvent:
                // No request can be in flight before the handshake finished: close now
                // rather than make shutdown wait for it.
                context.close(promise: nil)
                return
            default:
                break
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        switch event {
        case is RequestReceived:
            state = .answering(moreArrived: false)
            // The timer stays scheduled: it finds no deadline when it fires, and the next
            // `arm` within the horizon reuses it.
            deadline = nil
            promise?.succeed()
        case is ResponseSent:
            if case .answering(moreArrived: true) = state {
                state = .receiving
                arm(context: context, after: timeouts.requestRead)
            } else {
                state = .idle
                arm(context: context, after: timeouts.idle)
            }
            promise?.succeed()
        default:
            context.triggerUserOutboundEvent(event, promise: promise)
        }
    }

    private func arm(context: ChannelHandlerContext, after delay: TimeAmount) {
        let now = NIODeadline.now()
        let newDeadline = now + delay
        deadline = newDeadline
        if timer == nil || newDeadline < timerFiresAt {
            schedule(context: context, at: min(newDeadline, now + timerHorizon))
        }
    }

    private func schedule(context: ChannelHandlerContext, at when: NIODeadline) {
        timer?.cancel()
        timerFiresAt = when
        let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: when) {
            loopBound.value.handler.timerFired(context: loopBound.value.context)
        }
    }

    private func timerFired(context: ChannelHandlerContext) {
        timer = nil
        timerFiresAt = .distantFuture
        let now = NIODeadline.now()
        if let writeDeadline, now >= writeDeadline {
            refusals?.refused(
                .writeTimeout, "answers not taken by the client in time: connection closed",
                details: ["protocol": "http/1.1", "remote": "\(context.channel.remoteAddress.map { "\($0)" } ?? "")"])
            context.close(promise: nil)
            return
        }
        let next: NIODeadline
        switch (deadline, writeDeadline) {
        case (nil, nil): return
        case (let read?, nil): next = read
        case (nil, let write?): next = write
        case (let read?, let write?): next = min(read, write)
        }
        if let deadline, now >= deadline {
            context.close(promise: nil)
        } else {
            schedule(context: context, at: min(next, now + timerHorizon))
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
        timerFiresAt = .distantFuture
        deadline = nil
        writeDeadline = nil
    }
}
