import NIOCore

/// Closes an HTTP/2 connection once `NIOHTTP2Handler` has sent a GOAWAY for a connection
/// error (any error code but NO_ERROR).
///
/// On a connection error swift-nio-http2 writes GOAWAY and stops parsing what the client
/// sends, but leaves the close to the application (RFC 9113 §5.4.1: the endpoint MUST close
/// the connection after it). Left open, the connection reads nothing more: its streams wait
/// for the 30 s read deadline and the connection for the idle timeout, holding a connection
/// slot and the client's requests. Such a GOAWAY is not otherwise visible to the pipeline (the error that
/// follows it is the same value a stream error would fire), so this handler reads the
/// frames on their way out, between `NIOHTTP2Handler` and TLS: frame headers only, plus the
/// error code of a GOAWAY. A graceful GOAWAY (NO_ERROR, at shutdown or when idle) is left
/// to `NIOHTTP2ServerConnectionManagementHandler`.
final class HTTP2ConnectionErrorCloser: ChannelOutboundHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private enum Position {
        /// Collecting a 9-byte frame header (the server sends no preface).
        case header
        /// Inside a payload that is not read.
        case payload(remaining: Int)
        /// Inside a GOAWAY payload, collecting its first 8 bytes (last stream id, error code).
        case goAway(remaining: Int)
        /// A connection error's GOAWAY was seen: the connection closes after that write.
        case closing
    }

    private static let frameHeaderLength = 9
    private static let goAwayType: UInt8 = 0x7

    private var position = Position.header
    private var pending: [UInt8] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .closing = position {
            context.write(data, promise: promise)
            return
        }
        let sawConnectionError: Bool
        switch unwrapOutboundIn(data) {
        case .byteBuffer(let buffer):
            sawConnectionError = scan(buffer.readableBytesView)
        case .fileRegion(let region):
            // Never written by the HTTP/2 handler; counted so the frame boundaries stay right.
            sawConnectionError = skip(region.readableBytes)
        }
        guard sawConnectionError else {
            context.write(data, promise: promise)
            return
        }
        position = .closing
        let written = context.eventLoop.makePromise(of: Void.self)
        if let promise { written.futureResult.cascade(to: promise) }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        written.futureResult.whenComplete { _ in loopBound.value.close(promise: nil) }
        context.write(data, promise: written)
    }

    /// Walks the frame headers in `bytes`; `true` when a connection error's GOAWAY ends in them.
    private func scan(_ bytes: ByteBufferView) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            switch position {
            case .closing:
                return true
            case .payload(let remaining):
                let taken = min(remaining, bytes.endIndex - index)
                index += taken
                position = remaining == taken ? .header : .payload(remaining: remaining - taken)
            case .header:
                let taken = min(Self.frameHeaderLength - pending.count, bytes.endIndex - index)
                pending.append(contentsOf: bytes[index..<(index + taken)])
                index += taken
                guard pending.count == Self.frameHeaderLength else { break }
                let length = (Int(pending[0]) << 16) | (Int(pending[1]) << 8) | Int(pending[2])
                let isGoAway = pending[3] == Self.goAwayType && length >= 8
                pending.removeAll(keepingCapacity: true)
                position = isGoAway ? .goAway(remaining: length) : length == 0 ? .header : .payload(remaining: length)
            case .goAway(let remaining):
                let taken = min(8 - pending.count, bytes.endIndex - index)
                pending.append(contentsOf: bytes[index..<(index + taken)])
                index += taken
                guard pending.count == 8 else {
                    position = .goAway(remaining: remaining - taken)
                    break
                }
                let errorCode = pending[4...7].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                pending.removeAll(keepingCapacity: true)
                let rest = remaining - 8
                if errorCode != 0 {
                    position = .closing
                    return true
                }
                position = rest == 0 ? .header : .payload(remaining: rest)
            }
        }
        if case .closing = position { return true }
        return false
    }

    private func skip(_ count: Int) -> Bool {
        guard case .payload(let remaining) = position, count <= remaining else {
            // A file region is never part of a frame header; if one were, stop reading frames.
            position = .payload(remaining: .max)
            return false
        }
        position = remaining == count ? .header : .payload(remaining: remaining - count)
        return false
    }
}
