import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import X509

/// A TLS connection that sends bytes exactly as told, when told: for slow clients,
/// requests cut in half across a shutdown, and looking at the certificate the server sent.
struct RawTLSConnection {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    /// The leaf certificate the server presented.
    let peerCertificate: Certificate

    /// `receiveBufferSize` pins the socket's receive buffer (no autotuning), for tests of
    /// a client that reads slowly.
    static func connect(
        port: Int, caPEM: String, alpn: [String] = ["http/1.1"], receiveBufferSize: Int? = nil
    ) async throws -> RawTLSConnection {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        tls.applicationProtocols = alpn
        let context = try NIOSSLContext(configuration: tls)
        let presented = NIOLockedValueBox<NIOSSLCertificate?>(nil)
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let receiveBufferSize {
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBufferSize))
        }
        let channel =
            try await bootstrap
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = try NIOSSLClientHandler(
                        context: context, serverHostname: "localhost",
                        customVerificationCallback: { certificates, promise in
                            presented.withLockedValue { $0 = certificates.first }
                            // The chain is still verified against the test CA: only a
                            // certificate the client would accept counts as served.
                            promise.succeed(
                                Self.chainsToCA(certificates, caPEM: caPEM) ? .certificateVerified : .failed)
                        })
                    try channel.pipeline.syncOperations.addHandler(handler)
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        // The client starts the handshake on connect; wait until the server's certificate
        // has been seen.
        var certificate: NIOSSLCertificate?
        for _ in 0..<200 {
            certificate = presented.withLockedValue { $0 }
            if certificate != nil { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        guard let certificate else { throw RawTLSError("no certificate presented") }
        return RawTLSConnection(
            channel: channel, peerCertificate: try Certificate(derEncoded: try certificate.toDERBytes()))
    }

    static func chainsToCA(_ certificates: [NIOSSLCertificate], caPEM: String) -> Bool {
        guard let leafDER = try? certificates.first?.toDERBytes(),
            let leaf = try? Certificate(derEncoded: leafDER),
            let ca = try? Certificate(pemEncoded: caPEM)
        else { return false }
        return leaf.issuer == ca.subject && ca.publicKey.isValidSignature(leaf.signature, for: leaf)
    }

    /// Writes the parts, pausing after each as told, then collects what arrives until the
    /// server closes or `complete` says the response is whole.
    func exchange(
        _ parts: [(bytes: String, pause: Duration)], until complete: @Sendable (String) -> Bool
    ) async throws -> String {
        try await channel.executeThenClose { inbound, outbound in
            for part in parts {
                try await outbound.write(ByteBuffer(string: part.bytes))
                if part.pause > .zero { try await Task.sleep(for: part.pause) }
            }
            var received = ""
            for try await chunk in inbound {
                received += String(buffer: chunk)
                if complete(received) { break }
            }
            return received
        }
    }

    /// Sends `bytes` (possibly nothing) and closes from this side.
    func closeAfterSending(_ bytes: String) async throws {
        try await channel.executeThenClose { _, outbound in
            if !bytes.isEmpty { try await outbound.write(ByteBuffer(string: bytes)) }
        }
    }

    /// Reads until the server closes the connection, returning what arrived and how long it took.
    func waitForClose() async throws -> (received: String, after: Duration) {
        let start = ContinuousClock.now
        return try await channel.executeThenClose { inbound, _ in
            var received = ""
            do {
                for try await chunk in inbound { received += String(buffer: chunk) }
            } catch {
                // A close without close_notify still ends the wait.
            }
            return (received, ContinuousClock.now - start)
        }
    }
}

struct RawTLSError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Whether `text` holds a whole HTTP/1.1 response with a Content-Length body.
func isCompleteResponse(_ text: String) -> Bool {
    guard let split = text.range(of: "\r\n\r\n") else { return false }
    let head = text[..<split.lowerBound].lowercased()
    guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
        let length = Int(String(line.dropFirst("content-length:".count).filter { $0 != " " }))
    else { return false }
    return text[split.upperBound...].utf8.count >= length
}

extension RawTLSConnection {
    /// One review on a connection of its own: a fresh TLS handshake, so it meets the
    /// certificate in use at that moment. Returns the whole HTTP/1.1 reply.
    static func reviewOnNewConnection(port: Int, caPEM: String, body: [UInt8]) async throws -> String {
        let connection = try await connect(port: port, caPEM: caPEM)
        return try await connection.exchange(
            [(CertificateReloadTests.rawRequest(body), .zero)], until: isCompleteResponse)
    }
}
