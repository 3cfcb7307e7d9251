import NIOCore
import NIOPosix

/// HTTP/1.1 spoken byte by byte over one kept-alive connection: requests are sent exactly as
/// given (any bytes, any framing), responses are read whole by their Content-Length, so a
/// hostile request cannot be tidied up by a client library on its way out.
struct WireSession {
    struct Response: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        var closesConnection: Bool { header("connection")?.lowercased() == "close" }
    }

    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var pending: [UInt8] = []
    /// Where the unread part of `pending` begins: consumed bytes are dropped in bulk, not one
    /// response at a time, so reading thousands of pipelined answers stays linear.
    private var start = 0
    /// The server closed the connection (cleanly or not).
    private(set) var closed = false

    /// Runs `body` with a session over `connection`, closing it afterwards.
    static func over<T: Sendable>(
        _ connection: RawTLSConnection, _ body: (inout WireSession) async throws -> T
    ) async throws -> T {
        try await connection.channel.executeThenClose { inbound, outbound in
            var session = WireSession(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&session)
        }
    }

    private init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// A POST with a Content-Length matching `body`.
    static func post(
        _ body: [UInt8], path: String = "/validate?timeout=10s", contentType: String = "application/json"
    ) -> [UInt8] {
        Array(
            "POST \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n\r\n"
                .utf8) + body
    }

    /// A POST whose body is sent with chunked transfer encoding, in chunks of `chunkSize`.
    static func chunkedPost(
        _ body: [UInt8], path: String = "/validate?timeout=10s", chunkSize: Int = 64 * 1024
    )
        -> [UInt8]
    {
        var bytes = Array(
            "POST \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                .utf8)
        for start in stride(from: 0, to: body.count, by: chunkSize) {
            let chunk = body[start..<min(start + chunkSize, body.count)]
            bytes += Array("\(String(chunk.count, radix: 16))\r\n".utf8) + chunk + Array("\r\n".utf8)
        }
        return bytes + Array("0\r\n\r\n".utf8)
    }

    /// Sends `bytes` as they are. A write to a connection the server already closed is not
    /// an error here: what matters is what the server answered before closing.
    mutating func send(_ bytes: [UInt8]) async throws {
        do {
            try await outbound.write(ByteBuffer(bytes: bytes))
        } catch {
            closed = true
        }
    }

    /// The next whole response, skipping `100 Continue`; `nil` when the server closed first.
    mutating func readResponse() async throws -> Response? {
        while true {
            guard let response = try await readOne() else { return nil }
            if response.status != 100 { return response }
        }
    }

    /// Waits for the server to close the connection, returning any bytes that came first.
    mutating func readUntilClosed() async -> [UInt8] {
        while !closed { await fill() }
        defer {
            pending.removeAll()
            start = 0
        }
        return Array(pending[start...])
    }

    private mutating func readOne() async throws -> Response? {
        while true {
            if let response = try parse() { return response }
            if closed { return nil }
            await fill()
        }
    }

    private mutating func fill() async {
        do {
            if let chunk = try await inbound.next() {
                if start > 64 * 1024 && start * 2 > pending.count {
                    pending.removeFirst(start)
                    start = 0
                }
                pending += chunk.readableBytesView
            } else {
                closed = true
            }
        } catch {
            // A close without close_notify, or a reset: the connection is over either way.
            closed = true
        }
    }

    /// One response from the front of `pending`, once it has fully arrived.
    private mutating func parse() throws -> Response? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headEnd = pending[start...].firstRange(of: separator) else { return nil }
        let headText = String(decoding: pending[start..<headEnd.lowerBound], as: UTF8.self)
        let lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw RawTLSError("not an HTTP/1.1 status line: \(lines.first ?? "")")
        }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: " "))
        }
        let length =
            headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        let bodyStart = headEnd.upperBound
        guard pending.count - bodyStart >= length else { return nil }
        let response = Response(
            status: status, headers: headers, body: Array(pending[bodyStart..<bodyStart + length]))
        start = bodyStart + length
        return response
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var text = self
        while text.first == set { text.removeFirst() }
        while text.last == set { text.removeLast() }
        return String(text)
    }
}

/// A plain TCP connection to the TLS port, for bytes that are not TLS at all.
enum PlainTCP {
    /// Sends `bytes`, then reads until the server closes; returns what arrived and whether
    /// the server closed within `timeout` (the test client gives up after it).
    static func sendAndWaitForClose(
        port: Int, bytes: [UInt8], timeout: Duration
    ) async throws -> (
        received: [UInt8], closedByServer: Bool
    ) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let watchdog = channel.channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.nanoseconds))) {
            channel.channel.close(promise: nil)
        }
        let start = ContinuousClock.now
        let received = try await channel.executeThenClose { inbound, outbound in
            try? await outbound.write(ByteBuffer(bytes: bytes))
            var received: [UInt8] = []
            do {
                for try await chunk in inbound { received += chunk.readableBytesView }
            } catch {
                // A reset after the server's alert still ends the connection.
            }
            return received
        }
        watchdog.cancel()
        return (received, ContinuousClock.now - start < timeout)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
