import NIOConcurrencyHelpers
import NIOSSL

/// The serving identity in use, swapped whole when the files change.
///
/// Read once per new connection under a lock (an uncontended lock next to a TLS handshake
/// costs nothing); connections already open keep the context they started with.
public final class CertificateStore: Sendable {
    private let current: NIOLockedValueBox<ServingIdentity?>

    public init(_ identity: ServingIdentity? = nil) {
        current = NIOLockedValueBox(identity)
    }

    /// The identity new connections use; `nil` until one is loaded.
    public var identity: ServingIdentity? {
        current.withLockedValue { $0 }
    }

    /// Whether a certificate is loaded (the server is not ready without one).
    public var isLoaded: Bool { identity != nil }

    /// Installs `identity` for every connection accepted from now on.
    public func replace(with identity: ServingIdentity) {
        current.withLockedValue { $0 = identity }
    }
}
