import AsyncHTTPClient
import NIOCore
import NIOPosix
import Testing

@testable import FSXServer

/// Slow, idle and silent clients cannot hold the server.
@Suite(.serialized)
struct ConnectionLimitTests {
    /// Upper bound on when a shortened timeout must have closed a connection: far below the
    /// next timeout that could close it instead (request read 30 s, idle 120 s), with room
    /// for a loaded 2-core CI machine, where 3 s proved too tight.
    static let closedBy = Duration.seconds(10)

    @Test func closesConnectionThatNeverStartsTLS() async throws {
        try await TestServer.with(adjust: { $0.timeouts.tlsHandshake = .milliseconds(300) }) { server in
            // From before connecting: the server's deadline starts when it accepts, which on a
            // loaded machine can be well before the client's connect call returns.
            let start = ContinuousClock.now
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: server.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            try await channel.executeThenClose { inbound, _ in
                for try await _ in inbound {}
            }
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .milliseconds(250))
            #expect(elapsed < ConnectionLimitTests.closedBy)
        }
    }

    @Test func closesRequestWhoseHeadersTrickleIn() async throws {
        try await TestServer.with(adjust: { $0.timeouts.requestRead = .milliseconds(500) }) { server in
            let connection = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
            try await connection.channel.channel.writeAndFlush(
                ByteBuffer(string: "POST /validate HTTP/1.1\r\nHost: localhost\r\n"))
            let (received, elapsed) = try await connection.waitForClose()
            #expect(received.isEmpty)
            #expect(elapsed >= .milliseconds(400))
            #expect(elapsed < ConnectionLimitTests.closedBy)
        }
    }

    @Test func closesKeptAliveConnectionAfterIdleTimeout() async throws {
        try await TestServer.with(adjust: { $0.timeouts.idle = .milliseconds(500) }) { server in
            let connection = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
            let body = Reviews.configMapCreate(uid: "idle")
            let request =
                "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n" + body
            try await connection.channel.channel.writeAndFlush(ByteBuffer(string: request))
            let (received, elapsed) = try await connection.waitForClose()
            #expect(received.hasPrefix("HTTP/1.1 200"))
            #expect(!received.lowercased().contains("connection: close"))
            #expect(elapsed >= .milliseconds(400))
            #expect(elapsed < ConnectionLimitTests.closedBy)
        }
    }
}

/// What SIGTERM does, driven in process: the service group's graceful shutdown.
@Suite(.serialized)
struct GracefulShutdownTests {
    /// A grace period far longer than the test needs: what is checked is that the review
    /// is finished, not when stuck clients are cut off (the next test), and a loaded machine
    /// can stall the test process for seconds between the two halves of the body.
    static func generousGrace(_ configuration: inout ServerConfiguration) {
        configuration.shutdownGracePeriod = .seconds(120)
    }

    @Test func finishesReviewInFlightWhenShutdownBegins() async throws {
        try await TestServer.with(adjust: Self.generousGrace) { server in
            let connection = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
            let body = Reviews.configMapCreate(uid: "in-flight")
            let head =
                "POST /validate?timeout=10s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n"
            let half = body.utf8.count / 2
            try await connection.channel.channel.writeAndFlush(ByteBuffer(string: head + String(body.prefix(half))))
            try await waitFor { server.metrics.requestsInFlight == 1 }

            await server.beginShutdown()
            try await waitFor { !server.application.state.isReady }
            // No new connections once shutdown began.
            await #expect(throws: (any Error).self) {
                _ = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
            }

            try await connection.channel.channel.writeAndFlush(ByteBuffer(string: String(body.dropFirst(half))))
            let (received, _) = try await connection.waitForClose()
            #expect(received.hasPrefix("HTTP/1.1 200"))
            #expect(received.contains(#""uid":"in-flight""#))
        }
    }

    @Test func closesStuckConnectionsWhenGracePeriodEnds() async throws {
        try await TestServer.with(adjust: { $0.shutdownGracePeriod = .milliseconds(500) }) { server in
            let connection = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
            try await connection.channel.channel.writeAndFlush(
                ByteBuffer(
                    string:
                        "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
                ))
            try await waitFor { server.metrics.requestsInFlight == 1 }
            let start = ContinuousClock.now
            await server.beginShutdown()
            let (received, _) = try await connection.waitForClose()
            let elapsed = ContinuousClock.now - start
            #expect(received.isEmpty)
            #expect(elapsed >= .milliseconds(400))
            #expect(elapsed < ConnectionLimitTests.closedBy)
        }
    }

    @Test func finishesHTTP2StreamInFlightWhenShutdownBegins() async throws {
        try await TestServer.with(adjust: Self.generousGrace) { server in
            let client = try server.makeClient(.automatic)
            let body = Array(Reviews.configMapCreate(uid: "h2-in-flight").utf8)
            let (parts, feed) = AsyncStream<ByteBuffer>.makeStream()
            var request = HTTPClientRequest(url: "https://localhost:\(server.port)/validate?timeout=10s")
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .stream(parts, length: .known(Int64(body.count)))
            async let pending = client.execute(request, timeout: .seconds(30))

            feed.yield(ByteBuffer(bytes: body.prefix(body.count / 2)))
            try await waitFor { server.metrics.requestsInFlight == 1 }
            await server.beginShutdown()
            try await waitFor { !server.application.state.isReady }
            feed.yield(ByteBuffer(bytes: body.dropFirst(body.count / 2)))
            feed.finish()

            let response = try await pending
            #expect(response.status == .ok)
            #expect(response.version == .http2)
            let answer = String(buffer: try await response.body.collect(upTo: 1024 * 1024))
            #expect(answer.contains(#""uid":"h2-in-flight""#))
            try await client.shutdown()
        }
    }
}
