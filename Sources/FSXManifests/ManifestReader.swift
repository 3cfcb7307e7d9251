import FSXCore
import Foundation

/// Reads the objects named by command-line paths: files, folders (recursively, `*.yaml`,
/// `*.yml` and `*.json`, in sorted order) and `-` for standard input; YAML or JSON,
/// multi-document, with `kind: List` expanded to its items.
public struct ManifestReader {
    /// What a read produced: the objects in order, and every input that could not be used.
    public struct Result: Sendable {
        public var manifests: [Manifest]
        public var errors: [ManifestError]
    }

    /// File name endings read from folders. Files named directly are read whatever their name.
    public static let manifestExtensions = ["yaml", "yml", "json"]

    let readStandardInput: () throws(ManifestError) -> [UInt8]
    /// Whether each manifest gets its `SourceMap`.
    let recordingPositions: Bool

    /// - Parameters:
    ///   - recordingPositions: record where each part of each object is written
    ///     (`Manifest.sourceMap`), for outputs that point at lines.
    ///   - readStandardInput: where `-` reads from (tests pass bytes in).
    public init(
        recordingPositions: Bool = false,
        readStandardInput: @escaping () throws(ManifestError) -> [UInt8] = { () throws(ManifestError) in
            try FileReader.readBytes("-")
        }
    ) {
        self.recordingPositions = recordingPositions
        self.readStandardInput = readStandardInput
    }

    /// Reads every path in order; a bad file does not hide problems in the others.
    public func read(paths: [String]) -> Result {
        var result = Result(manifests: [], errors: [])
        if paths.filter({ $0 == "-" }).count > 1 {
            result.errors.append(ManifestError("standard input (-) can be named only once"))
            return result
        }
        for path in paths {
            do {
                for file in try Self.files(for: path) {
                    do {
                        let bytes = file == "-" ? try readStandardInput() : try FileReader.readBytes(file)
                        let source = file == "-" ? FileReader.standardInputName : file
                        result.manifests += try Self.manifests(
                            in: bytes, source: source, recordingPositions: recordingPositions)
                    } catch {
                        result.errors.append(error)
                    }
                }
            } catch {
                result.errors.append(error)
            }
        }
        return result
    }

    /// The files a path stands for: itself, or the manifest files under a folder in sorted
    /// order. Hidden entries (`.git`) are skipped, and so are links to folders, which could
    /// loop.
    public static func files(for path: String) throws(ManifestError) -> [String] {
        if path == "-" { return [path] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            // Let the read produce the precise reason (missing, permission, dangling link).
            return [path]
        }
        guard isDirectory.boolValue else { return [path] }
        var base = path
        while base.count > 1, base.hasSuffix("/") { base.removeLast() }
        var files: [String] = []
        try collect(directory: base, into: &files)
        guard !files.isEmpty else {
            throw ManifestError("\(path): no .yaml, .yml or .json files in this folder")
        }
        return files
    }

    static func collect(directory: String, into files: inout [String]) throws(ManifestError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ManifestError("\(directory): cannot list folder: \(error.localizedDescription)")
        }
        // Byte order, not the locale's: the same folder gives the same order everywhere.
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where !name.hasPrefix(".") {
            let path = directory == "/" ? "/\(name)" : "\(directory)/\(name)"
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let type = attributes?[.type] as? FileAttributeType
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            if type == .typeDirectory {
                try collect(directory: path, into: &files)
            } else if exists, isDirectory.boolValue {
                continue  // a link to a folder
            } else if let dot = name.lastIndex(of: "."),
                manifestExtensions.contains(name[name.index(after: dot)...].lowercased())
            {
                files.append(path)
            }
        }
    }

    /// The objects in one file's bytes.
    public static func manifests(
        in bytes: [UInt8], source: String, recordingPositions: Bool = false
    ) throws(ManifestError) -> [Manifest] {
        let text = try FileReader.text(bytes, source: source)
        let documents: [YAMLDocument]
        do {
            documents = try parseDocuments(text, recordingPositions: recordingPositions)
        } catch {
            throw ManifestError("\(source): \(error.message)")
        }
        var manifests: [Manifest] = []
        for document in documents {
            let position = "document \(document.index) (line \(document.line))"
            manifests += try objects(
                document.value, positions: document.positions, source: source, position: position,
                make: { item, object, positions in
                    Manifest(
                        source: source, document: document.index, item: item,
                        line: document.line, object: object,
                        sourceMap: positions.map(SourceMap.init(root:)))
                })
        }
        return manifests
    }

    /// JSON when the text starts like JSON (numbers kept exactly as written), YAML otherwise.
    /// Flow-style YAML also starts with `{`, so a JSON failure falls back to YAML, and the JSON
    /// error is the one reported when both fail.
    static func parseDocuments(
        _ text: String, recordingPositions: Bool = false
    ) throws(ManifestError)
        -> [YAMLDocument]
    {
        let trimmed = text.drop { $0 == "\u{FEFF}" || $0.isWhitespace }
        guard let first = trimmed.first, first == "{" || first == "[" else {
            return try YAMLDocuments.documents(text, recordingPositions: recordingPositions)
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(String(trimmed))
        } catch {
            if let documents = try? YAMLDocuments.documents(text, recordingPositions: recordingPositions) {
                return documents
            }
            let skipped = text.utf8.count - trimmed.utf8.count
            throw ManifestError(describe(error, in: text, skipped: skipped))
        }
        let line = text[..<trimmed.startIndex].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        return [
            YAMLDocument(
                index: 1, line: line, value: json, positions: recordingPositions ? SourceMap.Node(json: text) : nil)
        ]
    }

    static func describe(_ error: JSONParseError, in text: String, skipped: Int) -> String {
        let offset = error.offset + skipped
        let before = Array(text.utf8.prefix(offset))
        let line = before.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        let column = before.count - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
        return "invalid JSON at line \(line), column \(column): \(error.reason)"
    }

    /// One document's objects: the document itself, or the items of a List (recursively),
    /// each with its own part of the document's positions.
    static func objects(
        _ value: JSONValue, positions: SourceMap.Node?, source: String, position: String, item: Int? = nil,
        make: (Int?, JSONValue, SourceMap.Node?) -> Manifest
    ) throws(ManifestError) -> [Manifest] {
        guard let object = value.objectValue else {
            throw ManifestError("\(source): \(position): is a \(value.typeName), not a Kubernetes object")
        }
        let kind = try requiredString(object, "kind", source: source, position: position)
        _ = try requiredString(object, "apiVersion", source: source, position: position)
        guard isList(kind, object) else { return [make(item, value, positions)] }
        guard let items = object["items"]?.arrayValue else {
            throw ManifestError("\(source): \(position): a \(kind) needs items: as a list of objects")
        }
        var manifests: [Manifest] = []
        for (index, element) in items.enumerated() {
            // Items of a nested list keep the outer index: it is the one a person can find.
            manifests += try objects(
                element, positions: positions?.member("items")?.value.element(index), source: source,
                position: "\(position), items[\(index)]", item: item ?? index, make: make)
        }
        return manifests
    }

    /// `kind: List`, or a typed list (`StorageClassList`) as `kubectl get -o yaml` writes it.
    static func isList(_ kind: String, _ object: JSONObject) -> Bool {
        kind == "List" || (kind.hasSuffix("List") && object["items"]?.arrayValue != nil)
    }

    static func requiredString(
        _ object: JSONObject, _ key: String, source: String, position: String
    ) throws(ManifestError) -> String {
        switch object[key] {
        case .string(let text)? where !text.isEmpty:
            return text
        case nil, .null?, .string?:
            throw ManifestError(
                "\(source): \(position): has no \"\(key)\"; every Kubernetes object needs apiVersion and kind")
        case let other?:
            throw ManifestError("\(source): \(position): \"\(key)\" must be a string, found a \(other.typeName)")
        }
    }
}
