import FSXJSON
import Testing

@testable import FSXCore

// The validators read objects in place (`JSONView`); the rule tables build their objects as
// values. These write a value and scan it, as the CLI does, so a table judges what the
// server would judge of the same bytes.

/// `body` on a view of `value`; a value that cannot be read back is a failed test.
private func reading<Result>(_ value: JSONValue, or fallback: Result, _ body: (JSONView) -> Result) -> Result {
    guard let result = value.withView(body) else {
        Issue.record("the test object could not be written and scanned back")
        return fallback
    }
    return result
}

extension StorageClassValidator {
    static func validate(
        _ storageClass: JSONValue, unknownParameters: WebhookConfiguration.UnknownParameterPolicy,
        aws: AWSFacts? = nil
    ) -> [Violation] {
        reading(storageClass, or: []) { validate($0, unknownParameters: unknownParameters, aws: aws) }
    }

    static func awsLookups(_ storageClass: JSONValue) -> AWSLookups {
        reading(storageClass, or: .none) { awsLookups($0) }
    }
}

extension PersistentVolumeValidator {
    static func validate(_ persistentVolume: JSONValue) -> [Violation] {
        reading(persistentVolume, or: []) { validate($0) }
    }
}

extension PersistentVolumeClaimValidator {
    static func validate(_ claim: JSONValue, storageClass: JSONValue) -> [Violation] {
        reading(claim, or: []) { claim in
            reading(storageClass, or: []) { validate(claim, storageClass: $0) }
        }
    }
}

extension VolumeAttributesClassValidator {
    static func validate(_ volumeAttributesClass: JSONValue) -> [Violation] {
        reading(volumeAttributesClass, or: []) { validate($0) }
    }
}

extension StorageClassParameters {
    /// `body` on the parameters read from `object`; they read the scanned bytes in place, so
    /// they are used only inside `body`.
    static func reading<Result>(
        _ object: JSONObject, unknownParameters: WebhookConfiguration.UnknownParameterPolicy,
        into violations: inout [Violation], or fallback: Result, _ body: (StorageClassParameters) -> Result
    ) -> Result {
        var found: [Violation] = []
        let result = FSXCoreTests.reading(.object(object), or: fallback) {
            body(StorageClassParameters(reading: $0, unknownParameters: unknownParameters, into: &found))
        }
        violations += found
        return result
    }
}
