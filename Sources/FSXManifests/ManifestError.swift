/// A problem reading a manifest or configuration: one line for stderr.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
