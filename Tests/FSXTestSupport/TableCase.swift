import Testing

/// One named row of a table test: an input and what the code under test must make of it.
///
/// A table is run with `@Test(arguments: rows)`, so every row is its own test case, named
/// by `name` in the test report, and a failing row neither hides nor stops the others.
public struct TableCase<Input: Sendable, Expected: Sendable>: Sendable, CustomTestStringConvertible {
    public var name: String
    public var input: Input
    public var expected: Expected

    public var testDescription: String { name }

    public init(_ name: String, _ input: Input, _ expected: Expected) {
        self.name = name
        self.input = input
        self.expected = expected
    }
}

extension TableCase where Expected: RangeReplaceableCollection {
    /// A row that expects nothing: no findings, no output.
    public init(_ name: String, _ input: Input) {
        self.init(name, input, Expected())
    }
}
