import NIOCore
import NIOHTTP2

/// The HTTP/2 settings of the webhook port, chosen for an admission workload: a few
/// headers and one JSON body per stream, answered in microseconds. HTTP/2 is off unless
/// `--http2` is given (the apiserver calls webhooks over HTTP/1.1).
enum HTTP2Limits {
    /// Streams open at once on one connection. Each holds a body of up to 7 MiB while it
    /// arrives (within `BodyMemoryBudget`) and an answer until it is written; 100 is the
    /// RFC's recommended minimum and what Go's server allows, far above what one client
    /// needs for microsecond decisions. A client that opens more than it was told is not
    /// refused stream by stream: swift-nio-http2 treats it as a connection error (GOAWAY
    /// PROTOCOL_ERROR), and `HTTP2ConnectionErrorCloser` closes the connection.
    static let maximumConcurrentStreams = 100

    /// The stream window the server advertises: how much a client may send on one stream
    /// before the server says "more". A 7 MiB review over the default 64 KiB would take
    /// more than a hundred round trips of WINDOW_UPDATE; 1 MiB takes seven.
    static let initialStreamWindow = 1 << 20

    /// The connection window: what all streams together may send ahead. Twice a stream's,
    /// so one large upload does not stall the small reviews beside it, yet a connection can
    /// never have more than 2 MiB in flight that the server has not asked for.
    static let connectionWindow = 2 << 20

    /// Streams the server reset whose late DATA frames are still recognised (and ignored,
    /// their bytes credited back to the connection window). A client may have sent up to a
    /// stream window on a stream before it reads the server's RST_STREAM; swift-nio-http2
    /// remembers only the last 32 resets by default, and DATA on a stream reset earlier is a
    /// connection error (GOAWAY STREAM_CLOSED) after which it reads nothing more, so no more
    /// of the connection window comes back: once the body budget refused more than 32
    /// uploads on one connection, the uploads it had accepted stalled until the 30 s read
    /// deadline. A well-behaved client
    /// has at most `maximumConcurrentStreams` streams open when it reads a reset, so the
    /// streams reset while its late data is in flight are among those; twice that leaves a
    /// margin, and costs 4 bytes a stream id (under 1 KiB per connection).
    static let maximumRecentlyResetStreams = 2 * maximumConcurrentStreams

    /// The largest decoded header list. The apiserver sends a handful of headers (a few
    /// hundred bytes); 8 KiB leaves room for any proxy's additions and caps what an HPACK
    /// bomb (a table entry referenced again and again) can make the server decode: one
    /// request of 100 bytes on the wire cannot expand past 8 KiB.
    static let maximumHeaderListSize = 8 * 1024

    /// PING, SETTINGS and PRIORITY frames (and ALTSVC, ORIGIN) accepted per window, counted
    /// by swift-nio-http2 itself (CVE-2019-9512/9515 class floods). A real client sends a
    /// few per connection.
    static let controlFrameLimit = (count: 200, window: TimeAmount.seconds(30))

    /// Frames that do no work and that swift-nio-http2 does not count: frames of unknown
    /// types (which it drops unread), WINDOW_UPDATEs of under 1 KiB, and empty DATA frames
    /// that do not end their stream (it counts only empty frames in a row). A flood of
    /// them keeps an event loop busy and delayed real reviews by seconds; a real client
    /// sends almost none. Past this many per window, `HTTP2FrameGuard` sends GOAWAY
    /// ENHANCE_YOUR_CALM and closes the connection.
    static let idleFrameLimit = (count: 200, window: TimeAmount.seconds(30))
    /// A WINDOW_UPDATE granting less than this is counted as an idle frame (CVE-2019-9517
    /// class trickle); real clients grant at least half a window at a time.
    static let smallWindowUpdate: UInt32 = 1024

    static var connectionConfiguration: NIOHTTP2Handler.ConnectionConfiguration {
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: maximumConcurrentStreams),
            HTTP2Setting(parameter: .maxHeaderListSize, value: maximumHeaderListSize),
            HTTP2Setting(parameter: .initialWindowSize, value: initialStreamWindow),
        ]
        connection.targetWindowSize = connectionWindow
        connection.maximumRecentlyResetStreams = maximumRecentlyResetStreams
        connection.controlFrameRateLimit.maximumCount = controlFrameLimit.count
        connection.controlFrameRateLimit.windowLength = controlFrameLimit.window
        return connection
    }

    static var streamConfiguration: NIOHTTP2Handler.StreamConfiguration {
        var stream = NIOHTTP2Handler.StreamConfiguration()
        stream.targetWindowSize = initialStreamWindow
        return stream
    }
}
