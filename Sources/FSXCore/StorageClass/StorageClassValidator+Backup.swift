/// Encryption, automatic backups and maintenance windows.
extension StorageClassValidator {
    static let maximumBackupRetentionDays: Int32 = 90

    static func checkBackup(_ parameters: StorageClassParameters, into violations: inout [Violation]) {
        let deployment = parameters.deployment
        let importPath = parameters.effectiveImportPath

        if let key = parameters.setting(.kmsKeyId) {
            if let deployment, !deployment.isPersistent {
                violations.append(
                    deny(
                        "kms-persistent", .kmsKeyId, key,
                        "is accepted only on PERSISTENT_1 and PERSISTENT_2 (this class has "
                            + "\(parameters.deploymentText)); remove it or use a PERSISTENT type"))
            }
            if key.bytesHavePrefix("alias/") || key.bytesContain(":alias/") {
                violations.append(
                    warn(
                        "kms-alias", .kmsKeyId, nil, "is an alias, not confirmed to work for FSx; use the key ID or ARN"
                    ))
            }
        }

        let retention = integer(.automaticBackupRetentionDays, example: "7", parameters, into: &violations)
        if case .value(let days) = retention {
            var problem: String?
            if days > maximumBackupRetentionDays {
                problem = "is more than 90 days, the longest AWS keeps automatic backups; use 0 to 90"
            } else if days > 0, let deployment, !deployment.isPersistent {
                problem =
                    "turns on automatic backups, which only PERSISTENT types have (this class has "
                    + "\(parameters.deploymentText)); remove it or set \"0\""
            } else if days > 0, importPath != nil {
                problem =
                    "turns on automatic backups, which AWS refuses for a file system linked to S3 "
                    + "(s3ImportPath is set); remove it or set \"0\""
            }
            if let problem {
                violations.append(deny("backup-retention", .automaticBackupRetentionDays, String(days), problem))
            }
        }

        if !parameters.isUnreadable(.dailyAutomaticBackupStartTime),
            parameters.hasSetting(.dailyAutomaticBackupStartTime)
        {
            switch retention {
            case .absent, .value(0):
                // The driver sends the start time only with a retention above 0; a bad format
                // therefore never reaches AWS, so only the silent drop is worth saying.
                violations.append(
                    warn(
                        "backup-start-ignored", .dailyAutomaticBackupStartTime, nil,
                        "ignored: the driver drops it unless automaticBackupRetentionDays > 0"))
            case .value, .invalid:
                if parameters.withSetting(.dailyAutomaticBackupStartTime, isDailyTime) == false {
                    violations.append(
                        deny(
                            "time-formats", .dailyAutomaticBackupStartTime,
                            parameters.setting(.dailyAutomaticBackupStartTime),
                            "is not a UTC time as HH:MM (00:00 to 23:59); write it like \"05:00\""))
                }
            }
        }

        if parameters.withSetting(.weeklyMaintenanceStartTime, isWeeklyTime) == false {
            violations.append(
                deny(
                    "time-formats", .weeklyMaintenanceStartTime, parameters.setting(.weeklyMaintenanceStartTime),
                    "is not a weekly UTC time as d:HH:MM with d 1 (Monday) to 7; write it like \"7:09:00\""))
        }

        if case .value(true) = boolean(.copyTagsToBackups, parameters, into: &violations), importPath != nil {
            violations.append(
                deny(
                    "copy-tags", .copyTagsToBackups, parameters[.copyTagsToBackups],
                    "is refused by AWS for a file system linked to S3 (s3ImportPath is set), which has no "
                        + "automatic backups; remove it or set \"false\""))
        }
    }

    /// `HH:MM`, 00:00 to 23:59.
    static func isDailyTime(_ b: UnsafeRawBufferPointer) -> Bool {
        guard b.count == 5, b[2] == UInt8(ascii: ":") else { return false }
        return isClock(b[0], b[1], b[3], b[4])
    }

    /// `d:HH:MM`, d from 1 (Monday) to 7.
    static func isWeeklyTime(_ b: UnsafeRawBufferPointer) -> Bool {
        guard b.count == 7, b[1] == UInt8(ascii: ":"), b[4] == UInt8(ascii: ":") else { return false }
        guard b[0] >= UInt8(ascii: "1"), b[0] <= UInt8(ascii: "7") else { return false }
        return isClock(b[2], b[3], b[5], b[6])
    }

    static func isClock(_ h1: UInt8, _ h2: UInt8, _ m1: UInt8, _ m2: UInt8) -> Bool {
        guard Patterns.isDigit(h1), Patterns.isDigit(h2), Patterns.isDigit(m1), Patterns.isDigit(m2) else {
            return false
        }
        let hours = Int(h1 - 0x30) * 10 + Int(h2 - 0x30)
        let minutes = Int(m1 - 0x30) * 10 + Int(m2 - 0x30)
        return hours <= 23 && minutes <= 59
    }
}
