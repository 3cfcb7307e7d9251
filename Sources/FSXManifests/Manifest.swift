import FSXCore

/// One Kubernetes object read from a manifest, and where it came from.
public struct Manifest: Sendable, Equatable {
    /// The file as named on the command line (joined with the path inside a folder), or
    /// `<stdin>`.
    public var source: String
    /// 1-based document number in the file.
    public var document: Int
    /// Position in the `items` of a `List`, when the object came from one.
    public var item: Int?
    /// 1-based line where the document starts.
    public var line: Int
    public var object: JSONValue
    /// Where each part of `object` is written in `source`; recorded only when the reader
    /// is asked to (`ManifestReader(recordingPositions:)`).
    public var sourceMap: SourceMap?

    public init(
        source: String, document: Int, item: Int? = nil, line: Int, object: JSONValue, sourceMap: SourceMap? = nil
    ) {
        self.source = source
        self.document = document
        self.item = item
        self.line = line
        self.object = object
        self.sourceMap = sourceMap
    }

    /// Where `field` (a violation's path) is written: its key's line and column, the
    /// nearest parent's where the key is missing, else the object's first line.
    public func position(of field: String) -> SourcePosition {
        sourceMap?.position(of: field) ?? SourcePosition(line: line, column: 1)
    }

    public var type: ObjectType { ObjectType(of: object) }
    public var namespace: String { object["metadata"]?["namespace"]?.stringValue ?? "" }
    public var name: String { object["metadata"]?["name"]?.stringValue ?? "" }

    /// `file#document`, with `[item]` for List items: the handle printed next to a verdict.
    public var location: String {
        "\(source)#\(document)" + (item.map { "[\($0)]" } ?? "")
    }
}
