/// A growable stack the parser collects the elements of open arrays and objects on.
///
/// Each array or object is built once, at its closing bracket, with exactly its element
/// count moved (not copied) off the top of the stack: no array grows element by element, and
/// no element is retained and released on the way. One stack serves the whole document, so
/// its storage is allocated a handful of times per parse, not once per container.
///
/// Not copyable: the parser owns it, and whatever is still on it after an error is freed
/// with it.
struct ParseStack<Element>: ~Copyable {
    fileprivate var base: UnsafeMutablePointer<Element>
    fileprivate var capacity: Int
    private(set) var count = 0

    /// Allocates nothing until the first push: a parse may never use some of its stacks.
    init() {
        capacity = 0
        // Never dereferenced while `capacity` is 0.
        base = UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment)!
    }

    @inline(__always)
    mutating func push(_ element: consuming Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    fileprivate mutating func grow() {
        guard capacity > 0 else {
            capacity = 64
            base = .allocate(capacity: capacity)
            return
        }
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    /// The elements from `start` to the top, as an array; the stack shrinks to `start`.
    @inline(__always)
    mutating func pop(from start: Int) -> [Element] {
        let n = count - start
        guard n > 0 else { return [] }
        let source = base + start
        count = start
        // Not `init(unsafeUninitializedCapacity:)`: it calls the stdlib's unspecialised
        // buffer initialiser, which looks up the array's class metadata on every call.
        var array: [Element] = []
        array.reserveCapacity(n)
        for offset in 0..<n { array.append((source + offset).move()) }
        return array
    }

    /// Drops the elements from `start` to the top.
    @inline(__always)
    mutating func remove(from start: Int) {
        (base + start).deinitialize(count: count - start)
        count = start
    }

    /// The element at `index`, which must be below the top.
    @inline(__always)
    subscript(index: Int) -> Element {
        base[index]
    }

    deinit {
        guard capacity > 0 else { return }
        base.deinitialize(count: count)
        base.deallocate()
    }
}

extension ParseStack where Element == UInt8 {
    /// Appends `bytes`: a string's plain run, copied to the decoding buffer.
    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        while capacity - count < bytes.count { grow() }
        if let source = bytes.baseAddress {
            UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: bytes.count)
        }
        count += bytes.count
    }

    /// The bytes on the stack.
    @inline(__always)
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        body(UnsafeRawBufferPointer(start: base, count: count))
    }
}
