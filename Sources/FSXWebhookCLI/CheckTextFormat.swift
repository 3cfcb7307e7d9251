import FSXCore

/// `check -o text`: one line per object for scanning, reasons and warnings indented below,
/// a summary line at the end.
///
///     DENIED   StorageClass "fsx-lustre-persistent"  examples/x.yaml#1
///         denied: parameters.s3ImportPath: ...
///     ALLOWED  Job "ml/train"  examples/job.yaml#1  (would be patched: 4 operations)
///
///     2 objects: 1 allowed, 0 with warnings, 1 denied
enum CheckTextFormat {
    static func render(_ report: CheckReport) -> String {
        var out = ""
        for result in report.results {
            let decision = result.decision
            let verdict: String
            if !decision.isAllowed {
                verdict = "DENIED"
            } else if !decision.warnings.isEmpty {
                verdict = "WARNING"
            } else {
                verdict = "ALLOWED"
            }
            out += pad(verdict, to: 9) + decision.subject + "  " + result.manifest.location
            if decision.isAllowed && !decision.patch.isEmpty {
                let count = decision.patch.count
                out += "  (would be patched: \(count) operation\(count == 1 ? "" : "s"))"
            }
            out += "\n"
            for denial in decision.denials { out += "    denied: \(oneLine(denial.message))\n" }
            for warning in decision.warnings { out += "    warning: \(oneLine(warning.message))\n" }
        }
        if !report.results.isEmpty { out += "\n" }
        out += summaryLine(report.summary) + "\n"
        return out
    }

    static func summaryLine(_ summary: CheckReport.Summary) -> String {
        var line =
            "\(summary.objects) object\(summary.objects == 1 ? "" : "s"): \(summary.allowed) allowed, "
            + "\(summary.withWarnings) with warnings, \(summary.denied) denied"
        if summary.patched > 0 { line += " (\(summary.patched) would be patched)" }
        return line
    }

    static func pad(_ text: String, to width: Int) -> String {
        text + String(repeating: " ", count: max(1, width - text.count))
    }

    /// Messages are one line by design; a stray line break must not break the layout.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
