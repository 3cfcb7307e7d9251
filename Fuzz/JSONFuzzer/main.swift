// libFuzzer target for FSXJSON: any bytes through the scanner, against the reference parser
// of the tests (Tests/FSXCoreTests/Support/ReferenceJSONParser.swift): a document is
// accepted by both with the same value, or refused by both with the same error at the same
// offset. An accepted document's tape must also be well formed, and its view must answer
// look-ups as the value does. A broken invariant ends in `fatalError`: a finding.
//
// Built and run by scripts/fuzz.sh; see docs/reliability.md.

import FSXJSON

@testable import FSXCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let reference = Result { () throws(JSONParseError) in try ReferenceJSONParser.parse(bytes) }
    let tape: JSONTape
    do throws(JSONScanError) {
        tape = try JSONScanner.scan(bytes)
    } catch {
        guard case .failure(let expected) = reference else {
            fail("the scanner refuses what the reference accepts: \(error)", bytes)
        }
        check(
            expected.offset == error.offset && expected.reason == error.reason,
            "scanner \(error), reference \(expected)", bytes)
        return 0
    }
    guard case .success(let value) = reference else {
        fail("the scanner accepts what the reference refuses: \(reference)", bytes)
    }
    tape.withEntries { entries in
        checkTape(entries, bytes)
        let view = JSONView(bytes: bytes, entries: entries, position: 0)
        let built = JSONValue(view)
        check(built == value, "the view's value differs from the reference's", bytes)
        check(JSONWriter.bytes(built) == JSONWriter.bytes(value), "key order or number text differ", bytes)
        checkLookups(view, value, bytes)
    }
    return 0
}

/// Every entry points into the body, and every container's `next` is past all its children.
func checkTape(_ entries: UnsafeBufferPointer<JSONTape.Entry>, _ bytes: UnsafeRawBufferPointer) {
    for (index, entry) in entries.enumerated() {
        check(Int(entry.start) <= bytes.count, "entry \(index) starts past the body", bytes)
        check(
            Int(entry.next) > index && Int(entry.next) <= entries.count, "entry \(index) has next \(entry.next)", bytes)
        switch entry.kind {
        case .array, .object:
            var child = index + 1
            var children = 0
            while child < Int(entry.next) {
                children += 1
                child = Int(entries[child].next)
                if entry.kind == .object { child = Int(entries[child].next) }
            }
            check(child == Int(entry.next), "entry \(index): children overrun its next", bytes)
            check(children == Int(entry.count), "entry \(index): count", bytes)
        default:
            check(Int(entry.next) == index + 1, "scalar entry \(index) has next \(entry.next)", bytes)
        }
    }
}

/// Member and element look-ups on the view agree with the value's, down a few levels.
func checkLookups(_ view: JSONView, _ value: JSONValue, _ bytes: UnsafeRawBufferPointer, depth: Int = 0) {
    guard depth < 4 else { return }
    switch value {
    case .object(let object):
        for member in object.members {
            guard let found = view[member.key] else { fail("view has no member \(member.key)", bytes) }
            check(JSONValue(found) == member.value, "member \(member.key) differs", bytes)
            checkLookups(found, member.value, bytes, depth: depth + 1)
        }
        check(view["\u{0}absent"] == nil || object["\u{0}absent"] != nil, "a missing key is found", bytes)
    case .array(let elements):
        for (index, element) in elements.enumerated() {
            guard let found = view[index] else { fail("view has no element \(index)", bytes) }
            checkLookups(found, element, bytes, depth: depth + 1)
        }
        check(view[elements.count] == nil, "an element past the end is found", bytes)
    default:
        check(view.count == 0, "a scalar has elements", bytes)
    }
}

func check(_ condition: Bool, _ message: @autoclosure () -> String, _ bytes: UnsafeRawBufferPointer) {
    if !condition { fail(message(), bytes) }
}

func fail(_ message: String, _ bytes: UnsafeRawBufferPointer) -> Never {
    fatalError("invariant broken: \(message); input: \(Array(bytes.prefix(256)))")
}
