import Crypto
import SwiftASN1
import X509

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A certificate authority minted in memory: for the development default of `serve`, and for
/// tests, which must never depend on a committed key or on a certificate that expires.
///
/// Keys are ECDSA P-256 and signatures ECDSA-SHA256: accepted by the apiserver (which refuses
/// SHA-1 and CN-only certificates), curl, and every TLS stack in between.
public struct CertificateAuthority: Sendable {
    /// The CA certificate, to be trusted by clients.
    public let certificate: Certificate
    private let privateKey: P256.Signing.PrivateKey

    /// A new self-signed CA, valid from an hour ago (tolerating clock skew) for `validity`.
    public init(
        commonName: String = "fsx-webhook development CA", validity: Duration = .seconds(365 * 24 * 3600)
    ) throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let (notBefore, notAfter) = Self.window(validity)
        let signingKey = Certificate.PrivateKey(key)
        self.certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: signingKey.publicKey,
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(keyIdentifier: Self.keyIdentifier(signingKey.publicKey))
            },
            issuerPrivateKey: signingKey)
        self.privateKey = key
    }

    /// The CA certificate as PEM, for `--cacert` and `caBundle`.
    public var certificatePEM: String {
        get throws { try certificate.serializeAsPEM().pemString }
    }

    /// Issues a serving certificate for `hosts` (DNS names or IPv4/IPv6 literals, all placed
    /// in the subjectAltName, which is what clients check).
    public func issueServingCertificate(
        hosts: [String], validity: Duration = .seconds(365 * 24 * 3600)
    ) throws -> IssuedCertificate {
        let key = P256.Signing.PrivateKey()
        let leafKey = Certificate.PrivateKey(key)
        let caKey = Certificate.PrivateKey(privateKey)
        let (notBefore, notAfter) = Self.window(validity)
        let names = hosts.map { host -> GeneralName in
            if let address = Self.ipAddressBytes(host) {
                return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(address)))
            }
            return .dnsName(host)
        }
        let leaf = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: leafKey.publicKey,
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: certificate.subject,
            subject: try DistinguishedName { CommonName(hosts.first ?? "fsx-webhook") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
                AuthorityKeyIdentifier(keyIdentifier: Self.keyIdentifier(caKey.publicKey))
            },
            issuerPrivateKey: caKey)
        return IssuedCertificate(
            certificate: leaf,
            certificatePEM: try leaf.serializeAsPEM().pemString,
            privateKeyPEM: key.pemRepresentation)
    }

    /// RFC 5280's method 1: SHA-1 of the public key bits. Only an identifier, not a signature.
    private static func keyIdentifier(_ key: Certificate.PublicKey) -> ArraySlice<UInt8> {
        ArraySlice(Insecure.SHA1.hash(data: Array(key.subjectPublicKeyInfoBytes)))
    }

    private static func window(_ validity: Duration) -> (Date, Date) {
        let now = Date()
        return (now.addingTimeInterval(-3600), now.addingTimeInterval(TimeInterval(validity.components.seconds)))
    }

    /// The network-order bytes of an IP literal, or `nil` for a DNS name.
    static func ipAddressBytes(_ host: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}

/// A certificate and its private key, as PEM text ready to be written to files.
public struct IssuedCertificate: Sendable {
    public let certificate: Certificate
    public let certificatePEM: String
    public let privateKeyPEM: String
}
