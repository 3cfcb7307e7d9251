#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the serving certificate and key come from.
public struct CertificateFiles: Sendable, Equatable {
    /// PEM certificate chain, leaf first.
    public var certificatePath: String
    /// PEM private key (PKCS#8, SEC1 or PKCS#1).
    public var privateKeyPath: String
    /// PEM certificates of the CA client certificates must chain to (mTLS), read with the
    /// pair so that a rotated CA is picked up like a rotated certificate.
    public var clientCAPath: String?

    public init(certificatePath: String, privateKeyPath: String, clientCAPath: String? = nil) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
    }

    /// Reads both files and builds the identity.
    ///
    /// The paths are opened afresh every time, so a Kubernetes Secret volume, which updates
    /// by pointing its `..data` symlink at a new folder, is followed to the new files.
    func load(offerHTTP2: Bool) throws(CertificateLoadError) -> ServingIdentity {
        let (certificate, key, clientCA) = try contents()
        return try ServingIdentity(
            certificatePEM: certificate, privateKeyPEM: key,
            options: .init(offerHTTP2: offerHTTP2, clientCAPEM: clientCA))
    }

    /// The files' bytes.
    func contents() throws(CertificateLoadError) -> (
        certificate: [UInt8], privateKey: [UInt8], clientCA: [UInt8]?
    ) {
        (try Self.readFile(certificatePath), try Self.readFile(privateKeyPath), try clientCAPath.map(Self.readFile))
    }

    static func readFile(_ path: String) throws(CertificateLoadError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw CertificateLoadError(.unreadable, "\(path): cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CertificateLoadError(.unreadable, "\(path): cannot read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            // A certificate bundle is a few kilobytes; a huge file is a wrong path, not a chain.
            if bytes.count > 1024 * 1024 {
                throw CertificateLoadError(.unreadable, "\(path): larger than 1 MiB, not a certificate or key")
            }
        }
    }
}
