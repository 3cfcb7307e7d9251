/// CEL renderings of the rules in `StorageClassValidator+S3.swift` and `S3Path.swift`.
extension StorageClassCEL {
    /// `S3Path.parse` succeeds. The length guard comes first so that every regular expression
    /// after it reads at most `S3Path.maximumLength` characters.
    static func s3PathValid(_ path: String) -> String {
        "(\(path).startsWith('s3://') && size(\(path)) <= \(S3Path.maximumLength) "
            // AWS counts bytes: the characters' bound comes first for the cost estimate.
            + "&& size(bytes(\(path))) <= \(S3Path.maximumLength) "
            + "&& !\(path).matches('[\\\\x00-\\\\x1f\\\\x7f\\\\x{85}\\\\x{2028}\\\\x{2029}]') "
            + "&& \(path).matches('^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/|$)') "
            + "&& !\(path).matches('^s3://[^/]*\\\\.\\\\.') "
            + "&& !\(path).matches('^s3://[0-9]{1,3}\\\\.[0-9]{1,3}\\\\.[0-9]{1,3}\\\\.[0-9]{1,3}(/|$)') "
            + "&& !\(path).matches('^s3://(xn--|sthree-)') "
            + "&& !\(path).matches('^s3://[^/]*(-s3alias|--ol-s3)(/|$)'))"
    }

    /// The bucket of a path that starts with `s3://`.
    static func s3Bucket(_ path: String) -> String { "\(path).substring(5).split('/')[0]" }

    /// `S3Path.Problem.explanation` of the first problem `parse` finds.
    static func s3PathProblem(_ path: String) -> String {
        typealias P = S3Path.Problem
        func text(_ problem: P) -> String { CEL.string(problem.explanation) }
        let lengthText = CEL.concat(
            CEL.string("has a bucket name of "), "string(size(b))",
            CEL.string(" characters, but S3 bucket names have 3 to 63; check the name"))
        // The length test reads `size(x) <= N ? … : too long` so that the branch after it is
        // known to be short (the cost estimate relies on it).
        return "(!\(path).startsWith('s3://') ? \(text(.scheme)) : (size(\(path)) <= \(S3Path.maximumLength) "
            + "&& size(bytes(\(path))) <= \(S3Path.maximumLength)) ? "
            + "(\(path).matches('[\\\\x00-\\\\x1f\\\\x7f\\\\x{85}\\\\x{2028}\\\\x{2029}]') ? \(text(.controlCharacter)) : "
            + CEL.bind(
                "b", s3Bucket(path),
                "b == '' ? \(text(.emptyBucket)) : b.matches('^[a-z0-9.-]*\\\\.\\\\.') ? \(text(.doubleDot)) : "
                    + "!b.matches('^[a-z0-9.-]*$') ? (b.matches('^[a-z0-9.-]*[A-Z]') ? \(text(.bucketUppercase)) : "
                    + "\(text(.bucketCharacter))) : (size(b) < 3 || size(b) > 63) ? \(lengthText) : "
                    + "!b.matches('^[a-z0-9].*[a-z0-9]$') ? \(text(.bucketEdge)) : "
                    + "b.matches('^[0-9]{1,3}\\\\.[0-9]{1,3}\\\\.[0-9]{1,3}\\\\.[0-9]{1,3}$') ? \(text(.ipAddress)) : "
                    + text(.reservedName))
            + ") : \(text(.tooLong)))"
    }

    static var s3Validations: [Validation] {
        let importPath = FSxParameter.s3ImportPath
        let exportPath = FSxParameter.s3ExportPath
        let policy = FSxParameter.autoImportPolicy
        let onP2 = "variables.deployment == 'PERSISTENT_2'"
        func onP2Message(_ parameter: FSxParameter) -> String {
            message(
                parameter, value: parameter.cel,
                CEL.string(
                    "is rejected by AWS on PERSISTENT_2, which links S3 only through a data repository "
                        + "association; remove it and create the association outside this driver "
                        + "(aws fsx create-data-repository-association once the file system exists), "
                        + "or use SCRATCH_2 or PERSISTENT_1 with s3ImportPath"))
        }
        func needsImport(_ parameter: FSxParameter) -> String {
            message(
                parameter, value: parameter.cel,
                CEL.string(
                    "needs s3ImportPath, which links the bucket; add s3ImportPath: s3://<bucket>[/<prefix>] or remove it"
                ))
        }
        let exportNeedsImport = "(\(exportPath.celSet) && !\(importPath.celSet))"
        let policyNeedsImport =
            "(\(policy.celSet) && \(policy.cel) in \(CEL.list(FSxValues.autoImportPolicies)) && !\(importPath.celSet))"
        let importBucket = s3Bucket(importPath.cel)
        let exportBucket = s3Bucket(exportPath.cel)
        return [
            Validation(
                rule: "s3-on-p2",
                expression: "!(\(onP2) && (\(importPath.celSet) || \(exportPath.celSet) || \(policy.celSet)))",
                messageExpression:
                    "\(importPath.celSet) ? \(onP2Message(importPath)) : \(exportPath.celSet) ? \(onP2Message(exportPath)) : "
                    + onP2Message(policy)),
            Validation(
                rule: "s3-path",
                expression:
                    "\(onP2) || ((!\(importPath.celSet) || \(s3PathValid(importPath.cel))) "
                    + "&& (!\(exportPath.celSet) || \(s3PathValid(exportPath.cel))))",
                messageExpression:
                    "(\(importPath.celSet) && !\(s3PathValid(importPath.cel))) ? "
                    + message(importPath, value: importPath.cel, s3PathProblem(importPath.cel)) + " : "
                    + message(exportPath, value: exportPath.cel, s3PathProblem(exportPath.cel))),
            Validation(
                rule: "s3-needs-import",
                expression: "\(onP2) || !(\(exportNeedsImport) || \(policyNeedsImport))",
                messageExpression: "\(exportNeedsImport) ? \(needsImport(exportPath)) : \(needsImport(policy))"),
            Validation(
                rule: "s3-same-bucket",
                expression:
                    "\(onP2) || !(\(importPath.celSet) && \(exportPath.celSet) && \(s3PathValid(importPath.cel)) "
                    + "&& \(s3PathValid(exportPath.cel)) && \(importBucket) != \(exportBucket))",
                messageExpression: message(
                    exportPath, value: exportPath.cel,
                    CEL.concat(
                        CEL.string("is in bucket "), exportBucket, CEL.string(", but s3ImportPath is in "),
                        importBucket,
                        CEL.string(" and AWS requires the same bucket; use s3://"), importBucket,
                        CEL.string("/<prefix>")))),
            Validation(
                rule: "autoimport-enum",
                expression: "\(onP2) || \(enumValid(policy, FSxValues.autoImportPolicies))",
                messageExpression: enumMessage(policy, FSxValues.autoImportPolicies)),
        ]
    }
}
