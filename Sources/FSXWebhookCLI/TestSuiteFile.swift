import FSXCore
import FSXManifests

/// One `fsx-webhook-test.yaml`: the resources to decide, an optional configuration, and
/// what each named object must come out as. Paths are relative to the suite's folder.
struct TestSuiteFile: Equatable {
    static let fileName = "fsx-webhook-test.yaml"
    static let apiVersion = "fsx-webhook/v1alpha1"

    struct Expectation: Equatable {
        var kind: String
        var namespace: String
        var name: String
        var outcome: Decision.Outcome
        /// Ids that must be among the object's violations.
        var rules: [RuleID]
        /// The object after mutation, compared as a value (a path, resolved).
        var patched: String?
        /// `expect[n]`, for messages.
        var key: String

        var testName: String { CheckJUnitFormat.testName(kind: kind, namespace: namespace, name: name) }
    }

    var path: String
    var name: String
    var config: String?
    var resources: [String]
    var expectations: [Expectation]

    static let suiteKeys = ["apiVersion", "kind", "name", "config", "resources", "expect"]
    static let expectationKeys = ["kind", "namespace", "name", "outcome", "rules", "patched"]

    /// Reads and checks the suite at `path`; an error is one line naming the file, the key
    /// and the fix.
    static func load(_ path: String) throws(ManifestError) -> TestSuiteFile {
        let text = try FileReader.readText(path)
        let document: JSONValue
        do {
            document = try YAMLDocuments.parseSingle(text)
        } catch {
            throw ManifestError("\(path): \(error.message)")
        }
        return try parse(document, path: path)
    }

    static func parse(_ document: JSONValue, path: String) throws(ManifestError) -> TestSuiteFile {
        func fail(_ key: String, _ text: String) -> ManifestError { ManifestError("\(path): \(key): \(text)") }
        guard let root = document.objectValue else {
            throw ManifestError(
                "\(path): is \(document.isNull ? "empty" : "a \(document.typeName)"), not a test suite; "
                    + "write apiVersion: \(apiVersion), kind: Test, resources: [...] and expect: [...]")
        }
        try rejectUnknown(root, allowed: suiteKeys, at: "", fail: fail)
        guard root["apiVersion"]?.stringValue == apiVersion else {
            throw fail("apiVersion", "must be \(apiVersion); write apiVersion: \(apiVersion)")
        }
        guard root["kind"]?.stringValue == "Test" else { throw fail("kind", "must be Test; write kind: Test") }
        let directory = Self.directory(of: path)
        var name = directory.isEmpty ? path : directory
        switch root["name"] {
        case nil, .null?: break
        case .string(let text)?: name = text
        case let other?: throw fail("name", "is a \(other.typeName), not text; quote it")
        }
        var config: String?
        switch root["config"] {
        case nil, .null?: break
        case .string(let text)? where !text.isEmpty: config = resolve(text, in: directory)
        default: throw fail("config", "must be the path of a configuration file, relative to this suite")
        }
        guard let resourceList = root["resources"]?.arrayValue, !resourceList.isEmpty else {
            throw fail("resources", "must list files or folders, relative to this suite; write resources: [manifests/]")
        }
        var resources: [String] = []
        for (index, entry) in resourceList.enumerated() {
            guard let text = entry.stringValue, !text.isEmpty else {
                throw fail("resources[\(index)]", "must be a file or folder path as text")
            }
            resources.append(resolve(text, in: directory))
        }
        guard let expectList = root["expect"]?.arrayValue, !expectList.isEmpty else {
            throw fail(
                "expect", "must list expectations; write expect: [{kind: StorageClass, name: ..., outcome: denied}]")
        }
        var expectations: [Expectation] = []
        for (index, entry) in expectList.enumerated() {
            expectations.append(try expectation(entry, key: "expect[\(index)]", directory: directory, fail: fail))
        }
        return TestSuiteFile(
            path: path, name: name, config: config, resources: resources, expectations: expectations)
    }

    static func expectation(
        _ value: JSONValue, key: String, directory: String, fail: (String, String) -> ManifestError
    ) throws(ManifestError) -> Expectation {
        guard let object = value.objectValue else {
            throw fail(key, "is a \(value.typeName), not a mapping; write {kind: ..., name: ..., outcome: ...}")
        }
        try rejectUnknown(object, allowed: expectationKeys, at: key + ".", fail: fail)
        func text(_ member: String, required: Bool) throws(ManifestError) -> String? {
            switch object[member] {
            case .string(let text)? where !text.isEmpty: return text
            case nil, .null?:
                guard !required else { throw fail("\(key).\(member)", "is missing; every expectation names it") }
                return nil
            default: throw fail("\(key).\(member)", "must be non-empty text")
            }
        }
        let kind = try text("kind", required: true) ?? ""
        let name = try text("name", required: true) ?? ""
        let namespace = try text("namespace", required: false) ?? ""
        let outcomeText = try text("outcome", required: true) ?? ""
        let outcomes = ["allowed", "allowed-with-warnings", "denied", "patched"]
        guard let outcome = Decision.Outcome(rawValue: outcomeText) else {
            let hint = Suggestion.nearest(to: outcomeText, among: outcomes).map { "did you mean \($0)? " } ?? ""
            throw fail(
                "\(key).outcome",
                "\(Violation.quote(outcomeText)) is not an outcome; \(hint)use one of: \(outcomes.joined(separator: ", "))"
            )
        }
        var rules: [RuleID] = []
        switch object["rules"] {
        case nil, .null?: break
        case .array(let list)?:
            for (index, entry) in list.enumerated() {
                guard let id = entry.stringValue else {
                    throw fail("\(key).rules[\(index)]", "must be a rule id as text (see docs/rules.md)")
                }
                guard RuleCatalog.contains(RuleID(rawValue: id)) else {
                    let hint = RuleCatalog.nearest(to: id).map { "did you mean \($0)? " } ?? ""
                    throw fail(
                        "\(key).rules[\(index)]", "\(Violation.quote(id)) is not a rule id; \(hint)see docs/rules.md")
                }
                rules.append(RuleID(rawValue: id))
            }
        default: throw fail("\(key).rules", "must be a list of rule ids; write rules: [subnet-required]")
        }
        let patched = try text("patched", required: false).map { resolve($0, in: directory) }
        if patched != nil && outcome != .patched {
            throw fail("\(key).patched", "compares the object after mutation, so it needs outcome: patched")
        }
        return Expectation(
            kind: kind, namespace: namespace, name: name, outcome: outcome, rules: rules, patched: patched, key: key)
    }

    static func rejectUnknown(
        _ object: JSONObject, allowed: [String], at prefix: String, fail: (String, String) -> ManifestError
    ) throws(ManifestError) {
        for key in object.keys where !allowed.contains(key) {
            let hint = Suggestion.nearest(to: key, among: allowed).map { "did you mean \($0)? " } ?? ""
            throw fail(prefix + key, "is not a key of a test suite; \(hint)use \(allowed.joined(separator: ", "))")
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `relative` as seen from `directory`; absolute paths stay as they are.
    static func resolve(_ relative: String, in directory: String) -> String {
        if relative.hasPrefix("/") || directory.isEmpty { return relative }
        return directory == "/" ? "/" + relative : directory + "/" + relative
    }
}
