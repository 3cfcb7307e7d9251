import FSXCore
import Foundation
import Testing

@testable import FSXAWS

/// The signer against botocore's own `SigV4Auth` on the same requests: the expected headers
/// come from `scripts/sigv4-vectors.py` (run again by tests/aws with the pinned botocore).
struct SigV4BotocoreTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var request: SigV4Signer.Request
        var signer: SigV4Signer
        var amzDate: String
        var authorization: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = {
        let url = Bundle.module.url(forResource: "sigv4-botocore", withExtension: "json", subdirectory: "Fixtures")!
        let json = try! JSONParser.parse(Array(try! Data(contentsOf: url)))
        return json["cases"]!.arrayValue!.map { item in
            func pairs(_ key: String) -> [(String, String)] {
                item[key]!.arrayValue!.map { ($0.arrayValue![0].stringValue!, $0.arrayValue![1].stringValue!) }
            }
            let body = Array(Data(base64Encoded: item["body"]!.stringValue!)!)
            let request = SigV4Signer.Request(
                method: item["method"]!.stringValue!, scheme: item["scheme"]!.stringValue!,
                host: item["host"]!.stringValue!, port: Self.port(item["port"]!),
                path: item["path"]!.stringValue!, query: pairs("query"), headers: pairs("headers"), body: body)
            let credentials = AWSCredentials(
                accessKeyId: item["accessKeyId"]!.stringValue!, secretAccessKey: item["secretAccessKey"]!.stringValue!,
                sessionToken: item["sessionToken"]!.stringValue)
            return Vector(
                name: item["name"]!.stringValue!, request: request,
                signer: SigV4Signer(
                    credentials: credentials, region: item["region"]!.stringValue!,
                    service: item["service"]!.stringValue!),
                amzDate: item["amzDate"]!.stringValue!, authorization: item["authorization"]!.stringValue!)
        }
    }()

    static func port(_ value: JSONValue) -> Int? {
        if case .number(let text) = value { return Int(text) }
        return nil
    }

    @Test func hasAtLeastTwentyVariedRequests() {
        #expect(Self.vectors.count >= 20)
    }

    @Test(arguments: vectors)
    func authorizationMatchesBotocore(_ vector: Vector) {
        let headers = vector.signer.sign(vector.request, amzDate: vector.amzDate)
        let authorization = headers.first { $0.0 == "Authorization" }?.1
        #expect(authorization == vector.authorization)
        #expect(headers.contains { $0 == ("X-Amz-Date", vector.amzDate) })
        if let token = vector.signer.credentials.sessionToken {
            #expect(headers.contains { $0 == ("X-Amz-Security-Token", token) })
        }
    }

    @Test func aChangedBodyChangesTheSignature() {
        var vector = Self.vectors[0]
        vector.request.body.append(UInt8(ascii: "x"))
        let authorization = vector.signer.sign(vector.request, amzDate: vector.amzDate).last?.1
        #expect(authorization != vector.authorization)
    }
}
