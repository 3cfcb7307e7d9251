// swift-tools-version: 6.1
import PackageDescription

// The yardstick for the end-to-end load test (scripts/load-test.sh): a TLS HTTP/1.1 server
// that answers every POST with a fixed `allowed` AdmissionReview without reading the body.
// It shares the server's stack (SwiftNIO, swift-nio-ssl, one synchronous handler on the
// event loop), so fsx-webhook's throughput divided by its throughput is what parsing,
// deciding and encoding cost on the wire.
let package = Package(
    name: "fsx-webhook-end-to-end",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .executableTarget(
            name: "BareResponder",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        )
    ]
)
