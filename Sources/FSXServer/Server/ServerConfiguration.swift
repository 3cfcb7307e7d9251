import NIOCore

/// Everything `serve` needs besides the admission configuration, as typed values: the
/// executable turns flags into this once, at start-up.
public struct ServerConfiguration: Sendable {
    /// Where the serving certificate comes from.
    public enum TLSSource: Sendable, Equatable {
        /// PEM files, re-read when they change.
        case files(CertificateFiles)
        /// A CA and serving certificate for localhost minted in memory at start-up, the CA
        /// written to `caPath`. For local use only.
        case development(caPath: String)
    }

    /// Limits that stop a slow or idle client from holding the server.
    public struct Timeouts: Sendable {
        /// A TLS handshake must finish within this. Real clients need milliseconds; a
        /// connection that opened and said nothing is closed well before it piles up.
        public var tlsHandshake: TimeAmount = .seconds(10)
        /// From the first byte of a request to its last. The apiserver gives up on a webhook
        /// after `timeoutSeconds` (at most 30 s), so a request still arriving after that has
        /// nobody waiting for its answer; this also ends slow-loris headers.
        public var requestRead: TimeAmount = .seconds(30)
        /// An idle kept-alive connection is closed after this. Above the apiserver's 90 s
        /// idle timeout, so it is always the client that closes an idle connection, never the
        /// server at the moment the client reuses it (which would fail that request).
        public var idle: TimeAmount = .seconds(120)
        /// An answer the client has not taken within this is dropped and its stream (HTTP/2)
        /// or connection (HTTP/1.1) closed. The apiserver reads an answer in milliseconds
        /// and gives up after `timeoutSeconds` anyway; without a bound, a client that never
        /// reads (a zero flow-control window, CVE-2019-9517 class) makes the server hold
        /// its answers for as long as the connection lives.
        public var write: TimeAmount = .seconds(10)

        public init() {}
    }

    /// Address to listen on; `0.0.0.0` for every IPv4 interface, `::` for every interface.
    public var host: String = "0.0.0.0"
    /// HTTPS port for `/validate` and `/mutate`; 0 picks a free one (tests).
    public var port: Int = 8443
    /// Address for the plain-HTTP operations port (`/healthz`, `/readyz`, `/metrics`).
    public var operationsHost: String = "0.0.0.0"
    /// 0 picks a free one (tests).
    public var operationsPort: Int = 9090
    public var tls: TLSSource
    /// How often the certificate files are looked at. Kubernetes propagates a Secret change
    /// to a mounted volume within about a minute; polling every few seconds adds little.
    public var certificateReloadInterval: Duration = .seconds(5)
    /// The largest request body read; see `WebhookRouter.defaultMaximumBodySize`.
    public var maximumBodySize: Int = WebhookRouter.defaultMaximumBodySize
    public var timeouts = Timeouts()
    /// Connections open at once on the webhook port; a connection accepted above this is
    /// closed at once. NIO has no cap of its own, so without one a client that opens
    /// connections and keeps them idle takes memory and file descriptors until the pod is
    /// OOM-killed or `accept` fails for everyone.
    ///
    /// Sized by memory: an idle TLS connection costs about 45 KiB (32 KiB of it the TLS
    /// handler's read buffer; measured in docs/reliability-server.md), so 2,048 of them take
    /// about 90 MiB on top of about 40 MiB at rest, which leaves room under the chart's
    /// 256 MiB limit for a few 7 MiB reviews in flight (10,000 would need about 490 MiB).
    /// The apiserver keeps at most 25 idle connections per replica and opens a few more in
    /// bursts, so real traffic stays far below it.
    public var maximumConnections: Int = 2048
    /// Offer HTTP/2 in ALPN. Off by default: the apiserver calls webhooks over HTTP/1.1,
    /// and controller-runtime turned HTTP/2 off by default after the 2023 Rapid Reset
    /// attacks. When on, `HTTP2Limits` and `HTTP2FrameGuard` bound what a client can make
    /// the server do.
    public var http2 = false
    /// Bytes of request bodies buffered at once, over all connections and protocols
    /// (`BodyMemoryBudget`).
    public var bodyMemoryLimit = BodyMemoryBudget.defaultLimit
    /// PEM file of the CA that client certificates must be signed by (mTLS); `nil` accepts
    /// clients without a certificate. Re-read with the serving certificate.
    public var clientCAPath: String?
    /// After SIGTERM, connections still open after this are closed: in-flight reviews take
    /// microseconds, so only a stuck client is ever cut off, and Kubernetes' default 30 s
    /// termination grace period is never reached.
    public var shutdownGracePeriod: TimeAmount = .seconds(5)

    public init(tls: TLSSource) {
        self.tls = tls
    }
}
