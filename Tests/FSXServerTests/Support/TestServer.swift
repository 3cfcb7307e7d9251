import AsyncHTTPClient
import FSXAWS
import FSXCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import ServiceLifecycle

@testable import FSXServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real server, in process, on free ports, with a CA and serving certificate minted for
/// this run and written to a fresh temporary folder.
struct TestServer: Sendable {
    let authority: CertificateAuthority
    let caPEM: String
    let directory: String
    let files: CertificateFiles
    let application: WebhookApplication
    let port: Int
    let operationsPort: Int
    /// Starts the graceful shutdown a SIGTERM would start.
    let beginShutdown: @Sendable () async -> Void

    var metrics: ServerMetrics { application.metrics }

    static func makeDirectory() -> String {
        var template = Array("/tmp/fsx-webhook-test-XXXXXX".utf8CString)
        let path = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!) }
        return String(cString: path!)
    }

    /// Runs `body` against a started server, then shuts the server down gracefully and
    /// waits for it to stop.
    static func with<T: Sendable>(
        engine: AdmissionEngine = AdmissionEngine(),
        aws: AWSFactsCache? = nil,
        adjust: (inout ServerConfiguration) -> Void = { _ in },
        logLevel: Logger.Level = .warning,
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        let directory = makeDirectory()
        defer { removeDirectory(directory) }
        let authority = try CertificateAuthority(commonName: "fsx-webhook test CA")
        let serving = try authority.issueServingCertificate(hosts: ["localhost", "127.0.0.1"])
        let files = CertificateFiles(certificatePath: directory + "/tls.crt", privateKeyPath: directory + "/tls.key")
        try writeFile(files.certificatePath, serving.certificatePEM)
        try writeFile(files.privateKeyPath, serving.privateKeyPEM)

        var configuration = ServerConfiguration(tls: .files(files))
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.operationsHost = "127.0.0.1"
        configuration.operationsPort = 0
        configuration.certificateReloadInterval = .milliseconds(100)
        // The suites talk HTTP/2 as well as HTTP/1.1; `ProtocolDefaultsTests` checks the
        // default, which offers HTTP/1.1 only.
        configuration.http2 = true
        adjust(&configuration)

        var logger = Logger(label: "fsx-webhook-test")
        // Hostile-input tests pass `.error`: thousands of refused requests would each log a
        // warning line.
        logger.logLevel = logLevel
        let application = try WebhookApplication(
            configuration: configuration, engine: engine, logger: logger, aws: aws)
        let group = ServiceGroup(
            configuration: .init(services: application.services.map { .init(service: $0) }, logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: Result<T, any Error>
            do {
                let port = try await application.webhookServer.listeningAddress.address.port!
                let operationsPort = try await application.operationsServer.listeningAddress.address.port!
                let server = TestServer(
                    authority: authority, caPEM: try authority.certificatePEM, directory: directory, files: files,
                    application: application, port: port, operationsPort: operationsPort,
                    beginShutdown: { await group.triggerGracefulShutdown() })
                result = .success(try await body(server))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }

    static func writeFile(_ path: String, _ contents: String) throws {
        try WebhookApplication.writeFile(path, contents: contents)
    }

    /// Replaces `path` the way a Kubernetes Secret volume does: write beside, then rename,
    /// so a reader sees the old file or the new one, never half of one.
    static func replaceFile(_ path: String, _ contents: String) throws {
        try writeFile(path + ".new", contents)
        guard rename(path + ".new", path) == 0 else { throw StartupError("rename \(path) failed") }
    }

    static func removeDirectory(_ path: String) {
        guard let directory = opendir(path) else { return }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { unlink(path + "/" + name) }
        }
        closedir(directory)
        rmdir(path)
    }

    // MARK: Clients

    /// A client that trusts only the test CA; `http1Only` or `automatic` (h2 by ALPN).
    func makeClient(_ version: HTTPClient.Configuration.HTTPVersion) throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.httpVersion = version
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    struct Reply: Sendable {
        var status: HTTPResponseStatus
        var version: HTTPVersion
        var headers: HTTPHeaders
        var body: [UInt8]

        var json: JSONValue {
            get throws { try JSONParser.parse(body) }
        }
    }

    /// One request to the webhook port.
    func send(
        _ client: HTTPClient, method: HTTPMethod = .POST, path: String = "/validate?timeout=10s",
        contentType: String? = "application/json", body: [UInt8]?, chunked: Bool = false
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: "https://localhost:\(port)\(path)")
        request.method = method
        if let contentType { request.headers.add(name: "content-type", value: contentType) }
        if let body {
            if chunked {
                // Unknown length: sent with chunked transfer encoding (HTTP/1.1) or without
                // a content-length (h2), so the limit must be enforced while reading.
                let chunks = stride(from: 0, to: body.count, by: 256 * 1024).map {
                    ByteBuffer(bytes: body[$0..<min($0 + 256 * 1024, body.count)])
                }
                request.body = .stream(chunks.async, length: .unknown)
            } else {
                request.body = .bytes(ByteBuffer(bytes: body))
            }
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Reply(
            status: response.status, version: response.version, headers: response.headers,
            body: Array(collected.readableBytesView))
    }

    /// GET on the operations port (plain HTTP).
    func operations(_ client: HTTPClient, _ path: String) async throws -> (status: HTTPResponseStatus, body: String) {
        let response = try await client.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(operationsPort)\(path)"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1024 * 1024)
        return (response.status, String(buffer: body))
    }
}

extension Array where Element: Sendable {
    /// The elements as an async sequence, for streamed request bodies.
    var async: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
