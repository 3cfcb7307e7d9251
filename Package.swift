// swift-tools-version: 6.1
import PackageDescription

// Layering (see README "Design"): FSXJSON reads JSON bytes in place and knows nothing else;
// FSXCore decides on top of it and has no other dependency, so its tests build in seconds; FSXManifests adds YAML and files; FSXServer adds the network;
// the `fsx-webhook` executable is a thin shell over all three.
// `FSX_CORE_ONLY=1 swift test --scratch-path .build-core` declares only FSXCore and its
// tests: no dependency is fetched or built, so the decision code's loop takes seconds.
let coreOnly = Context.environment["FSX_CORE_ONLY"] != nil

let package = Package(
    name: "fsx-webhook",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "fsx-webhook", targets: ["FSXWebhookCLI"]),
        .library(name: "FSXCore", targets: ["FSXCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        // The one reading of JSON: a validating scanner that records a flat tape, and a view
        // that answers look-ups by comparing bytes. No domain type; `package` access only.
        .target(name: "FSXJSON"),
        .target(name: "FSXCore", dependencies: ["FSXJSON"]),
        .target(
            name: "FSXManifests",
            dependencies: [
                "FSXCore",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The AWS edge: SigV4, the credentials chain, EC2/FSx/STS calls and the facts cache.
        .target(
            name: "FSXAWS",
            dependencies: [
                "FSXCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "FSXServer",
            dependencies: [
                "FSXCore",
                "FSXAWS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "FSXWebhookCLI",
            dependencies: [
                "FSXCore",
                "FSXAWS",
                "FSXManifests",
                "FSXServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What the test targets share: the seeded generator and the table-test row. It is
        // compiled for the tests only (no product links it) and depends on nothing of ours.
        .target(name: "FSXTestSupport", path: "Tests/FSXTestSupport"),
        .testTarget(
            name: "FSXCoreTests",
            dependencies: ["FSXCore", "FSXJSON", "FSXTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "FSXAWSTests",
            dependencies: [
                "FSXAWS",
                "FSXCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "FSXManifestsTests",
            dependencies: ["FSXManifests", "FSXCore"]
        ),
        .testTarget(
            name: "FSXServerTests",
            dependencies: [
                "FSXServer",
                "FSXCore",
                "FSXAWS",
                "FSXTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "FSXWebhookCLI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
    ]
)

if coreOnly {
    package.products = [.library(name: "FSXCore", targets: ["FSXCore"])]
    package.dependencies = []
    package.targets = package.targets.filter {
        ["FSXJSON", "FSXCore", "FSXTestSupport", "FSXCoreTests"].contains($0.name)
    }
}
