import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import Testing

/// The built `fsx-webhook serve` as Kubernetes runs it: a process that gets SIGTERM while the
/// apiserver is sending reviews.
@Suite(.serialized)
struct ServeShutdownTests {
    @Test func exitsZeroAfterFinishingInFlightReviewsOnSIGTERM() async throws {
        let server = try ServeProcess.start()
        defer { server.forceStop() }
        let (port, operationsPort) = try await server.waitForPorts()
        let caPEM = try String(contentsOfFile: server.caPath, encoding: .utf8)
        let tls = try ServeShutdownTests.clientContext(caPEM: caPEM)
        let body = Self.review(uid: "load")

        let terminated = NIOLockedValueBox(false)
        let results = NIOLockedValueBox([KeepAliveClient.Outcome]())
        try await withThrowingTaskGroup(of: Void.self) { load in
            // Kept-alive HTTP/1.1 connections sending reviews back to back, as the apiserver does.
            for _ in 0..<6 {
                load.addTask {
                    let outcomes = await KeepAliveClient.run(
                        port: port, context: tls, body: body, terminated: { terminated.withLockedValue { $0 } })
                    results.withLockedValue { $0.append(contentsOf: outcomes) }
                }
            }
            // Two reviews caught half-sent by SIGTERM: their heads and half their bodies are
            // in before the signal, the rest after it.
            let slow = try await (0..<2).asyncMap { index in
                try await HalfSentRequest.begin(port: port, context: tls, body: Self.review(uid: "in-flight-\(index)"))
            }
            try await Self.waitForInFlight(atLeast: 2, operationsPort: operationsPort)
            try await Task.sleep(for: .milliseconds(300))

            let signalled = ContinuousClock.now
            terminated.withLockedValue { $0 = true }
            server.terminate()
            try await Task.sleep(for: .milliseconds(300))
            for (index, request) in slow.enumerated() {
                let reply = try await request.finish()
                #expect(reply.hasPrefix("HTTP/1.1 200"), "half-sent review \(index): \(reply.prefix(80))")
                #expect(reply.contains("\"uid\":\"in-flight-\(index)\""))
            }
            try await load.waitForAll()
            let status = try await server.waitForExit(timeout: .seconds(10))
            #expect(status == 0)
            #expect(ContinuousClock.now - signalled < .seconds(6))
        }

        let outcomes = results.withLockedValue { $0 }
        let answered = outcomes.filter { if case .ok = $0 { return true } else { return false } }.count
        let failures = outcomes.compactMap { if case .failed(let why) = $0 { return why } else { return nil } }
        #expect(answered > 10, "only \(answered) reviews answered under load")
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    static func review(uid: String) -> [UInt8] {
        Array(
            """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"\(uid)",\
            "kind":{"group":"","version":"v1","kind":"ConfigMap"},"operation":"CREATE","namespace":"default",\
            "name":"settings","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},\
            "data":{"a":"b"}},"oldObject":null,"dryRun":false}}
            """.utf8)
    }

    static func clientContext(caPEM: String) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        tls.applicationProtocols = ["http/1.1"]
        return try NIOSSLContext(configuration: tls)
    }

    /// Polls `/metrics` until the server reports `count` requests in flight.
    static func waitForInFlight(atLeast count: Int, operationsPort: Int) async throws {
        for _ in 0..<100 {
            let text = try await plainGet(port: operationsPort, path: "/metrics")
            let line = text.split(separator: "\n").first { $0.hasPrefix("fsx_webhook_requests_in_flight ") }
            if let value = line.flatMap({ Int($0.split(separator: " ").last ?? "") }), value >= count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the server never had \(count) requests in flight")
    }

    static func plainGet(port: Int, path: String) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(
                ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
            var text = ""
            for try await chunk in inbound { text += String(buffer: chunk) }
            return text
        }
    }
}

/// The built executable, started with a development certificate on free ports.
final class ServeProcess: Sendable {
    let process: Process
    let caPath: String
    private let output: NIOLockedValueBox<String>

    static func start(_ extraArguments: [String] = []) throws -> ServeProcess {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("fsx-webhook-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let caPath = directory.appendingPathComponent("ca.pem").path
        let process = Process()
        process.executableURL = try executable()
        process.arguments =
            [
                "serve", "--host", "127.0.0.1", "--port", "0", "--metrics-port", "0", "--log-format", "json",
                "--dev-ca-file", caPath,
            ] + extraArguments
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        let output = NIOLockedValueBox("")
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.withLockedValue { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        return ServeProcess(process: process, caPath: caPath, output: output)
    }

    private init(process: Process, caPath: String, output: NIOLockedValueBox<String>) {
        self.process = process
        self.caPath = caPath
        self.output = output
    }

    /// `fsx-webhook` beside this test binary, in the build products folder.
    static func executable() throws -> URL {
        let me = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        var folder = me.deletingLastPathComponent()
        // On Linux the test binary is `<products>/<package>PackageTests.xctest`; elsewhere it
        // sits inside a bundle a few levels further down.
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("fsx-webhook")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        throw ServeProcessError("fsx-webhook not found near \(me.path); run `swift build` first")
    }

    /// The ports from the two "listening" log lines.
    func waitForPorts() async throws -> (webhook: Int, operations: Int) {
        for _ in 0..<200 {
            let lines = output.withLockedValue { $0 }.split(separator: "\n")
            let webhook = port(in: lines, message: "webhook server listening")
            let operations = port(in: lines, message: "operations server listening")
            if let webhook, let operations { return (webhook, operations) }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServeProcessError("server did not start; output:\n\(output.withLockedValue { $0 })")
    }

    private func port(in lines: [Substring], message: String) -> Int? {
        for line in lines where line.contains("\"message\":\"\(message)\"") {
            guard let range = line.range(of: "\"port\":\"") else { continue }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        return nil
    }

    func terminate() { kill(process.processIdentifier, SIGTERM) }

    /// Kills the process if a failed test left it running.
    func forceStop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    func waitForExit(timeout: Duration) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                throw ServeProcessError(
                    "still running \(timeout) after SIGTERM; output:\n\(output.withLockedValue { $0 })")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }
}

struct ServeProcessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One kept-alive HTTP/1.1 connection after another, sending reviews until the server stops
/// taking them.
enum KeepAliveClient {
    enum Outcome: Sendable {
        case ok
        /// Refused or closed before the request was read, after SIGTERM: never started.
        case notServed
        case failed(String)
    }

    static func run(
        port: Int, context: NIOSSLContext, body: [UInt8], terminated: @Sendable () -> Bool
    ) async -> [Outcome] {
        var outcomes: [Outcome] = []
        let request = ByteBuffer(
            string: "POST /validate?timeout=10s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.count)\r\n\r\n" + String(decoding: body, as: UTF8.self))
        while true {
            let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
            do {
                channel = try await connect(port: port, context: context)
            } catch {
                outcomes.append(terminated() ? .notServed : .failed("connect: \(error)"))
                return outcomes
            }
            let keepGoing: Bool
            do {
                keepGoing = try await channel.executeThenClose { inbound, outbound in
                    var iterator = inbound.makeAsyncIterator()
                    while true {
                        try await outbound.write(request)
                        var received = ""
                        do {
                            while !isComplete(received), let chunk = try await iterator.next() {
                                received += String(buffer: chunk)
                            }
                        } catch {
                            // Fall through: judged by what arrived.
                        }
                        if received.isEmpty {
                            // Closed before answering: only acceptable once shutdown began,
                            // for a request the server had not yet read (HTTP lets a server
                            // close an idle kept-alive connection).
                            outcomes.append(terminated() ? .notServed : .failed("closed without a response"))
                            return terminated() ? false : true
                        }
                        guard isComplete(received) else {
                            outcomes.append(.failed("response cut short: \(received.prefix(60))"))
                            return false
                        }
                        guard received.hasPrefix("HTTP/1.1 200") else {
                            outcomes.append(.failed("status: \(received.prefix(40))"))
                            return false
                        }
                        outcomes.append(.ok)
                        if received.lowercased().contains("connection: close") { return !terminated() }
                    }
                }
            } catch {
                outcomes.append(terminated() ? .notServed : .failed("\(error)"))
                keepGoing = !terminated()
            }
            if !keepGoing { return outcomes }
        }
    }

    static func connect(port: Int, context: NIOSSLContext) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        try NIOSSLClientHandler(context: context, serverHostname: "localhost"))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// A whole response: head plus a body of its Content-Length.
    static func isComplete(_ text: String) -> Bool {
        guard let split = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<split.lowerBound].lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
            let length = Int(line.dropFirst("content-length:".count).filter { $0 != " " })
        else { return false }
        return text[split.upperBound...].utf8.count >= length
    }
}

/// A review whose head and first half are sent now, and the rest later.
struct HalfSentRequest: Sendable {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    let rest: ByteBuffer

    static func begin(port: Int, context: NIOSSLContext, body: [UInt8]) async throws -> HalfSentRequest {
        let channel = try await KeepAliveClient.connect(port: port, context: context)
        let text = String(decoding: body, as: UTF8.self)
        let half = text.utf8.count / 2
        let head =
            "POST /validate?timeout=10s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\n\r\n"
        try await channel.channel.writeAndFlush(ByteBuffer(string: head + String(text.prefix(half))))
        return HalfSentRequest(channel: channel, rest: ByteBuffer(string: String(text.dropFirst(half))))
    }

    /// Sends the rest and returns everything the server answered before closing.
    func finish() async throws -> String {
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(rest)
            var received = ""
            do {
                for try await chunk in inbound {
                    received += String(buffer: chunk)
                    if KeepAliveClient.isComplete(received) { break }
                }
            } catch {
                // Judged by what arrived.
            }
            return received
        }
    }
}

extension Range where Bound == Int {
    func asyncMap<T>(_ transform: (Int) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for index in self { result.append(try await transform(index)) }
        return result
    }
}
