/// The S3 data repository parameters: `s3ImportPath`, `s3ExportPath`, `autoImportPolicy`.
extension StorageClassValidator {
    static let s3Parameters: [FSxParameter] = [.s3ImportPath, .s3ExportPath, .autoImportPolicy]

    static func checkS3(_ parameters: StorageClassParameters, into violations: inout [Violation]) {
        if parameters.deployment == .persistent2 {
            // AWS refuses the whole S3 link here (aws-fsx-csi-driver issue #412), so the finer
            // rules below would only add noise about values that must go anyway.
            // Unreadable values are already reported as parameter-type; one problem per field.
            for parameter in s3Parameters where parameters.hasSetting(parameter) {
                violations.append(deny("s3-on-p2", parameter, parameters[parameter], s3OnPersistent2Text))
            }
            return
        }

        let hasImport = parameters.isSet(.s3ImportPath)
        var importPath: S3Path?
        if let text = parameters.setting(.s3ImportPath) {
            importPath = checkPath(.s3ImportPath, text, into: &violations)
        }

        if let text = parameters.setting(.s3ExportPath) {
            let exportPath = checkPath(.s3ExportPath, text, into: &violations)
            if !hasImport {
                violations.append(needsImport(.s3ExportPath, text))
            } else if let importPath, let exportPath, !importPath.bucket.bytesEqual(exportPath.bucket) {
                violations.append(
                    deny(
                        "s3-same-bucket", .s3ExportPath, text,
                        "is in bucket \(exportPath.bucket), but s3ImportPath is in \(importPath.bucket) and AWS "
                            + "requires the same bucket; use s3://\(importPath.bucket)/<prefix>"))
            }
        }

        if let policy = checkEnum(
            .autoImportPolicy, FSxValues.autoImportPolicies, rule: "autoimport-enum", parameters, into: &violations),
            !hasImport
        {
            violations.append(needsImport(.autoImportPolicy, policy))
        }
    }

    /// Joined once: the class refused most often (the README's example) says it three times.
    static let s3OnPersistent2Text =
        "is rejected by AWS on PERSISTENT_2, which links S3 only through a data repository "
        + "association; remove it and create the association outside this driver "
        + "(aws fsx create-data-repository-association once the file system exists), "
        + "or use SCRATCH_2 or PERSISTENT_1 with s3ImportPath"

    static func checkPath(_ parameter: FSxParameter, _ text: String, into violations: inout [Violation]) -> S3Path? {
        switch S3Path.parse(text) {
        case .success(let path):
            return path
        case .failure(let problem):
            violations.append(deny("s3-path", parameter, text, problem.explanation))
            return nil
        }
    }

    static func needsImport(_ parameter: FSxParameter, _ value: String) -> Violation {
        deny(
            "s3-needs-import", parameter, value,
            "needs s3ImportPath, which links the bucket; add s3ImportPath: s3://<bucket>[/<prefix>] or remove it")
    }
}
