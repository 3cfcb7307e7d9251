import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One HTTPS POST to a running webhook, trusting only the CA it is given, as the apiserver
/// trusts only the webhook configuration's `caBundle`.
///
/// Deliberately small: HTTP/1.1 (what the apiserver speaks to webhooks), one request per
/// connection, the whole exchange bounded by one deadline.
public struct ProbeClient: Sendable {
    /// Where to send: host and port to connect to, the name the certificate must carry, the path.
    public struct Target: Sendable, Equatable {
        public var host: String
        public var port: Int
        /// The path with its query, e.g. `/validate?timeout=10s`.
        public var path: String
        /// The name checked against the certificate and sent as SNI; the URL's host by default.
        public var serverName: String

        public init(host: String, port: Int, path: String, serverName: String) {
            self.host = host
            self.port = port
            self.path = path
            self.serverName = serverName
        }

        /// Parses `https://host[:port][/path]`; `host` may be `[v6]`. The path defaults to
        /// `/validate`, the port to 443.
        public init(url: String, serverName: String? = nil) throws(ProbeError) {
            guard url.hasPrefix("https://") else {
                throw ProbeError(.usage, "--url must start with https:// (the webhook speaks TLS only), got \(url)")
            }
            var rest = Substring(url.dropFirst("https://".count))
            var path = "/validate"
            if let slash = rest.firstIndex(of: "/") {
                path = String(rest[slash...])
                rest = rest[..<slash]
            }
            var host: Substring
            var portText: Substring?
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                host = rest[rest.index(after: rest.startIndex)..<close]
                let after = rest[rest.index(after: close)...]
                if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { host = "" }
            } else if let colon = rest.lastIndex(of: ":") {
                host = rest[..<colon]
                portText = rest[rest.index(after: colon)...]
            } else {
                host = rest
            }
            guard !host.isEmpty else { throw ProbeError(.usage, "--url has no host: \(url)") }
            var port = 443
            if let portText {
                guard let number = Int(portText), (1...65535).contains(number) else {
                    throw ProbeError(.usage, "--url has an invalid port: \(url)")
                }
                port = number
            }
            self.init(host: String(host), port: port, path: path, serverName: serverName ?? String(host))
        }

        /// The name sent as SNI: none for an IP address, which TLS does not allow there
        /// (RFC 6066 §3). NIOSSL then checks the certificate's IP address entries against the
        /// address it connected to, so `--url https://127.0.0.1:8443` still verifies the peer.
        var sniName: String? {
            (try? SocketAddress(ipAddress: serverName, port: 0)) == nil ? serverName : nil
        }
    }

    /// What came back.
    public struct Response: Sendable {
        public var status: Int
        public var body: [UInt8]
    }

    /// The largest response read; an AdmissionReview response is a few KiB.
    static let maximumResponseSize = 1024 * 1024

    public let target: Target
    let tls: NIOSSLContext
    let timeout: TimeAmount

    /// `caPEM`: the CA bundle that must have signed the server's certificate.
    public init(target: Target, caPEM: String, timeout: Duration) throws(ProbeError) {
        self.target = target
        let (seconds, attoseconds) = timeout.components
        self.timeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
            configuration.applicationProtocols = ["http/1.1"]
            tls = try NIOSSLContext(configuration: configuration)
        } catch {
            throw ProbeError(.usage, "the CA file holds no usable PEM certificate (\(error))")
        }
    }

    /// POSTs `body` as `application/json` and returns the response.
    public func post(_ body: [UInt8]) async throws(ProbeError) -> Response {
        let address = "\(target.host):\(target.port)"
        let channel: NIOAsyncChannel<NIOHTTPClientResponseFull, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .connect(host: target.host, port: target.port) { [tls, target] channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = try NIOSSLClientHandler(context: tls, serverHostname: target.sniName)
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(handler)
                        try pipeline.addHTTPClientHandlers()
                        try pipeline.addHandler(
                            NIOHTTPClientResponseAggregator(maxContentLength: Self.maximumResponseSize))
                        return try NIOAsyncChannel<NIOHTTPClientResponseFull, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw ProbeError(.unreachable, "cannot connect to \(address): \(error)")
        }
        // One deadline for handshake, request and response: a server that accepts and then
        // says nothing must not hold the probe (or `helm test`) forever.
        let deadline = channel.channel.eventLoop.scheduleTask(in: timeout) { [channel] in
            channel.channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        do {
            return try await channel.executeThenClose { inbound, outbound in
                var headers = HTTPHeaders()
                headers.add(name: "host", value: target.serverName)
                headers.add(name: "content-type", value: "application/json")
                headers.add(name: "content-length", value: String(body.count))
                headers.add(name: "connection", value: "close")
                try await outbound.write(
                    .head(HTTPRequestHead(version: .http1_1, method: .POST, uri: target.path, headers: headers)))
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
                try await outbound.write(.end(nil))
                for try await response in inbound {
                    return Response(
                        status: Int(response.head.status.code),
                        body: response.body.map { Array($0.readableBytesView) } ?? [])
                }
                throw ProbeError(
                    .unreachable,
                    "\(address) closed the connection without an answer (within \(Self.seconds(timeout)) s)")
            }
        } catch let error as ProbeError {
            throw error
        } catch {
            throw ProbeError(.unreachable, "no answer from \(address) within \(Self.seconds(timeout)) s: \(error)")
        }
    }

    static func seconds(_ amount: TimeAmount) -> String {
        let value = Double(amount.nanoseconds) / 1e9
        return value == value.rounded() ? String(Int(value)) : String(value)
    }
}

/// Why a probe could not judge or failed, with the exit code it maps to.
public struct ProbeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Bad flags or files: exit 2.
        case usage
        /// Nothing listens, TLS fails, no answer in time: exit 2.
        case unreachable
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
