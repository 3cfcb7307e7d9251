import FSXCore
import Foundation

/// JSON fixtures from `Tests/FSXCoreTests/Fixtures`, copied into the test bundle.
enum Fixtures {
    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String { "fixture \(name) is not in the test bundle" }
    }

    static func json(_ name: String) throws -> JSONValue {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw Missing(name: name)
        }
        return try JSONParser.parse(Array(try Data(contentsOf: url)))
    }

    /// A training Job as a platform team writes it: four containers with 25 env vars each, an
    /// init container, tolerations, scheduling gates, managed fields, a last-applied
    /// annotation, a required node affinity on instance type with two terms, fields no
    /// Kubernetes version has, and two FSx volumes requested.
    static func realisticJob() throws -> JSONValue { try json("realistic-job") }
}
