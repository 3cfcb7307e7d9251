/// What a JSON document holds, as `JSONScanner` found it: one entry per value (and per
/// object key), in document order, each saying where its bytes are and where the next value
/// at the same level starts. Nothing is copied out of the document: a reader compares and
/// decodes the bytes in place, through `JSONView`.
///
/// A class that owns the entries the scanner wrote: the scanner appends to memory of its
/// own, with none of the uniqueness checks an array pays on every append.
package final class JSONTape {
    /// The JSON type of an entry. An object key is a `string` entry, followed by its value.
    package enum Kind: UInt8, Sendable {
        case null, `true`, `false`, number, string, array, object
    }

    /// One value. 16 bytes, so a 12 KB review of about 1,500 values needs a 24 KB tape.
    package struct Entry: Sendable, Equatable {
        package var kind: Kind
        /// For a string: it holds at least one escape, so its bytes are not its text.
        package var escaped: Bool
        /// For a string, its first byte after the opening quote; for any other value, its
        /// first byte (the `[` or `{` of a container).
        package var start: UInt32
        /// For a string, its byte count between the quotes; for a number or literal, its
        /// length; for an array, its elements; for an object, its members.
        package var count: UInt32
        /// The index of the entry after this value and everything inside it.
        package var next: UInt32
    }

    let entries: UnsafeMutablePointer<Entry>
    package let count: Int

    /// Takes ownership of `count` entries at `entries` (allocated by `allocate`).
    init(entries: UnsafeMutablePointer<Entry>, count: Int) {
        self.entries = entries
        self.count = count
    }

    deinit { entries.deallocate() }

    /// The entries, for as long as `body` runs.
    package func withEntries<Result, Failure: Error>(
        _ body: (UnsafeBufferPointer<Entry>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        defer { withExtendedLifetime(self) {} }
        return try body(UnsafeBufferPointer(start: entries, count: count))
    }
}
