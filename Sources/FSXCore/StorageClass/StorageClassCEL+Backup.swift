/// CEL renderings of the rules in `StorageClassValidator+Backup.swift`.
extension StorageClassCEL {
    /// `StorageClassValidator.isDailyTime` and `isWeeklyTime`; the size test first keeps the
    /// regular expression on five or seven characters.
    static let dailyTimePattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$"
    static let weeklyTimePattern = "^[1-7]:([01][0-9]|2[0-3]):[0-5][0-9]$"

    static var backupValidations: [Validation] {
        let kms = FSxParameter.kmsKeyId
        let retention = FSxParameter.automaticBackupRetentionDays
        let daily = FSxParameter.dailyAutomaticBackupStartTime
        let weekly = FSxParameter.weeklyMaintenanceStartTime
        let copyTags = FSxParameter.copyTagsToBackups
        let maximum = StorageClassValidator.maximumBackupRetentionDays
        let scratch = "(variables.deploymentValid && !variables.persistent)"
        let dailyChecked =
            "(\(daily.celSet) && variables.retention != -1 && variables.retention != 0 "
            + "&& !(size(\(daily.cel)) == 5 && \(daily.cel).matches('\(dailyTimePattern)')))"
        let weeklyBad =
            "(\(weekly.celSet) && !(size(\(weekly.cel)) == 7 && \(weekly.cel).matches('\(weeklyTimePattern)')))"
        func boolMessage(_ parameter: FSxParameter) -> String {
            message(
                parameter, value: parameter.cel,
                CEL.string(
                    "is not a boolean the driver understands (it uses Go's ParseBool, so every claim fails); "
                        + "use \"true\" or \"false\""))
        }
        return [
            Validation(
                rule: "kms-persistent",
                expression: "!(\(kms.celSet) && \(scratch))",
                messageExpression: message(
                    kms, value: kms.cel,
                    CEL.concat(
                        CEL.string("is accepted only on PERSISTENT_1 and PERSISTENT_2 (this class has "),
                        "variables.deploymentText", CEL.string("); remove it or use a PERSISTENT type")))),
            Validation(
                rule: "kms-alias",
                expression: "!(\(kms.celSet) && (\(kms.cel).startsWith('alias/') || \(kms.cel).contains(':alias/')))",
                messageExpression: message(
                    kms, value: nil, CEL.string("is an alias, not confirmed to work for FSx; use the key ID or ARN"))),
            Validation(
                rule: "backup-retention",
                expression:
                    "variables.retention < 0 || !(variables.retention > \(maximum) || (variables.retention > 0 "
                    + "&& (\(scratch) || variables.importPath)))",
                messageExpression: message(
                    retention, value: "string(variables.retention)",
                    "(variables.retention > \(maximum) ? "
                        + CEL.string("is more than 90 days, the longest AWS keeps automatic backups; use 0 to 90")
                        + " : \(scratch) ? "
                        + CEL.concat(
                            CEL.string("turns on automatic backups, which only PERSISTENT types have (this class has "),
                            "variables.deploymentText", CEL.string("); remove it or set \"0\""))
                        + " : "
                        + CEL.string(
                            "turns on automatic backups, which AWS refuses for a file system linked to S3 "
                                + "(s3ImportPath is set); remove it or set \"0\"")
                        + ")")),
            Validation(
                rule: "backup-start-ignored",
                expression: "!(\(daily.celSet) && (variables.retention == -1 || variables.retention == 0))",
                messageExpression: message(
                    daily, value: nil,
                    CEL.string("ignored: the driver drops it unless automaticBackupRetentionDays > 0"))),
            Validation(
                rule: "time-formats",
                expression: "!\(dailyChecked) && !\(weeklyBad)",
                messageExpression:
                    "\(dailyChecked) ? "
                    + message(
                        daily, value: daily.cel,
                        CEL.string("is not a UTC time as HH:MM (00:00 to 23:59); write it like \"05:00\""))
                    + " : "
                    + message(
                        weekly, value: weekly.cel,
                        CEL.string(
                            "is not a weekly UTC time as d:HH:MM with d 1 (Monday) to 7; write it like \"7:09:00\""))),
            Validation(
                rule: "copy-tags",
                expression: "!(variables.copyTags == 'true' && variables.importPath)",
                messageExpression: message(
                    copyTags, value: copyTags.cel,
                    CEL.string(
                        "is refused by AWS for a file system linked to S3 (s3ImportPath is set), which has no "
                            + "automatic backups; remove it or set \"false\""))),
            Validation(
                rule: "bool-format",
                expression: "variables.copyTags != 'invalid' && variables.efa != 'invalid'",
                messageExpression:
                    "variables.copyTags == 'invalid' ? \(boolMessage(copyTags)) : \(boolMessage(.efaEnabled))"),
        ]
    }
}
