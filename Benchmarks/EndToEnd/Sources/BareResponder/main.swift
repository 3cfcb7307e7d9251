import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// usage: BareResponder CERT_PEM KEY_PEM PORT [RESPONSE_FILE]
// Prints "listening on PORT" once bound, then serves until killed. With RESPONSE_FILE, every
// answer is that file's bytes instead of a small fixed review: the load test passes the answer
// fsx-webhook gives, so the cost of sending it is told apart from the cost of deciding it.
let arguments = CommandLine.arguments
guard arguments.count == 4 || arguments.count == 5, let port = Int(arguments[3]) else {
    print("usage: BareResponder CERT_PEM KEY_PEM PORT [RESPONSE_FILE]")
    exit(2)
}
let answer: [UInt8]
if arguments.count == 5 {
    guard let file = fopen(arguments[4], "rb") else {
        print("cannot open \(arguments[4])")
        exit(2)
    }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let read = fread(&chunk, 1, chunk.count, file)
        if read <= 0 { break }
        bytes.append(contentsOf: chunk[0..<read])
    }
    fclose(file)
    answer = bytes
} else {
    answer = FixedAnswer.defaultBody
}

/// Answers every request, once its end arrives, with the same answer (by default a small
/// allowed review). The body is dropped unread: this is the cost floor of TLS + HTTP/1.1 on NIO.
final class FixedAnswer: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let defaultBody: [UInt8] = Array(
        #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"fixed","allowed":true}}"#.utf8)

    let body: [UInt8]

    init(body: [UInt8]) { self.body = body }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(body.count))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

let certificates = try NIOSSLCertificate.fromPEMFile(arguments[1]).map { NIOSSLCertificateSource.certificate($0) }
var tls = TLSConfiguration.makeServerConfiguration(
    certificateChain: certificates, privateKey: .privateKey(try NIOSSLPrivateKey(file: arguments[2], format: .pem)))
tls.minimumTLSVersion = .tlsv12
tls.applicationProtocols = ["http/1.1"]
let context = try NIOSSLContext(configuration: tls)

let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
let channel = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
            try channel.pipeline.syncOperations.configureHTTPServerPipeline()
            try channel.pipeline.syncOperations.addHandler(FixedAnswer(body: answer))
        }
    }
    .bind(host: "127.0.0.1", port: port).wait()
print("listening on \(channel.localAddress?.port ?? port)")
try channel.closeFuture.wait()
