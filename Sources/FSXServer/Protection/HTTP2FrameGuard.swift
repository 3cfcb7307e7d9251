import NIOCore

/// Counts, on the raw bytes of an HTTP/2 connection, the frames that do no work and that
/// swift-nio-http2's own limits do not count (see `HTTP2Limits.idleFrameLimit`), and ends a
/// connection that sends too many with GOAWAY ENHANCE_YOUR_CALM.
///
/// It sits between TLS and `NIOHTTP2Handler` because frames of unknown types never leave
/// that handler: they are dropped inside its parser. Only frame headers are read (9 bytes,
/// plus the 4-byte increment of a WINDOW_UPDATE); every byte is passed on unchanged until
/// the connection is ended, after which nothing more reaches the HTTP/2 handler.
final class HTTP2FrameGuard: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Where the parser is in the byte stream.
    private enum Position {
        /// Inside the 24-byte client connection preface.
        case preface(remaining: Int)
        /// Collecting a 9-byte frame header.
        case header
        /// Inside a frame's payload that is skipped.
        case payload(remaining: Int)
        /// Inside a WINDOW_UPDATE's 4-byte payload, collecting the increment.
        case windowUpdate(remaining: Int)
        /// GOAWAY sent: everything is dropped.
        case ended
    }

    private static let prefaceLength = 24
    private static let frameHeaderLength = 9

    private let limit: (count: Int, window: TimeAmount)
    private let smallWindowUpdate: UInt32
    private let refusals: RefusalLog
    private var position = Position.preface(remaining: HTTP2FrameGuard.prefaceLength)
    /// Bytes of a header or WINDOW_UPDATE payload split across reads.
    private var pending: [UInt8] = []
    private var windowStart = NIODeadline.uptimeNanoseconds(0)
    private var idleFrames = 0
    /// The highest stream a client opened, for GOAWAY's last-stream-id.
    private var lastClientStream: UInt32 = 0

    init(
        refusals: RefusalLog, limit: (count: Int, window: TimeAmount) = HTTP2Limits.idleFrameLimit,
        smallWindowUpdate: UInt32 = HTTP2Limits.smallWindowUpdate
    ) {
        self.refusals = refusals
        self.limit = limit
        self.smallWindowUpdate = smallWindowUpdate
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .ended = position { return }
        let buffer = unwrapInboundIn(data)
        if scan(buffer.readableBytesView, context: context) {
            context.fireChannelRead(data)
        }
    }

    /// Walks the frame headers in `bytes`; `false` once the connection has been ended.
    private func scan(_ bytes: ByteBufferView, context: ChannelHandlerContext) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            switch position {
            case .ended:
                return false
            case .preface(let remaining):
                let taken = min(remaining, bytes.endIndex - index)
                index += taken
                position = remaining == taken ? .header : .preface(remaining: remaining - taken)
            case .payload(let remaining):
                let taken = min(remaining, bytes.endIndex - index)
                index += taken
                position = remaining == taken ? .header : .payload(remaining: remaining - taken)
            case .header:
                let wanted = Self.frameHeaderLength - pending.count
                let taken = min(wanted, bytes.endIndex - index)
                pending.append(contentsOf: bytes[index..<(index + taken)])
                index += taken
                guard pending.count == Self.frameHeaderLength else { break }
                let header = pending
                pending.removeAll(keepingCapacity: true)
                if !frameStarted(header, context: context) { return false }
            case .windowUpdate(let remaining):
                let taken = min(remaining, bytes.endIndex - index)
                pending.append(contentsOf: bytes[index..<(index + taken)])
                index += taken
                guard pending.count == 4 else {
                    position = .windowUpdate(remaining: remaining - taken)
                    break
                }
                let increment =
                    (UInt32(pending[0] & 0x7F) << 24) | (UInt32(pending[1]) << 16) | (UInt32(pending[2]) << 8)
                    | UInt32(pending[3])
                pending.removeAll(keepingCapacity: true)
                position = .header
                if increment < smallWindowUpdate, !countIdleFrame(context: context) { return false }
            }
        }
        return true
    }

    /// Reads one frame header; `false` once the connection has been ended.
    private func frameStarted(_ header: [UInt8], context: ChannelHandlerContext) -> Bool {
        let length = (Int(header[0]) << 16) | (Int(header[1]) << 8) | Int(header[2])
        let type = header[3]
        let flags = header[4]
        let stream =
            (UInt32(header[5] & 0x7F) << 24) | (UInt32(header[6]) << 16) | (UInt32(header[7]) << 8) | UInt32(header[8])
        position = length == 0 ? .header : .payload(remaining: length)
        switch type {
        case 0x0:  // DATA: empty and not ending its stream carries nothing.
            if length == 0 && flags & 0x1 == 0 { return countIdleFrame(context: context) }
        case 0x1:  // HEADERS opens a stream.
            if stream & 1 == 1 { lastClientStream = max(lastClientStream, stream) }
        case 0x8 where length == 4:  // WINDOW_UPDATE: the increment decides.
            position = .windowUpdate(remaining: 4)
        case 0x0...0xA, 0xC:  // Known types, counted by swift-nio-http2 where they can flood.
            break
        default:  // Unknown types are dropped unread by the HTTP/2 handler.
            return countIdleFrame(context: context)
        }
        return true
    }

    /// Counts one idle frame; past the budget, ends the connection and returns `false`.
    private func countIdleFrame(context: ChannelHandlerContext) -> Bool {
        let now = NIODeadline.now()
        if now - windowStart > limit.window {
            windowStart = now
            idleFrames = 0
        }
        idleFrames += 1
        guard idleFrames > limit.count else { return true }
        end(context: context)
        return false
    }

    /// GOAWAY ENHANCE_YOUR_CALM, written straight to TLS (the HTTP/2 handler is past this
    /// point and never sees the frames that caused it), then close.
    private func end(context: ChannelHandlerContext) {
        position = .ended
        refusals.refused(
            .frameFlood, "HTTP/2 connection closed: too many frames that do no work",
            details: [
                "limit": "\(limit.count) per \(limit.window.nanoseconds / 1_000_000_000) s",
                "remote": "\(context.channel.remoteAddress.map { "\($0)" } ?? "unknown")",
            ])
        var goAway = context.channel.allocator.buffer(capacity: 17)
        goAway.writeBytes([0, 0, 8, 0x7, 0, 0, 0, 0, 0])
        goAway.writeInteger(lastClientStream)
        goAway.writeInteger(UInt32(0xB))  // ENHANCE_YOUR_CALM
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(goAway)).whenComplete { _ in
            loopBound.value.close(promise: nil)
        }
    }
}
