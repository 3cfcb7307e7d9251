import AsyncHTTPClient
import Atomics
import FSXCore
import FSXTestSupport
import Foundation
import NIOCore
import Testing

@testable import FSXServer

/// Whatever a client sends, the running server answers it promptly with JSON (a 200
/// AdmissionReview, or a 4xx `Status`) or closes a connection that is not HTTP at all, and
/// keeps serving. A crash here would end the test process; a hang would hit the client's
/// time limit.
@Suite(.serialized)
struct HostileInputTests {
    /// A body-level attack and the statuses it may get.
    struct Attack: Sendable, CustomTestStringConvertible {
        var name: String
        var body: [UInt8]
        var path = "/validate?timeout=10s"
        var statuses: Set<Int> = [400]
        var chunked = false
        var testDescription: String { name }
    }

    static let valid = Array(Reviews.configMapCreate(uid: "valid").utf8)

    static func review(uid: String = "hostile", object: String, oldObject: String = "null") -> [UInt8] {
        Array(
            Reviews.envelope(
                uid: uid, operation: "CREATE", group: "", kind: "ConfigMap", namespace: "default", name: "x",
                object: object, oldObject: oldObject
            ).utf8)
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// A valid review whose ConfigMap data pads the body to exactly `size` bytes.
    static func review(paddedTo size: Int) -> [UInt8] {
        let empty = review(object: #"{"kind":"ConfigMap","data":{"pad":""}}"#)
        return review(
            object: #"{"kind":"ConfigMap","data":{"pad":"\#(String(repeating: "p", count: size - empty.count))"}}"#)
    }

    static let attacks: [Attack] = {
        let deep = 100_000
        let limit = WebhookRouter.defaultMaximumBodySize
        let storageClass = Reviews.persistent2WithS3(uid: "numbers")
        var list: [Attack] = [
            Attack(name: "arrays nested 100,000 deep", body: Array(repeating: UInt8(ascii: "["), count: deep)),
            Attack(
                name: "arrays nested 100,000 deep, closed",
                body: Array(repeating: UInt8(ascii: "["), count: deep)
                    + Array(repeating: UInt8(ascii: "]"), count: deep)),
            Attack(
                name: "objects nested 100,000 deep, closed",
                body: Array(String(repeating: #"{"a":"#, count: deep).utf8) + [UInt8(ascii: "1")]
                    + Array(repeating: UInt8(ascii: "}"), count: deep)),
            Attack(
                name: "request.object nested 100,000 deep",
                body: review(object: String(repeating: "[", count: deep) + String(repeating: "]", count: deep))),
            Attack(
                name: "object nested 400 deep, under the parser's limit",
                body: review(
                    object: #"{"kind":"ConfigMap","data":{"a":"b"},"x":"# + String(repeating: #"{"a":["#, count: 200)
                        + String(repeating: "]}", count: 200) + "}"),
                statuses: [200]),
            Attack(name: "empty body", body: []),
            Attack(name: "whitespace only", body: bytes(" \r\n\t ")),
            Attack(name: "JSON null", body: bytes("null")),
            Attack(name: "JSON array", body: bytes("[]")),
            Attack(name: "JSON string", body: bytes(#""AdmissionReview""#)),
            Attack(
                name: "raw 0xFF in a string",
                body: bytes(#"{"apiVersion":"admission.k8s.io/v1","x":""#) + [0xFF] + bytes(#""}"#)),
            Attack(
                name: "overlong UTF-8 in uid",
                body: Array(Reviews.configMapCreate(uid: "U").utf8).replacingFirst(
                    [UInt8(ascii: "U")], with: [0xC0, 0xAF])),
            Attack(
                name: "truncated UTF-8 sequence in uid",
                body: Array(Reviews.configMapCreate(uid: "U").utf8).replacingFirst(
                    [UInt8(ascii: "U")], with: [0xE2, 0x82])),
            Attack(
                name: "invalid UTF-8 in a key",
                body: bytes(#"{"apiVersion":"admission.k8s.io/v1",""#) + [0xED, 0xA0, 0x80] + bytes(#"":1}"#)),
            Attack(
                name: "lone surrogate escape in uid", body: bytes(Reviews.configMapCreate(uid: #"\ud800"#)),
                statuses: [200, 400]),
            Attack(
                name: "NUL byte in the body", body: bytes(#"{"apiVersion":"admission.k8s.io/v1""#) + [0] + bytes("}")),
            Attack(name: "UTF-8 byte order mark", body: [0xEF, 0xBB, 0xBF] + valid, statuses: [200, 400]),
            Attack(
                name: "UTF-16 body",
                body: Array(Reviews.configMapCreate(uid: "utf16").utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })),
            Attack(
                name: "duplicate request keys, the second valid",
                body: bytes(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":7,"request":"#)
                    + Array(
                        Reviews.configMapCreate(uid: "dup").utf8.dropFirst(
                            #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":"#.utf8.count)),
                statuses: [200, 400]),
            Attack(
                name: "duplicate apiVersion keys",
                body: bytes(
                    #"{"apiVersion":"admission.k8s.io/v1beta1","# + Reviews.configMapCreate(uid: "dup").dropFirst()),
                statuses: [200, 400]),
            Attack(
                name: "duplicate uid keys", body: bytes(Reviews.configMapCreate(uid: #"a","uid":"b"#)),
                statuses: [200, 400]),
            Attack(name: "truncated at 10%", body: Array(valid.prefix(valid.count / 10))),
            Attack(name: "truncated at 50%", body: Array(valid.prefix(valid.count / 2))),
            Attack(name: "truncated one byte short", body: Array(valid.dropLast())),
            Attack(name: "trailing garbage after the review", body: valid + bytes("}{"), statuses: [400]),
            Attack(name: "body exactly at the limit", body: review(paddedTo: limit), statuses: [200]),
            Attack(
                name: "body exactly at the limit, chunked", body: review(paddedTo: limit), statuses: [200],
                chunked: true),
            Attack(name: "body one byte over the limit", body: review(paddedTo: limit + 1), statuses: [413]),
            Attack(
                name: "body one byte over the limit, chunked", body: review(paddedTo: limit + 1), statuses: [413],
                chunked: true),
            Attack(
                name: "7 MiB UPDATE of two 3.4 MiB objects",
                body: Reviews.largeConfigMapUpdate(uid: "big", objectBytes: 3_500_000), statuses: [200]),
        ]
        // Numbers beyond Double and Int64 where the decoder and the rules read numbers or
        // strings: the envelope, the StorageClass parameters, a Job's counts.
        for number in [
            "1e400", "-1e400", "1e-400", "18446744073709551616", "-9223372036854775809",
            String(repeating: "9", count: 400), "-0",
        ] {
            list.append(
                Attack(
                    name: "dryRun \(number.prefix(24))",
                    body: bytes(
                        Reviews.configMapCreate(uid: "n").replacingOccurrences(
                            of: #""dryRun":false"#, with: #""dryRun":\#(number)"#))))
            list.append(
                Attack(
                    name: "StorageClass throughput \(number.prefix(24))",
                    body: bytes(storageClass.replacingOccurrences(of: #""250""#, with: number)), statuses: [200]))
            list.append(
                Attack(
                    name: "Job completions and parallelism \(number.prefix(24))",
                    body: bytes(
                        Reviews.jobCreate(uid: "n").replacingOccurrences(
                            of: #""spec":{"template""#,
                            with: #""spec":{"completions":\#(number),"parallelism":\#(number),"template""#)),
                    path: "/mutate?timeout=10s", statuses: [200]))
        }
        return list
    }()

    @Test func answersEveryHostileBodyWithJSONOverHTTP1() async throws {
        try await TestServer.with(engine: try HostileCorpus.engine(), logLevel: .error) { server in
            var refusals = 0
            var connection = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
            var pending = Self.attacks[...]
            // One kept-alive connection for as long as the server keeps it: only a 413
            // (whose body was not read) may close it.
            while !pending.isEmpty {
                let closed = try await WireSession.over(connection) { session in
                    while let attack = pending.first {
                        pending.removeFirst()
                        let request =
                            attack.chunked
                            ? WireSession.chunkedPost(attack.body, path: attack.path)
                            : WireSession.post(attack.body, path: attack.path)
                        try await session.send(request)
                        let response = try await session.readResponse()
                        let status = Self.check(response, for: attack)
                        if status >= 400 { refusals += 1 }
                        if response?.closesConnection ?? true {
                            #expect(status == 413, "\(attack.name): closed the connection")
                            return true
                        }
                    }
                    return false
                }
                if closed { connection = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM) }
            }
            try await Self.expectServesNormally(server)
            #expect(Self.errorCount(server) == refusals)
            #expect(server.metrics.requestsInFlight == 0)
        }
    }

    @Test func answersEveryHostileBodyWithJSONOverHTTP2() async throws {
        try await TestServer.with(engine: try HostileCorpus.engine(), logLevel: .error) { server in
            let client = try server.makeClient(.automatic)
            defer { _ = client.shutdown() }
            for attack in Self.attacks {
                let reply = try await server.send(
                    client, path: attack.path, body: attack.body, chunked: attack.chunked)
                #expect(reply.version == .http2)
                _ = Self.check(
                    WireSession.Response(status: Int(reply.status.code), headers: [], body: reply.body), for: attack)
            }
            try await Self.expectServesNormally(server)
        }
    }

    @Test func answersWrongTypesInEveryFieldOfEveryKind() async throws {
        let seeds = try HostileCorpus.seeds().filter {
            [
                "job-existing-affinity-anded-patched", "storageclass-many-mistakes-denied",
                "persistentvolume-seed-warnings", "raycluster-head-workers-patched", "pytorchjob-master-worker-patched",
            ].contains($0.name)
        }
        #expect(seeds.count == 5)
        try await TestServer.with(engine: try HostileCorpus.engine(), logLevel: .error) { server in
            var sent = 0
            var refusals = 0
            let connection = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
            try await WireSession.over(connection) { session in
                for seed in seeds {
                    for path in HostileCorpus.paths(in: seed.json) where !path.isEmpty {
                        let original = path.reduce(seed.json as JSONValue?) { value, step in
                            switch step {
                            case .key(let key): return value?[key]
                            case .index(let index): return value?[index]
                            }
                        }!
                        for wrong in HostileCorpus.wrongTypes(for: original) {
                            let changed = HostileCorpus.replacing(path[...], in: seed.json, with: wrong)
                            let attack = Attack(
                                name:
                                    "\(seed.name) \(path.map(\.description).joined(separator: ".")) = \(JSONWriter.string(wrong))",
                                body: JSONWriter.bytes(changed), path: seed.path, statuses: [200, 400])
                            try await session.send(WireSession.post(attack.body, path: attack.path))
                            let response = try await session.readResponse()
                            if Self.check(response, for: attack) >= 400 { refusals += 1 }
                            sent += 1
                            guard response != nil, !session.closed else { return }
                        }
                    }
                }
            }
            // Five reviews of a few hundred values each, three to five wrong types apiece.
            #expect(sent > 1000, "only \(sent) requests sent")
            print("wrong types: \(sent) reviews sent on one kept-alive connection, \(refusals) refused with 400")
            #expect(Self.errorCount(server) == refusals)
            try await Self.expectServesNormally(server)
        }
    }

    /// Seeded and repeatable; `FSX_HOSTILE_SEED` and `FSX_HOSTILE_MUTATIONS` change the
    /// seed and the count for a longer run (docs/reliability-server.md).
    @Test func answersRandomMutationsOfValidReviewsOverKeptAliveConnections() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["FSX_HOSTILE_SEED"].flatMap { UInt64($0) } ?? 0x6653_585F_6877_6B31
        let total = environment["FSX_HOSTILE_MUTATIONS"].flatMap { Int($0) } ?? 3000
        let connections = 4
        let seeds = try HostileCorpus.seeds()
        try await TestServer.with(engine: try HostileCorpus.engine(), logLevel: .error) { server in
            let statuses = try await withThrowingTaskGroup(of: [Int: Int].self) { group in
                for lane in 0..<connections {
                    group.addTask {
                        // Each connection has its own generator, derived from the seed, so
                        // the sequence of bodies does not depend on scheduling.
                        var random = SeededGenerator(seed: seed &+ UInt64(lane))
                        var statuses: [Int: Int] = [:]
                        let connection = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
                        try await WireSession.over(connection) { session in
                            for index in 0..<(total / connections) {
                                let original = seeds.randomElement(using: &random)!
                                let body = ByteMutator.mutate(original.body, using: &random)
                                let attack = Attack(
                                    name: "seed \(seed) lane \(lane) #\(index) from \(original.name)", body: body,
                                    path: original.path, statuses: [200, 400])
                                try await session.send(WireSession.post(body, path: original.path))
                                let response = try await session.readResponse()
                                statuses[Self.check(response, for: attack), default: 0] += 1
                                guard response != nil, !session.closed else { return }
                            }
                        }
                        return statuses
                    }
                }
                return try await group.reduce(into: [Int: Int]()) { $0.merge($1, uniquingKeysWith: +) }
            }
            #expect(statuses.values.reduce(0, +) == total / connections * connections, "\(statuses)")
            print(
                "mutations: seed \(seed), \(total / connections * connections) sent over \(connections) connections: \(statuses.sorted { $0.key < $1.key })"
            )
            // Mutations that leave the review readable are judged, the rest refused.
            #expect(statuses[200, default: 0] > 0 && statuses[400, default: 0] > 0, "\(statuses)")
            #expect(Self.errorCount(server) == statuses[400, default: 0])
            try await Self.expectServesNormally(server)
        }
    }

    @Test func closesConnectionsThatDoNotSpeakTLS() async throws {
        var random = SeededGenerator(seed: 42)
        let garbage = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }
        let cases: [(String, [UInt8])] = [
            ("random bytes", garbage),
            ("plaintext HTTP", Self.bytes("POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}")),
            // A handshake record header announcing a ClientHello, then noise.
            ("TLS record header then noise", [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC] + garbage),
            // A record longer than TLS allows (2^14 + 2048).
            ("oversized TLS record", [0x16, 0x03, 0x03, 0xFF, 0xFF] + garbage),
            ("TLS alert record", [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]),
        ]
        // Below the 10 s handshake timeout: the TLS layer must end these itself.
        try await TestServer.with(logLevel: .error) { server in
            for (name, bytes) in cases {
                let (_, closedByServer) = try await PlainTCP.sendAndWaitForClose(
                    port: server.port, bytes: bytes, timeout: .seconds(5))
                #expect(closedByServer, "\(name): the server did not close the connection")
            }
            try await Self.expectServesNormally(server)
            #expect(server.metrics.requestsInFlight == 0)
        }
    }

    @Test func answersUnreadableHTTPWithJSONAndCloses() async throws {
        let review = Self.valid
        let cases: [(name: String, bytes: [UInt8], status: Int)] = [
            ("garbage request line", Self.bytes("\u{1}\u{2}GARBAGE\u{7F} / HTTP/9.9\r\n\r\n"), 400),
            ("request line without a version", Self.bytes("POST /validate\r\n\r\n"), 400),
            ("header without a colon", Self.bytes("POST /validate HTTP/1.1\r\nHost localhost\r\n\r\n"), 400),
            (
                "one header of 100 KiB",
                Self.bytes(
                    "POST /validate HTTP/1.1\r\nHost: localhost\r\nX-Big: \(String(repeating: "a", count: 100 * 1024))\r\n\r\n"
                ),
                431
            ),
            (
                "2,000 headers",
                Self.bytes(
                    "POST /validate HTTP/1.1\r\nHost: localhost\r\n"
                        + (0..<2000).map { "X-Header-\($0): \(String(repeating: "v", count: 40))\r\n" }.joined()
                        + "\r\n"),
                431
            ),
            (
                "content-length that is not a number",
                Self.bytes(
                    "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}"
                ), 400
            ),
            (
                "content-length and chunked together",
                Self.bytes(
                    "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
                ),
                400
            ),
            (
                "bad chunk size",
                Self.bytes(
                    "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"
                ),
                400
            ),
        ]
        try await TestServer.with(logLevel: .error) { server in
            for (name, bytes, status) in cases {
                let connection = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
                try await WireSession.over(connection) { session in
                    // A valid review first: the connection works until the bad request.
                    try await session.send(WireSession.post(review))
                    let first = try await session.readResponse()
                    #expect(first?.status == 200, "\(name)")
                    try await session.send(bytes)
                    let response = try await session.readResponse()
                    #expect(
                        response?.status == status, "\(name): \(response.map { String($0.status) } ?? "no response")")
                    #expect(response?.header("content-type") == "application/json", "\(name)")
                    #expect(response?.closesConnection == true, "\(name)")
                    let json = try response.map { try JSONParser.parse($0.body) }
                    #expect(json?["kind"]?.stringValue == "Status", "\(name)")
                    #expect(json?["code"]?.intValue == status, "\(name)")
                    _ = await session.readUntilClosed()
                    #expect(session.closed, "\(name)")
                }
            }
            #expect(server.metrics.requestCount(path: .other, outcome: .error) == cases.count)
            #expect(server.metrics.requestCount(path: .validate, outcome: .allowed) == cases.count)
            try await Self.expectServesNormally(server)
        }
    }

    @Test func servesReviewsWithinASecondWhile200SlowClientsHoldHalfSentRequests() async throws {
        try await TestServer.with(logLevel: .error) { server in
            let body = Self.valid
            let head =
                "POST /validate?timeout=10s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.count)\r\n\r\n"
            // Half of them stop in the middle of the headers, half in the middle of the body.
            let halves = (0..<200).map { index in
                index.isMultiple(of: 2)
                    ? ByteBuffer(string: String(head.prefix(head.count / 2)))
                    : ByteBuffer(bytes: Array(head.utf8) + body.prefix(body.count / 2))
            }
            let slow = try await withThrowingTaskGroup(of: [RawTLSConnection].self) { group in
                // Ten connectors at a time, so the handshakes do not queue behind each other
                // on the client side.
                for lane in 0..<10 {
                    group.addTask {
                        var opened: [RawTLSConnection] = []
                        for index in stride(from: lane, to: halves.count, by: 10) {
                            let connection = try await RawTLSConnection.connect(
                                port: server.port, caPEM: server.caPEM)
                            try await connection.channel.channel.writeAndFlush(halves[index])
                            opened.append(connection)
                        }
                        return opened
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(slow.count == 200)
            try await waitFor { server.metrics.requestsInFlight == 100 }
            #expect(server.metrics.openConnectionCount == 200)

            // A review on a new connection (TLS handshake included), a few times over.
            var slowest = Duration.zero
            for attempt in 0..<5 {
                let start = ContinuousClock.now
                let reply = try await RawTLSConnection.reviewOnNewConnection(
                    port: server.port, caPEM: server.caPEM, body: body)
                let elapsed = ContinuousClock.now - start
                #expect(reply.hasPrefix("HTTP/1.1 200"), "attempt \(attempt)")
                #expect(elapsed < .seconds(1), "attempt \(attempt) took \(elapsed)")
                slowest = max(slowest, elapsed)
            }
            print("200 slow clients holding half-sent requests: slowest of 5 reviews took \(slowest)")

            // The slow clients give up; nothing they started stays counted.
            for connection in slow { try await connection.closeAfterSending("") }
            try await waitFor { server.metrics.requestsInFlight == 0 && server.metrics.openConnectionCount == 0 }
            try await Self.expectServesNormally(server)
        }
    }

    @Test func forgetsRequestWhoseClientLeavesMidBody() async throws {
        try await TestServer.with(logLevel: .error) { server in
            let body = Self.valid
            for cut in [1, body.count / 2, body.count - 1] {
                let connection = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
                let request = WireSession.post(body)
                try await connection.closeAfterSending(
                    String(decoding: request.prefix(request.count - body.count + cut), as: UTF8.self))
            }
            try await waitFor { server.metrics.requestsInFlight == 0 && server.metrics.openConnectionCount == 0 }
            try await Self.expectServesNormally(server)
        }
    }

    /// Regression: at a graceful shutdown, a connection whose request line or headers were
    /// half sent is closed at once (no request is in flight); the decoder then fails on the
    /// cut request, and answering that failure on the closed connection tripped NIO's
    /// "Wrote in quiescing completed state" assertion, which ends a debug process.
    @Test func shutsDownWithHalfSentHeadersAndBodiesOpen() async throws {
        try await TestServer.with(adjust: { $0.shutdownGracePeriod = .milliseconds(500) }, logLevel: .error) { server in
            let body = Self.valid
            let request = WireSession.post(body)
            var open: [RawTLSConnection] = []
            for cut in [5, 40, request.count - body.count + 10] {
                let connection = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
                try await connection.channel.channel.writeAndFlush(ByteBuffer(bytes: request.prefix(cut)))
                open.append(connection)
            }
            try await waitFor { server.metrics.requestsInFlight == 1 && server.metrics.openConnectionCount == 3 }
            // Let the half-sent headers reach the decoder before the shutdown begins.
            try await Task.sleep(for: .milliseconds(200))
            await server.beginShutdown()
            for connection in open {
                let (received, _) = try await connection.waitForClose()
                #expect(received.isEmpty || received.hasPrefix("HTTP/1.1 "))
            }
        }
    }

    // MARK: Checks

    /// Reviews refused with 4xx so far, as `/metrics` counts them.
    static func errorCount(_ server: TestServer) -> Int {
        server.metrics.requestCount(path: .validate, outcome: .error)
            + server.metrics.requestCount(path: .mutate, outcome: .error)
    }

    /// Checks one answer: a status the attack allows, a JSON body (an AdmissionReview with
    /// the request's uid on 200, a `Status` with the same code otherwise). Returns the
    /// status, or 0 when nothing came back.
    static func check(
        _ response: WireSession.Response?, for attack: Attack, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Int {
        guard let response else {
            Issue.record("\(attack.name): connection closed without a response", sourceLocation: sourceLocation)
            return 0
        }
        #expect(
            attack.statuses.contains(response.status), "\(attack.name): status \(response.status)",
            sourceLocation: sourceLocation)
        guard let json = try? JSONParser.parse(response.body) else {
            Issue.record(
                "\(attack.name): body is not JSON: \(String(decoding: response.body.prefix(200), as: UTF8.self))",
                sourceLocation: sourceLocation)
            return response.status
        }
        if response.status == 200 {
            #expect(json["kind"]?.stringValue == "AdmissionReview", "\(attack.name)", sourceLocation: sourceLocation)
            let sentUID = (try? JSONParser.parse(attack.body))?["request"]?["uid"]?.stringValue
            #expect(
                json["response"]?["uid"]?.stringValue == sentUID, "\(attack.name): uid",
                sourceLocation: sourceLocation)
            #expect(json["response"]?["allowed"]?.boolValue != nil, "\(attack.name)", sourceLocation: sourceLocation)
        } else {
            #expect(json["kind"]?.stringValue == "Status", "\(attack.name)", sourceLocation: sourceLocation)
            #expect(json["code"]?.intValue == response.status, "\(attack.name)", sourceLocation: sourceLocation)
            let message = json["message"]?.stringValue ?? ""
            #expect(message.count > 0, "\(attack.name): no message", sourceLocation: sourceLocation)
        }
        return response.status
    }

    /// A normal review on a new connection is still answered.
    static func expectServesNormally(
        _ server: TestServer, sourceLocation: SourceLocation = #_sourceLocation
    )
        async throws
    {
        let connection = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
        let reply = try await connection.exchange(
            [(CertificateReloadTests.rawRequest(Array(Reviews.configMapCreate(uid: "after").utf8)), .zero)],
            until: isCompleteResponse)
        #expect(
            reply.hasPrefix("HTTP/1.1 200"), "after the attack: \(reply.prefix(80))", sourceLocation: sourceLocation)
        #expect(reply.contains(#""uid":"after""#), sourceLocation: sourceLocation)
    }
}

extension Array where Element == UInt8 {
    fileprivate func replacingFirst(_ target: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        guard let range = firstRange(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}

/// A client that pipelines requests and never reads the answers must not make the server
/// buffer answers without limit.
@Suite(.serialized)
struct PipeliningFloodTests {
    @Test func stopsReadingFromAClientThatDoesNotReadItsAnswers() async throws {
        let seed = try #require(try HostileCorpus.seeds().first { $0.name == "rayjob-head-two-worker-groups-patched" })
        try await TestServer.with(engine: try HostileCorpus.engine(), logLevel: .error) { server in
            let connection = try await RawTLSConnection.connect(
                port: server.port, caPEM: server.caPEM, receiveBufferSize: 16 * 1024)
            let one = WireSession.post(seed.body, path: seed.path)
            // Answers worth about 12 MB: three times what the kernel holds for one
            // loopback connection (the server's send buffer grows to at most 4 MiB; the
            // client's receive buffer is pinned at 16 KiB above).
            let answerSize = try await RawTLSConnection.connect(port: server.port, caPEM: server.caPEM)
                .exchange([(String(decoding: one, as: UTF8.self), .zero)], until: isCompleteResponse).utf8.count
            let count = 12_000_000 / answerSize
            let request = ByteBuffer(bytes: Array([[UInt8]](repeating: one, count: count).joined()))
            // Not awaited: the client queues what the server does not take.
            let started = ContinuousClock.now
            connection.channel.channel.writeAndFlush(request, promise: nil)
            let answered = { server.metrics.requestCount(path: .mutate, outcome: .patched) - 1 }
            var last = -1
            while answered() != last {
                last = answered()
                try await Task.sleep(for: .milliseconds(500))
            }
            print(
                "pipelined \(count) reviews without reading: the server answered \(last), then waited (\(ContinuousClock.now - started))"
            )
            // What the socket buffers hold, and no more.
            #expect(last < count / 2, "answered \(last) of \(count) without the client reading")
            // The stalled connection holds nothing else up.
            try await HostileInputTests.expectServesNormally(server)

            // Once the client reads, answering resumes on the same connection, in order. (A
            // normal receive buffer again, or the small window makes reading crawl.)
            try await connection.channel.channel.setOption(.socketOption(.so_rcvbuf), value: 4 << 20).get()
            let received = try await WireSession.over(connection) { session in
                var received = 0
                while received < last + 100, let response = try await session.readResponse() {
                    #expect(response.status == 200)
                    received += 1
                }
                return received
            }
            #expect(received == last + 100)
            try await waitFor { server.metrics.openConnectionCount == 0 }
            print("read \(received) answers; done after \(ContinuousClock.now - started)")
        }
    }
}
