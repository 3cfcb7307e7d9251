import FSXAWS
import FSXCore
import NIOConcurrencyHelpers
import Testing

@testable import FSXServer

/// The server's AWS-aware review without sockets: a review whose facts are cached is decided
/// at once; one whose facts are missing is decided after gathering, and counted by how.
struct AWSReviewTests {
    /// Facts written inline: `cached` answers from them when they cover the request; `facts(for:)`
    /// returns them as they are, with the reason of an AWS that did not answer.
    final class FixedFacts: AWSFactsSource, Sendable {
        let known: AWSFacts
        let gathered = NIOLockedValueBox(0)
        init(_ known: AWSFacts) { self.known = known }
        func cachedFacts(covering lookups: AWSLookups) -> AWSFacts? { known.covers(lookups) ? known : nil }
        func facts(for lookups: AWSLookups) async -> AWSFacts {
            gathered.withLockedValue { $0 += 1 }
            var facts = known
            if !facts.covers(lookups) { facts.reason = "ec2 unreachable (connection refused)" }
            return facts
        }
    }

    static let fileSystem = "fs-0123456789abcdef0"
    static let subnet = "subnet-0123456789abcdef0"

    static func engine() throws -> AdmissionEngine {
        AdmissionEngine(
            configuration: try WebhookConfiguration(json: [
                "aws": ["region": "us-west-2"],
                "volumes": ["data": ["claimName": "data", "mountPath": "/data", "fileSystemId": .string(fileSystem)]],
                "defaultVolumes": ["data"],
            ]))
    }

    static var warm: AWSFacts {
        var facts = AWSFacts(region: "us-west-2")
        facts.fileSystems[fileSystem] = .init(id: fileSystem, subnetIds: [subnet])
        facts.subnets[subnet] = .init(id: subnet, vpcId: "vpc-01234567", availabilityZone: "us-west-2b", cidrBlock: nil)
        facts.vpcs["vpc-01234567"] = .init(id: "vpc-01234567", cidrBlocks: [])
        return facts
    }

    static let job = Array(
        """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1",
        "kind":{"group":"batch","version":"v1","kind":"Job"},"operation":"CREATE","name":"train","namespace":"ml",
        "object":{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"train","namespace":"ml",
        "labels":{"fsx-webhook/inject":"true"}},"spec":{"template":{"spec":{"restartPolicy":"Never",
        "containers":[{"name":"t","image":"t:1"}]}}}}}}
        """.utf8)

    @Test func aCachedJobIsDecidedAtOnceWithItsZone() throws {
        let source = FixedFacts(Self.warm)
        let metrics = AWSMetrics()
        let router = WebhookRouter(engine: try Self.engine(), aws: AWSFactsGathering(source: source, metrics: metrics))
        guard case .answered(let response) = router.reviewStep(.mutate, body: Self.job) else {
            Issue.record("a covered request must not wait")
            return
        }
        #expect(response.outcome == .patched)
        #expect(String(decoding: response.body, as: UTF8.self).contains("patch"))
        #expect(metrics.lookupCount(.cached) == 1)
        #expect(source.gathered.withLockedValue { $0 } == 0)
    }

    @Test func aColdJobIsGatheredThenDeniedWhenAWSDoesNotAnswer() async throws {
        let source = FixedFacts(AWSFacts(region: "us-west-2"))
        let metrics = AWSMetrics()
        let router = WebhookRouter(engine: try Self.engine(), aws: AWSFactsGathering(source: source, metrics: metrics))
        guard case .gathering(let pending) = router.reviewStep(.mutate, body: Self.job) else {
            Issue.record("an uncovered request must gather")
            return
        }
        let response = await pending.answer()
        #expect(response.outcome == .denied)
        #expect(response.reply?.decision.denials.map(\.rule) == [.awsZoneUnknown])
        #expect(String(decoding: response.body, as: UTF8.self).contains("connection refused"))
        #expect(metrics.lookupCount(.unverified) == 1 && metrics.lookupCount(.cached) == 0)
    }

    @Test func withoutAWSTheRouterAnswersAsBefore() throws {
        let router = WebhookRouter(engine: AdmissionEngine())
        guard case .answered(let response) = router.reviewStep(.mutate, body: Self.job) else {
            Issue.record("no aws: section, nothing to gather")
            return
        }
        #expect(response.outcome == .allowed)
    }

    @Test func theMetricsNameEveryServiceAndOutcome() {
        let metrics = AWSMetrics()
        metrics.awsRequestFinished(service: .ec2, outcome: .throttled, nanoseconds: 30_000_000)
        metrics.awsCacheEntriesChanged(7)
        let text = metrics.exposition()
        #expect(text.contains(#"fsx_webhook_aws_requests_total{service="ec2",outcome="throttled"} 1"#))
        #expect(text.contains(#"fsx_webhook_aws_requests_total{service="sts",outcome="ok"} 0"#))
        #expect(text.contains(#"fsx_webhook_aws_request_duration_seconds_bucket{service="ec2",le="0.05"} 1"#))
        #expect(text.contains("fsx_webhook_aws_cache_entries 7"))
        #expect(text.contains(#"fsx_webhook_aws_lookups_total{result="unverified"} 0"#))
    }
}
