/// A JUnit XML report, the shape CI systems read (GitLab, Jenkins, the GitHub report
/// actions): `testsuites` > `testsuite` > `testcase`, with `failure` and `system-out`.
struct JUnitReport {
    struct Case {
        var name: String
        var className: String
        /// `(type, message, text)` when the case failed.
        var failure: (type: String, message: String, text: String)?
        var output: String = ""
    }

    struct Suite {
        var name: String
        var cases: [Case] = []
        var failures: Int { cases.count { $0.failure != nil } }
    }

    var name: String
    var suites: [Suite]

    func render() -> String {
        let tests = suites.reduce(0) { $0 + $1.cases.count }
        let failures = suites.reduce(0) { $0 + $1.failures }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"\(Self.escape(name))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\">\n"
        for suite in suites {
            out +=
                "  <testsuite name=\"\(Self.escape(suite.name))\" tests=\"\(suite.cases.count)\" "
                + "failures=\"\(suite.failures)\" errors=\"0\" skipped=\"0\">\n"
            for test in suite.cases {
                out += "    <testcase name=\"\(Self.escape(test.name))\" classname=\"\(Self.escape(test.className))\""
                if test.failure == nil && test.output.isEmpty {
                    out += "/>\n"
                    continue
                }
                out += ">\n"
                if let failure = test.failure {
                    out +=
                        "      <failure type=\"\(Self.escape(failure.type))\" message=\"\(Self.escape(failure.message))\">"
                        + Self.escape(failure.text) + "</failure>\n"
                }
                if !test.output.isEmpty { out += "      <system-out>\(Self.escape(test.output))</system-out>\n" }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    /// Text for an attribute or element: the five XML entities escaped, and characters XML
    /// 1.0 cannot carry at all (control characters other than tab and line breaks) shown as
    /// `\u{…}`, so a hostile key cannot make the report unreadable.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
