import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// usage: BareResponder CERT_PEM KEY_PEM PORT
// Prints "listening on PORT" once bound, then serves until killed.
let arguments = CommandLine.arguments
guard arguments.count == 4, let port = Int(arguments[3]) else {
    print("usage: BareResponder CERT_PEM KEY_PEM PORT")
    exit(2)
}

/// Answers every request, once its end arrives, with the same small allowed review.
/// The body is dropped unread: this is the cost floor of TLS + HTTP/1.1 on NIO.
final class FixedAnswer: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let body: [UInt8] = Array(
        #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"fixed","allowed":true}}"#.utf8)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(Self.body.count))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: Self.body)))), promise: nil)
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
            try channel.pipeline.syncOperations.addHandler(FixedAnswer())
        }
    }
    .bind(host: "127.0.0.1", port: port).wait()
print("listening on \(channel.localAddress?.port ?? port)")
try channel.closeFuture.wait()
