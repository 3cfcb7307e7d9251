import FSXJSON

/// The part of an AdmissionReview `request` the decisions use.
///
/// Only these fields are read; `object` and `oldObject` are kept whole as lossless
/// `JSONValue`s so nothing the apiserver sent is lost or reshaped.
public struct AdmissionRequest: Sendable, Equatable {
    public enum Operation: Sendable, Equatable {
        case create, update, delete, connect
        /// An operation this version does not know; allowed unchanged.
        case other(String)

        init(_ text: String) {
            switch text {
            case "CREATE": self = .create
            case "UPDATE": self = .update
            case "DELETE": self = .delete
            case "CONNECT": self = .connect
            default: self = .other(text)
            }
        }

        public var rawValue: String {
            switch self {
            case .create: return "CREATE"
            case .update: return "UPDATE"
            case .delete: return "DELETE"
            case .connect: return "CONNECT"
            case .other(let text): return text
            }
        }
    }

    public var uid: String
    public var operation: Operation
    /// `request.kind.group` / `.kind`, used when the object itself carries no apiVersion/kind.
    public var group: String
    public var version: String
    public var kind: String
    public var namespace: String
    public var name: String
    /// `null` on DELETE.
    public var object: JSONValue?
    /// `null` on CREATE.
    public var oldObject: JSONValue?
    var dryRun: Bool

    package init(
        uid: String, operation: Operation, group: String = "", version: String = "", kind: String = "",
        namespace: String = "", name: String = "", object: JSONValue?, oldObject: JSONValue? = nil,
        dryRun: Bool = false
    ) {
        self.uid = uid
        self.operation = operation
        self.group = group
        self.version = version
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.object = object
        self.oldObject = oldObject
        self.dryRun = dryRun
    }

    /// A CREATE request for a manifest read from a file (the CLI's dry run): the kind,
    /// namespace and name come from the object itself.
    public init(creating object: JSONValue, uid: String = "dry-run") {
        let type = ObjectType(of: object)
        self.init(
            uid: uid, operation: .create, group: type.group, version: type.version, kind: type.kind,
            namespace: object["metadata"]?["namespace"]?.stringValue ?? "",
            name: object["metadata"]?["name"]?.stringValue ?? "", object: object)
    }
}

/// Group, version and kind of an object, from its own `apiVersion` and `kind`.
public struct ObjectType: Sendable, Hashable, CustomStringConvertible {
    var group: String
    var version: String
    package var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    /// Reads `apiVersion` (`group/version`, or `version` for the core group) and `kind`.
    public init(of object: JSONValue) {
        self.init(apiVersion: object["apiVersion"]?.stringValue ?? "", kind: object["kind"]?.stringValue ?? "")
    }

    /// The type named by an object's `apiVersion` and `kind` texts.
    init(apiVersion: String, kind: String) {
        // Split at the first '/' byte, as the apiserver's Go code does (schema.ParseGroupVersion);
        // the parts are made from the bytes, which a '/' cuts at scalar boundaries.
        var apiVersion = apiVersion
        let parts = apiVersion.withUTF8 { bytes -> (String, String)? in
            guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else { return nil }
            return (
                String(decoding: UnsafeBufferPointer(rebasing: bytes[..<slash]), as: UTF8.self),
                String(decoding: UnsafeBufferPointer(rebasing: bytes[(slash + 1)...]), as: UTF8.self)
            )
        }
        (group, version) = parts ?? ("", apiVersion)
        self.kind = kind
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    public var description: String { "\(apiVersion) \(kind)" }
}
