import AsyncHTTPClient
import FSXCore
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// The credentials chain, in the order AWS's SDKs use: environment variables; web identity
/// (IRSA: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`, through STS
/// AssumeRoleWithWebIdentity); EKS Pod Identity (`AWS_CONTAINER_CREDENTIALS_FULL_URI` and its
/// token file); IMDSv2. Temporary credentials are fetched again five minutes before they expire.
public final class CredentialsProvider: Sendable {
    /// Where credentials come from, logged once at start.
    public enum Source: String, Sendable {
        case environment
        case webIdentity = "web-identity"
        case podIdentity = "pod-identity"
        case instanceMetadata = "imds"
    }

    public let source: Source
    let environment: [String: String]
    let region: String
    let stsEndpoint: String
    let http: HTTPClient
    let observer: (any AWSObserver)?
    private let cached = NIOLockedValueBox<AWSCredentials?>(nil)

    /// Refreshed this long before expiry, so a request never signs with credentials that
    /// expire while it is on the wire.
    static let refreshMargin: Double = 300

    /// Picks the first source the environment names; IMDSv2 when none does.
    public init(
        environment: [String: String], region: String, endpointURL: String?, http: HTTPClient,
        observer: (any AWSObserver)?
    ) {
        self.environment = environment
        self.region = region
        self.http = http
        self.observer = observer
        if let endpointURL {
            stsEndpoint = endpointURL.hasSuffix("/") ? String(endpointURL.dropLast()) : endpointURL
        } else {
            stsEndpoint = "https://sts.\(region).amazonaws.com\(region.hasPrefix("cn-") ? ".cn" : "")"
        }
        if environment["AWS_ACCESS_KEY_ID"]?.isEmpty == false && environment["AWS_SECRET_ACCESS_KEY"]?.isEmpty == false
        {
            source = .environment
        } else if environment["AWS_WEB_IDENTITY_TOKEN_FILE"]?.isEmpty == false
            && environment["AWS_ROLE_ARN"]?.isEmpty == false
        {
            source = .webIdentity
        } else if environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"]?.isEmpty == false {
            source = .podIdentity
        } else {
            source = .instanceMetadata
        }
    }

    /// Credentials valid for at least `refreshMargin` more, fetched when needed.
    public func current(deadline: ContinuousClock.Instant) async throws(AWSClient.Failure) -> AWSCredentials {
        let now = Date().timeIntervalSince1970
        if let credentials = cached.withLockedValue({ $0 }),
            credentials.expiration.map({ $0 - Self.refreshMargin > now }) ?? true
        {
            return credentials
        }
        let fresh = try await fetch(deadline: deadline)
        cached.withLockedValue { $0 = fresh }
        return fresh
    }

    func fetch(deadline: ContinuousClock.Instant) async throws(AWSClient.Failure) -> AWSCredentials {
        switch source {
        case .environment:
            return AWSCredentials(
                accessKeyId: environment["AWS_ACCESS_KEY_ID"]!, secretAccessKey: environment["AWS_SECRET_ACCESS_KEY"]!,
                sessionToken: environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 })
        case .webIdentity: return try await assumeRoleWithWebIdentity(deadline: deadline)
        case .podIdentity: return try await containerCredentials(deadline: deadline)
        case .instanceMetadata: return try await instanceMetadataCredentials(deadline: deadline)
        }
    }

    func assumeRoleWithWebIdentity(deadline: ContinuousClock.Instant) async throws(AWSClient.Failure) -> AWSCredentials
    {
        let path = environment["AWS_WEB_IDENTITY_TOKEN_FILE"]!
        // Read at every refresh: the kubelet rotates the projected token file.
        guard let token = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw AWSClient.Failure("cannot read the web identity token file \(path)")
        }
        let session = environment["AWS_ROLE_SESSION_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? "fsx-webhook"
        let form = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"),
            ("RoleArn", environment["AWS_ROLE_ARN"]!),
            ("RoleSessionName", session), ("WebIdentityToken", token.trimmingWhitespace),
        ]
        var request = HTTPClientRequest(url: stsEndpoint + "/")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8")
        request.body = .bytes(
            Array(form.map { "\(SigV4Signer.encode($0.0))=\(SigV4Signer.encode($0.1))" }.joined(separator: "&").utf8))
        let (status, body) = try await exchange(request, service: .sts, deadline: deadline)
        guard let root = try? XMLElement.parse(body) else {
            throw AWSClient.Failure("STS AssumeRoleWithWebIdentity answered HTTP \(status) without XML")
        }
        guard status == 200, let credentials = root.find("Credentials") else {
            throw AWSClient.Failure(
                "STS AssumeRoleWithWebIdentity failed: \(root.find("Code")?.text ?? "HTTP \(status)")")
        }
        return try Self.credentials(
            accessKeyId: credentials.value("AccessKeyId"), secret: credentials.value("SecretAccessKey"),
            token: credentials.value("SessionToken"), expiration: credentials.value("Expiration"), from: "STS")
    }

    func containerCredentials(deadline: ContinuousClock.Instant) async throws(AWSClient.Failure) -> AWSCredentials {
        var request = HTTPClientRequest(url: environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"]!)
        if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !file.isEmpty {
            guard let token = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw AWSClient.Failure("cannot read the container authorization token file \(file)")
            }
            request.headers.add(name: "Authorization", value: token.trimmingWhitespace)
        } else if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"], !token.isEmpty {
            request.headers.add(name: "Authorization", value: token)
        }
        let (status, body) = try await exchange(request, service: nil, deadline: deadline)
        guard status == 200, let json = try? JSONParser.parse(body) else {
            throw AWSClient.Failure("the Pod Identity agent answered HTTP \(status)")
        }
        return try Self.credentials(
            accessKeyId: json["AccessKeyId"]?.stringValue, secret: json["SecretAccessKey"]?.stringValue,
            token: json["Token"]?.stringValue, expiration: json["Expiration"]?.stringValue, from: "Pod Identity")
    }

    /// IMDSv2: a session token by PUT, then the role's credentials.
    func instanceMetadataCredentials(
        deadline: ContinuousClock.Instant
    ) async throws(AWSClient.Failure) -> AWSCredentials {
        let base = Self.metadataEndpoint(environment)
        let token = try await Self.metadataToken(base: base, http: http, deadline: deadline)
        var roleRequest = HTTPClientRequest(url: base + "/latest/meta-data/iam/security-credentials/")
        roleRequest.headers.add(name: "X-aws-ec2-metadata-token", value: token)
        let (roleStatus, roleBody) = try await exchange(roleRequest, service: nil, deadline: deadline)
        let role = String(decoding: roleBody, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        guard roleStatus == 200, !role.isEmpty else {
            throw AWSClient.Failure("the instance has no IAM role (IMDS answered HTTP \(roleStatus))")
        }
        var request = HTTPClientRequest(url: base + "/latest/meta-data/iam/security-credentials/" + role)
        request.headers.add(name: "X-aws-ec2-metadata-token", value: token)
        let (status, body) = try await exchange(request, service: nil, deadline: deadline)
        guard status == 200, let json = try? JSONParser.parse(body) else {
            throw AWSClient.Failure("IMDS credentials answered HTTP \(status)")
        }
        return try Self.credentials(
            accessKeyId: json["AccessKeyId"]?.stringValue, secret: json["SecretAccessKey"]?.stringValue,
            token: json["Token"]?.stringValue, expiration: json["Expiration"]?.stringValue, from: "IMDS")
    }

    static func metadataEndpoint(_ environment: [String: String]) -> String {
        let given = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
        let base = given ?? "http://169.254.169.254"
        return base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    static func metadataToken(
        base: String, http: HTTPClient, deadline: ContinuousClock.Instant
    ) async throws(AWSClient.Failure) -> String {
        var request = HTTPClientRequest(url: base + "/latest/api/token")
        request.method = .PUT
        request.headers.add(name: "X-aws-ec2-metadata-token-ttl-seconds", value: "21600")
        let (status, body) = try await exchange(request, http: http, deadline: deadline)
        guard status == 200, !body.isEmpty else { throw AWSClient.Failure("IMDSv2 token: HTTP \(status)") }
        return String(decoding: body, as: UTF8.self)
    }

    /// The instance's region from IMDSv2, when neither the configuration nor `AWS_REGION` names one.
    public static func instanceRegion(
        environment: [String: String], http: HTTPClient, deadline: ContinuousClock.Instant
    ) async throws(AWSClient.Failure) -> String {
        let base = metadataEndpoint(environment)
        let token = try await metadataToken(base: base, http: http, deadline: deadline)
        var request = HTTPClientRequest(url: base + "/latest/meta-data/placement/region")
        request.headers.add(name: "X-aws-ec2-metadata-token", value: token)
        let (status, body) = try await exchange(request, http: http, deadline: deadline)
        guard status == 200, !body.isEmpty else { throw AWSClient.Failure("IMDSv2 region: HTTP \(status)") }
        return String(decoding: body, as: UTF8.self).trimmingWhitespace
    }

    func exchange(
        _ request: HTTPClientRequest, service: AWSService?, deadline: ContinuousClock.Instant
    ) async throws(AWSClient.Failure) -> (Int, [UInt8]) {
        let started = ContinuousClock.now
        do {
            let answer = try await Self.exchange(request, http: http, deadline: deadline)
            if let service {
                observer?.awsRequestFinished(
                    service: service,
                    outcome: answer.0 < 400
                        ? .ok : answer.0 == 429 ? .throttled : answer.0 >= 500 ? .serverError : .error,
                    nanoseconds: AWSClient.nanoseconds(since: started))
            }
            return answer
        } catch {
            if let service {
                observer?.awsRequestFinished(
                    service: service, outcome: .unreachable, nanoseconds: AWSClient.nanoseconds(since: started))
            }
            throw error
        }
    }

    static func exchange(
        _ request: HTTPClientRequest, http: HTTPClient, deadline: ContinuousClock.Instant
    ) async throws(AWSClient.Failure) -> (Int, [UInt8]) {
        let left = deadline - ContinuousClock.now
        guard left > .zero else { throw AWSClient.Failure("deadline passed") }
        let milliseconds = max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
        do {
            let response = try await http.execute(request, timeout: .milliseconds(milliseconds))
            let body = try await response.body.collect(upTo: 1024 * 1024)
            return (Int(response.status.code), Array(body.readableBytesView))
        } catch {
            throw AWSClient.Failure("\(error)")
        }
    }

    static func credentials(
        accessKeyId: String?, secret: String?, token: String?, expiration: String?, from: String
    ) throws(AWSClient.Failure) -> AWSCredentials {
        guard let accessKeyId, !accessKeyId.isEmpty, let secret, !secret.isEmpty else {
            throw AWSClient.Failure("\(from) answered without credentials")
        }
        return AWSCredentials(
            accessKeyId: accessKeyId, secretAccessKey: secret, sessionToken: token,
            expiration: expiration.flatMap(parseTimestamp))
    }

    /// `2026-12-05T04:00:00Z`, with or without fractional seconds.
    static func parseTimestamp(_ text: String) -> Double? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date.timeIntervalSince1970 }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)?.timeIntervalSince1970
    }
}
