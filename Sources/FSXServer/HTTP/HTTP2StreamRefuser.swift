import NIOCore
import NIOHTTP2

/// Asks the stream's `HTTP2StreamRefuser` to reset it with REFUSED_STREAM.
struct HTTP2StreamRefusal {}

/// Resets an HTTP/2 stream with REFUSED_STREAM when the request handler asks for it.
///
/// The request handler speaks HTTP/1-style parts through `HTTP2FramePayloadToHTTP1ServerCodec`,
/// which has no way to say "reset"; this handler sits before the codec, on frame payloads,
/// and turns the handler's outbound event into the RST_STREAM frame. REFUSED_STREAM tells a
/// client that nothing of the request was processed, so it may retry it (RFC 9113 §8.7).
final class HTTP2StreamRefuser: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is HTTP2StreamRefusal else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        context.writeAndFlush(wrapOutboundOut(.rstStream(.refusedStream)), promise: promise)
    }
}
