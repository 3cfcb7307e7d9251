import FSXJSON

extension JSONTape {
    /// The entries as an array.
    var entryList: [Entry] { withEntries { Array($0) } }
}

extension JSONView {
    /// Scans `bytes` and calls `body` with the view of the whole document.
    static func scanning<Result>(
        _ bytes: UnsafeRawBufferPointer, _ body: (JSONView) throws -> Result
    ) throws -> Result {
        let tape = try JSONScanner.scan(bytes)
        return try tape.withEntries { entries throws in
            try body(JSONView(bytes: bytes, entries: entries, position: 0))
        }
    }
}
