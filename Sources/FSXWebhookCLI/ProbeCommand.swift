import ArgumentParser
import FSXManifests
import FSXServer

/// `fsx-webhook probe`: asks a running webhook two questions with known answers.
struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that a running webhook denies a known-bad StorageClass and allows a known-good one.",
        discussion: """
            Sends two dry-run StorageClass reviews over HTTPS, trusting only --ca-file. The known-bad \
            class (PERSISTENT_2 linked to S3) must be denied, or under validation.enforcement: warn \
            allowed with a "would deny:" warning; the known-good class must be allowed without a \
            warning. The Helm chart's `helm test` runs this against the Service.

            Exit status: 0 both answers right; 1 a wrong answer (which, and what came back); 2 \
            nothing listens, TLS fails, no answer within --timeout, or a usage error.
            """)

    @Option(help: "The webhook's validate URL, e.g. https://fsx-webhook.fsx-system.svc:443/validate.")
    var url: String

    @Option(name: .customLong("ca-file"), help: "PEM CA that signed the webhook's serving certificate.")
    var caFile: String

    @Option(
        name: .customLong("server-name"),
        help: "Name the certificate must carry (and SNI), when the URL's host is an address or another name.")
    var serverName: String?

    @Option(help: "Seconds allowed for each exchange (connect, TLS, answer).")
    var timeout = 10.0

    func validate() throws {
        guard timeout > 0, timeout <= 300 else {
            throw ValidationError("--timeout must be between 0 and 300 seconds, got \(timeout)")
        }
    }

    func run() async throws {
        let caPEM: String
        do {
            caPEM = try FileReader.readText(caFile)
        } catch {
            throw CLIFailure("probe: \(error.message)")
        }
        let checks: [WebhookProbe.Check]
        do throws(ProbeError) {
            let target = try ProbeClient.Target(url: url, serverName: serverName)
            let client = try ProbeClient(
                target: target, caPEM: caPEM, timeout: .milliseconds(Int64(timeout * 1000)))
            checks = try await WebhookProbe.run(client)
        } catch {
            throw CLIFailure("probe: \(error.message)")
        }
        for check in checks {
            Output.write("\(check.passed ? "PASS" : "FAIL")  \(check.name): \(check.detail)\n")
        }
        if checks.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}
