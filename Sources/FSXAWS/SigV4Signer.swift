import Crypto

/// AWS Signature Version 4, as botocore's `SigV4Auth` computes it (the tests compare the
/// `Authorization` headers of both on the same requests).
///
/// No Swift AWS SDK is available to this project, so the signer is written here, over
/// swift-crypto's HMAC-SHA256.
public struct SigV4Signer: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    /// The signing name: `ec2`, `fsx`, `sts`.
    public var service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// A request to sign: what the canonical request is made of.
    public struct Request: Sendable {
        public var method: String
        /// `https` or `http`: decides whether the port is part of the host.
        public var scheme: String
        public var host: String
        public var port: Int?
        /// The path as it is sent, percent-encoded already where needed.
        public var path: String
        /// Query parameters, not encoded: the signer encodes them as SigV4 asks.
        public var query: [(String, String)]
        public var headers: [(String, String)]
        public var body: [UInt8]

        public init(
            method: String, scheme: String = "https", host: String, port: Int? = nil, path: String = "/",
            query: [(String, String)] = [], headers: [(String, String)] = [], body: [UInt8] = []
        ) {
            self.method = method
            self.scheme = scheme
            self.host = host
            self.port = port
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }
    }

    /// Headers that proxies change or drop, never signed (botocore's list).
    static let unsignedHeaders: Set<String> = [
        "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id", "authorization",
    ]

    /// The headers to add to `request`: `X-Amz-Date`, `X-Amz-Security-Token` with temporary
    /// credentials, and `Authorization`. `amzDate` is `YYYYMMDDTHHMMSSZ` in UTC.
    public func sign(_ request: Request, amzDate: String) -> [(String, String)] {
        var added: [(String, String)] = [("X-Amz-Date", amzDate)]
        if let token = credentials.sessionToken { added.append(("X-Amz-Security-Token", token)) }
        let (canonical, signedHeaders) = canonicalRequest(request, adding: added)
        let day = String(amzDate.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign =
            "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n\(Self.hex(SHA256.hash(data: Array(canonical.utf8))))"
        var key = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
        added.append(
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
            ))
        return added
    }

    /// The canonical request and the signed header list.
    public func canonicalRequest(_ request: Request, adding added: [(String, String)]) -> (String, String) {
        var headers: [String: [String]] = [:]
        // The added headers replace any the caller set (botocore deletes them first).
        let replaced = Set(added.map { $0.0.lowercased() })
        let given = request.headers.filter { !replaced.contains($0.0.lowercased()) }
        for (name, value) in given + added {
            let lower = name.lowercased()
            guard !Self.unsignedHeaders.contains(lower) else { continue }
            headers[lower, default: []].append(Self.trimAll(value))
        }
        if headers["host"] == nil { headers["host"] = [hostHeader(request)] }
        let names = headers.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let canonicalHeaders = names.map { "\($0):\(headers[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let payloadHash = Self.hex(SHA256.hash(data: request.body))
        let canonical = [
            request.method.uppercased(), Self.canonicalPath(request.path), canonicalQuery(request.query),
            canonicalHeaders, signedHeaders, payloadHash,
        ].joined(separator: "\n")
        return (canonical, signedHeaders)
    }

    /// The `Host` header: lowercase, with the port unless it is the scheme's default.
    public func hostHeader(_ request: Request) -> String {
        let host = request.host.lowercased()
        guard let port = request.port else { return host }
        let defaultPort = request.scheme == "https" ? 443 : (request.scheme == "http" ? 80 : nil)
        return port == defaultPort ? host : "\(host):\(port)"
    }

    func canonicalQuery(_ query: [(String, String)]) -> String {
        query.map { (Self.encode($0.0), Self.encode($0.1)) }
            .sorted { a, b in
                a.0 == b.0
                    ? Array(a.1.utf8).lexicographicallyPrecedes(Array(b.1.utf8))
                    : Array(a.0.utf8).lexicographicallyPrecedes(Array(b.0.utf8))
            }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// The path with `.` and `..` segments and empty segments removed, then percent-encoded
    /// once more (so `%` becomes `%25`), as every service but S3 expects.
    static func canonicalPath(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                if !segments.isEmpty { segments.removeLast() }
            } else {
                segments.append(segment)
            }
        }
        var normalized = path.hasPrefix("/") ? "/" : ""
        normalized += segments.joined(separator: "/")
        if path.hasSuffix("/") && !segments.isEmpty { normalized += "/" }
        return encode(normalized, keeping: "/~")
    }

    /// Percent-encodes every byte but `A-Z a-z 0-9 - _ .` and those in `keeping`, with
    /// uppercase hex (RFC 3986, as SigV4 requires).
    public static func encode(_ text: String, keeping: String = "-_.~") -> String {
        let kept = Set(keeping.utf8).union("-_.".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let digits = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            let alnum =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            if alnum || kept.contains(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Leading and trailing whitespace removed, inner runs collapsed to one space.
    static func trimAll(_ value: String) -> String {
        value.utf8.split(whereSeparator: { $0 == 0x20 || (0x09...0x0D).contains($0) })
            .map { String(decoding: $0, as: UTF8.self) }
            .joined(separator: " ")
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] }
        return String(decoding: out, as: UTF8.self)
    }
}
