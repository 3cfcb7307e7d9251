import NIOSSL
import SwiftASN1
import X509

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A checked certificate chain and private key, with the TLS context built from them.
///
/// Built once per change of the files, not per connection: each new connection only picks
/// up the current `sslContext`.
public struct ServingIdentity: Sendable {
    /// The TLS server context: TLS 1.2 minimum, ECDHE AEAD suites or TLS 1.3, ALPN
    /// http/1.1 (and h2 when offered), a client certificate only when a client CA is given.
    public let sslContext: NIOSSLContext
    /// The leaf (first) certificate of the chain.
    public let leaf: Certificate
    /// The PEM bytes this identity was built from, to notice when the files change.
    let source: Source

    struct Source: Equatable, Sendable {
        var certificate: [UInt8]
        var privateKey: [UInt8]
        var clientCA: [UInt8]? = nil
    }

    /// How the TLS context treats clients.
    public struct Options: Sendable, Equatable {
        /// Offer `h2` in ALPN besides `http/1.1`.
        public var offerHTTP2: Bool
        /// PEM certificates of the CA a client certificate must chain to; `nil` asks for none.
        public var clientCAPEM: [UInt8]?

        public init(offerHTTP2: Bool = false, clientCAPEM: [UInt8]? = nil) {
            self.offerHTTP2 = offerHTTP2
            self.clientCAPEM = clientCAPEM
        }
    }

    /// The leaf's notAfter, in Unix seconds.
    public var expiry: Int { Int(leaf.notValidAfter.timeIntervalSince1970) }

    /// Parses and checks a PEM certificate chain and private key.
    ///
    /// Refused, with a reason a person can act on: no certificate, an unreadable key, or a
    /// key that does not belong to the first certificate (a rotation caught half-way, or
    /// two files from different pairs).
    public init(
        certificatePEM: [UInt8], privateKeyPEM: [UInt8], options: Options = Options()
    ) throws(CertificateLoadError) {
        let chain: [Certificate]
        do {
            chain = try PEMDocument.parseMultiple(pemString: String(decoding: certificatePEM, as: UTF8.self))
                .filter { $0.discriminator == "CERTIFICATE" }
                .map { try Certificate(pemDocument: $0) }
        } catch {
            throw CertificateLoadError(.certificate, "cannot parse the certificate PEM: \(error)")
        }
        guard let leaf = chain.first else {
            throw CertificateLoadError(.certificate, "no CERTIFICATE block in the certificate file")
        }
        let key: Certificate.PrivateKey
        do {
            key = try Certificate.PrivateKey(pemEncoded: String(decoding: privateKeyPEM, as: UTF8.self))
        } catch {
            throw CertificateLoadError(.privateKey, "cannot parse the private key PEM: \(error)")
        }
        guard key.publicKey == leaf.publicKey else {
            throw CertificateLoadError(
                .mismatch, "the private key does not belong to the certificate (subject \(leaf.subject))")
        }
        var clientCAs: [NIOSSLCertificate]?
        if let clientCAPEM = options.clientCAPEM {
            do {
                clientCAs = try NIOSSLCertificate.fromPEMBytes(clientCAPEM)
            } catch {
                throw CertificateLoadError(.clientCA, "cannot parse the client CA PEM: \(error)")
            }
            guard clientCAs?.isEmpty == false else {
                throw CertificateLoadError(.clientCA, "no CERTIFICATE block in the client CA file")
            }
        }
        do {
            let certificates = try NIOSSLCertificate.fromPEMBytes(certificatePEM)
            let nioKey = try NIOSSLPrivateKey(bytes: privateKeyPEM, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(nioKey))
            Self.harden(&configuration, offerHTTP2: options.offerHTTP2)
            if let clientCAs {
                // Every client must present a certificate that chains to one of these;
                // the handshake fails otherwise. No hostname check: a client certificate
                // names a client, not the address it connects from.
                configuration.trustRoots = .certificates(clientCAs)
                configuration.certificateVerification = .noHostnameVerification
                configuration.sendCANameList = true
            }
            self.sslContext = try NIOSSLContext(configuration: configuration)
        } catch {
            throw CertificateLoadError(.tls, "the TLS library refused the pair: \(error)")
        }
        self.leaf = leaf
        self.source = Source(certificate: certificatePEM, privateKey: privateKeyPEM, clientCA: options.clientCAPEM)
    }

    /// Protocol settings every apiserver client meets: TLS 1.2 or later, forward-secret AEAD
    /// suites, h2 only when asked for (README, `--port`; the refused handshakes are listed in
    /// docs/reliability-server.md).
    static func harden(_ configuration: inout TLSConfiguration, offerHTTP2: Bool) {
        configuration.minimumTLSVersion = .tlsv12
        // TLS 1.2 suites: forward-secret ECDHE with AEAD ciphers only. TLS 1.3 suites are fixed
        // by BoringSSL and all qualify.
        configuration.cipherSuites = "ECDHE+AESGCM:ECDHE+CHACHA20"
        // h2 only when asked for (`--http2`): a client that offers only h2 then gets no
        // protocol and speaks HTTP/1.1 or goes away.
        configuration.applicationProtocols = offerHTTP2 ? ["h2", "http/1.1"] : ["http/1.1"]
        // The apiserver presents no client certificate unless the cluster configures one
        // (`--client-ca-file` then requires it).
        configuration.certificateVerification = .none
        // How long a closing connection waits for the peer's close_notify. It bounds how long
        // shutdown can be held by a peer that never answers; 5 s (the default) would use up
        // the whole shutdown budget.
        configuration.shutdownTimeout = .seconds(1)
    }
}

/// Why a certificate/key pair could not be used.
public struct CertificateLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        /// A file could not be read.
        case unreadable
        case certificate
        case privateKey
        /// The key does not belong to the certificate.
        case mismatch
        /// BoringSSL refused what swift-certificates accepted.
        case tls
        /// The client CA file holds no usable certificate.
        case clientCA
    }

    public var reason: Reason
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }
}
