import AsyncHTTPClient
import FSXCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The read-only AWS calls the webhook makes: EC2 DescribeSubnets, DescribeSecurityGroups and
/// DescribeVpcs (query protocol, XML answers), FSx DescribeFileSystems (JSON 1.1), signed with
/// SigV4; throttling and 5xx answers are retried with jittered backoff until the deadline.
public final class AWSClient: Sendable {
    public let region: String
    let endpointURL: String?
    let http: HTTPClient
    public let credentials: CredentialsProvider
    let observer: (any AWSObserver)?
    let logger: Logger

    public init(
        region: String, endpointURL: String?, http: HTTPClient, credentials: CredentialsProvider,
        observer: (any AWSObserver)?, logger: Logger
    ) {
        self.region = region
        self.endpointURL = endpointURL
        self.http = http
        self.credentials = credentials
        self.observer = observer
        self.logger = logger
    }

    /// Why a call gave no facts: the text of the `aws-unverified` warning.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// The endpoint of a service: `endpointURL` when set, else AWS's regional one.
    func endpoint(_ service: AWSService) -> String {
        if let endpointURL { return endpointURL.hasSuffix("/") ? String(endpointURL.dropLast()) : endpointURL }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return "https://\(service.rawValue).\(region).\(suffix)"
    }

    // MARK: - EC2

    /// Subnets by ID; the ones missing from the answer do not exist. Filters are used rather
    /// than `SubnetId.N`, which fails the whole call when one ID does not exist.
    func describeSubnets(_ ids: [String], deadline: ContinuousClock.Instant) async throws(Failure) -> AWSFacts {
        let roots = try await ec2("DescribeSubnets", filter: "subnet-id", ids, deadline: deadline)
        var facts = AWSFacts(region: region)
        for item in roots.flatMap({ $0.items("subnetSet") }) {
            guard let id = item.value("subnetId"), let vpc = item.value("vpcId"),
                let zone = item.value("availabilityZone")
            else { continue }
            facts.subnets[id] = AWSFacts.Subnet(
                id: id, vpcId: vpc, availabilityZone: zone, cidrBlock: item.value("cidrBlock").flatMap(IPv4Block.init))
        }
        facts.absent = Set(ids.filter { facts.subnets[$0] == nil })
        return facts
    }

    func describeVpcs(_ ids: [String], deadline: ContinuousClock.Instant) async throws(Failure) -> AWSFacts {
        let roots = try await ec2("DescribeVpcs", filter: "vpc-id", ids, deadline: deadline)
        var facts = AWSFacts(region: region)
        for item in roots.flatMap({ $0.items("vpcSet") }) {
            guard let id = item.value("vpcId") else { continue }
            var blocks = item.value("cidrBlock").flatMap(IPv4Block.init).map { [$0] } ?? []
            for association in item.items("cidrBlockAssociationSet") {
                let state = association.child("cidrBlockState")?.value("state") ?? "associated"
                if state == "associated", let block = association.value("cidrBlock").flatMap(IPv4Block.init),
                    !blocks.contains(block)
                {
                    blocks.append(block)
                }
            }
            facts.vpcs[id] = AWSFacts.VPC(id: id, cidrBlocks: blocks)
        }
        facts.absent = Set(ids.filter { facts.vpcs[$0] == nil })
        return facts
    }

    func describeSecurityGroups(_ ids: [String], deadline: ContinuousClock.Instant) async throws(Failure) -> AWSFacts {
        let roots = try await ec2("DescribeSecurityGroups", filter: "group-id", ids, deadline: deadline)
        var facts = AWSFacts(region: region)
        for item in roots.flatMap({ $0.items("securityGroupInfo") }) {
            guard let id = item.value("groupId"), let vpc = item.value("vpcId") else { continue }
            facts.securityGroups[id] = AWSFacts.SecurityGroup(
                id: id, vpcId: vpc, ingress: item.items("ipPermissions").map(Self.permission),
                egress: item.items("ipPermissionsEgress").map(Self.permission))
        }
        facts.absent = Set(ids.filter { facts.securityGroups[$0] == nil })
        return facts
    }

    static func permission(_ item: XMLElement) -> AWSFacts.Permission {
        AWSFacts.Permission(
            ipProtocol: item.value("ipProtocol") ?? "",
            fromPort: item.value("fromPort").flatMap { Int($0) },
            toPort: item.value("toPort").flatMap { Int($0) },
            ipRanges: item.items("ipRanges").compactMap { $0.value("cidrIp").flatMap(IPv4Block.init) },
            groupIds: item.items("groups").compactMap { $0.value("groupId") })
    }

    /// EC2 takes at most 200 values per filter; the background refresh may ask for more.
    static let filterValuesPerCall = 200

    func ec2(
        _ action: String, filter: String, _ ids: [String], deadline: ContinuousClock.Instant
    ) async throws(Failure) -> [XMLElement] {
        var roots: [XMLElement] = []
        var start = 0
        while start < ids.count {
            let end = min(start + Self.filterValuesPerCall, ids.count)
            roots.append(try await ec2Call(action, filter: filter, Array(ids[start..<end]), deadline: deadline))
            start = end
        }
        return roots
    }

    func ec2Call(
        _ action: String, filter: String, _ ids: [String], deadline: ContinuousClock.Instant
    ) async throws(Failure) -> XMLElement {
        var form = [("Action", action), ("Version", "2016-11-15"), ("Filter.1.Name", filter)]
        for (index, id) in ids.enumerated() { form.append(("Filter.1.Value.\(index + 1)", id)) }
        let body = Array(
            form.map { "\(SigV4Signer.encode($0.0))=\(SigV4Signer.encode($0.1))" }.joined(separator: "&").utf8)
        let (status, answer) = try await send(
            .ec2, body: body, headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            deadline: deadline)
        guard let root = try? XMLElement.parse(answer) else {
            throw Failure("EC2 \(action) answered HTTP \(status) with a body that is not XML")
        }
        guard status == 200 else {
            let code = root.find("Code")?.text ?? "HTTP \(status)"
            throw Failure("EC2 \(action) failed: \(code): \(root.find("Message")?.text ?? "")")
        }
        return root
    }

    // MARK: - FSx

    /// File systems by ID, one call each: with several IDs, one that does not exist fails the
    /// whole call (FileSystemNotFound).
    func describeFileSystems(_ ids: [String], deadline: ContinuousClock.Instant) async throws(Failure) -> AWSFacts {
        var facts = AWSFacts(region: region)
        for id in ids {
            let body = JSONWriter.bytes(.object(JSONObject([.init(key: "FileSystemIds", value: [.string(id)])])))
            let (status, answer) = try await send(
                .fsx, body: body,
                headers: [
                    ("Content-Type", "application/x-amz-json-1.1"),
                    ("X-Amz-Target", "AWSSimbaAPIService_v20180301.DescribeFileSystems"),
                ], deadline: deadline)
            let json = try? JSONParser.parse(answer)
            if status != 200 {
                let type = json?["__type"]?.stringValue ?? "HTTP \(status)"
                if type.hasSuffix("FileSystemNotFound") {
                    facts.absent.insert(id)
                    continue
                }
                throw Failure("FSx DescribeFileSystems failed: \(type)")
            }
            guard let systems = json?["FileSystems"]?.arrayValue else {
                throw Failure("FSx DescribeFileSystems answered without FileSystems")
            }
            for system in systems {
                guard let found = system["FileSystemId"]?.stringValue, found == id else { continue }
                let subnets = system["SubnetIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
                facts.fileSystems[id] = AWSFacts.FileSystem(id: id, subnetIds: subnets)
            }
            if facts.fileSystems[id] == nil { facts.absent.insert(id) }
        }
        return facts
    }

    // MARK: - Transport

    /// Error codes that mean "slow down": retried like 5xx.
    static let throttlingCodes = [
        "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
        "RequestThrottled", "RequestThrottledException", "SlowDown",
    ]

    /// Sends a signed POST to `service`, retrying throttling, 5xx and connection failures with
    /// full-jitter exponential backoff (50 ms base) for as long as `deadline` allows.
    func send(
        _ service: AWSService, body: [UInt8], headers: [(String, String)], deadline: ContinuousClock.Instant
    ) async throws(Failure) -> (Int, [UInt8]) {
        var attempt = 0
        var lastProblem = "no answer"
        while true {
            // A cancelled task (the server shutting down) stops asking: its sleeps would
            // return at once and the loop would spin until the deadline.
            if Task.isCancelled { throw Failure("cancelled (shutting down)") }
            let credentials: AWSCredentials
            do {
                credentials = try await self.credentials.current(deadline: deadline)
            } catch {
                throw Failure("no AWS credentials: \(error.description)")
            }
            let outcome: AWSRequestOutcome
            let started = ContinuousClock.now
            do {
                let (status, answer) = try await post(
                    service, body: body, headers: headers, credentials: credentials, deadline: deadline)
                let throttled =
                    status == 429
                    || (status == 400 || status == 503)
                        && Self.throttlingCodes.contains { code in
                            String(decoding: answer.prefix(2048), as: UTF8.self).contains(code)
                        }
                outcome = throttled ? .throttled : status >= 500 ? .serverError : status >= 400 ? .error : .ok
                observer?.awsRequestFinished(
                    service: service, outcome: outcome, nanoseconds: Self.nanoseconds(since: started))
                if outcome == .ok || outcome == .error { return (status, answer) }
                lastProblem =
                    throttled ? "throttled by \(service.rawValue)" : "\(service.rawValue) answered HTTP \(status)"
            } catch {
                observer?.awsRequestFinished(
                    service: service, outcome: .unreachable, nanoseconds: Self.nanoseconds(since: started))
                lastProblem = "\(service.rawValue) unreachable (\(error.description))"
            }
            attempt += 1
            let ceiling = min(50.0 * pow(2.0, Double(attempt - 1)), 2000)
            let pause = Duration.milliseconds(Int64(Double.random(in: 0...ceiling)))
            guard ContinuousClock.now + pause < deadline else {
                throw Failure("\(lastProblem), \(attempt) attempt\(attempt == 1 ? "" : "s") within the budget")
            }
            logger.debug(
                "retrying AWS call",
                metadata: ["service": "\(service.rawValue)", "attempt": "\(attempt)", "why": "\(lastProblem)"])
            try? await Task.sleep(for: pause)
        }
    }

    func post(
        _ service: AWSService, body: [UInt8], headers: [(String, String)], credentials: AWSCredentials,
        deadline: ContinuousClock.Instant
    ) async throws(Failure) -> (Int, [UInt8]) {
        let url = endpoint(service) + "/"
        guard let parts = URLParts(url) else { throw Failure("endpoint \(url) is not a URL") }
        let signer = SigV4Signer(credentials: credentials, region: region, service: service.rawValue)
        let request = SigV4Signer.Request(
            method: "POST", scheme: parts.scheme, host: parts.host, port: parts.port, path: parts.path,
            headers: headers, body: body)
        let signed = signer.sign(request, amzDate: Self.amzDate(Date()))
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = .POST
        for (name, value) in headers + signed { outgoing.headers.add(name: name, value: value) }
        outgoing.headers.add(name: "User-Agent", value: "fsx-webhook")
        outgoing.body = .bytes(body)
        return try await execute(outgoing, deadline: deadline)
    }

    /// One HTTP exchange bounded by `deadline`; the body is capped at 4 MiB (the largest
    /// answer for the IDs one class names is a few KiB).
    func execute(
        _ request: HTTPClientRequest, deadline: ContinuousClock.Instant
    ) async throws(Failure) -> (Int, [UInt8]) {
        let left = deadline - ContinuousClock.now
        guard left > .zero else { throw Failure("deadline passed") }
        let milliseconds = max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
        do {
            let response = try await http.execute(request, timeout: .milliseconds(milliseconds))
            let body = try await response.body.collect(upTo: 4 * 1024 * 1024)
            return (Int(response.status.code), Array(body.readableBytesView))
        } catch {
            throw Failure("\(error)")
        }
    }

    static func nanoseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
    }

    /// `YYYYMMDDTHHMMSSZ` in UTC.
    static func amzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String {
            let v = n ?? 0
            return v < 10 ? "0\(v)" : "\(v)"
        }
        return "\(c.year ?? 1970)\(two(c.month))\(two(c.day))T\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
    }
}

/// The parts of an `http(s)://host[:port]/path` URL the signer needs.
struct URLParts {
    var scheme: String
    var host: String
    var port: Int?
    var path: String

    init?(_ url: String) {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        scheme = String(url[..<schemeEnd.lowerBound]).lowercased()
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        path = rest.count > authority.count ? String(rest.dropFirst(authority.count)) : "/"
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = String(authority[..<colon])
            guard let number = Int(authority[authority.index(after: colon)...]) else { return nil }
            port = number
        } else {
            host = String(authority)
            port = nil
        }
        guard !host.isEmpty else { return nil }
    }
}
