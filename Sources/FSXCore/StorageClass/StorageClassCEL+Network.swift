/// CEL renderings of the rules in `StorageClassValidator+Network.swift`.
extension StorageClassCEL {
    /// `subnet-` and 8 to 17 lowercase hex digits (`Patterns.isAWSID`).
    static let subnetPattern = "^subnet-[0-9a-f]{8,17}$"
    static let securityGroupPattern = "^sg-[0-9a-f]{8,17}$"
    /// A whole valid `securityGroupIds`: 1 to `maximumSecurityGroups` IDs, no spaces.
    static let securityGroupListPattern = "^sg-[0-9a-f]{8,17}(,sg-[0-9a-f]{8,17}){0,15}$"
    /// The longest valid `securityGroupIds`: 16 IDs of 20 characters and 15 commas. Longer is
    /// surely invalid, so the guard keeps the rule exact while it bounds the regex's cost.
    static let maximumSecurityGroupListLength = 16 * 20 + 15

    static var networkValidations: [Validation] {
        let subnet = FSxParameter.subnetId
        let groups = FSxParameter.securityGroupIds
        let listValid =
            "size(\(groups.cel)) <= \(maximumSecurityGroupListLength) && \(groups.cel).matches('\(securityGroupListPattern)')"
        let idText =
            "not a security group ID (sg- and 8 to 17 lowercase hex digits); list IDs like sg-0123456789abcdef0, comma-separated"
        let existing = CEL.list(FSxValues.existingFileSystemKeys)
        return [
            Validation(
                rule: "subnet-required",
                expression: "!variables.provisions || \(subnet.celSet)",
                messageExpression: CEL.bind(
                    "e", "\(existing).filter(k, k in variables.p)",
                    "size(e) > 0 ? "
                        + message(
                            subnet, value: nil,
                            CEL.concat(
                                CEL.string(
                                    "is missing; driver v1.9.0 cannot provision on an existing file system (it ignores "
                                ),
                                "e[0]",
                                CEL.string(
                                    "): a claim of this class creates a new file system, which needs subnetId and "
                                        + "securityGroupIds; to use the existing one, write a static PersistentVolume "
                                        + "(volumeHandle, dnsname, mountname) and a class without parameters")))
                        + " : "
                        + message(
                            subnet, value: nil,
                            CEL.string(
                                "is missing, so no file system can be created; add subnetId: subnet-0123456789abcdef0 "
                                    + "(a subnet your nodes can reach)")))),
            Validation(
                rule: "subnet-format",
                expression: "!\(subnet.celSet) || \(subnet.cel).matches('\(subnetPattern)')",
                messageExpression: message(
                    subnet, value: subnet.cel,
                    "(\(subnet.cel).contains(',') ? "
                        + CEL.string(
                            "is a list, but an FSx for Lustre file system lives in exactly one subnet; "
                                + "keep a single subnet ID (in the zone where the pods run)")
                        + " : (\(subnet.cel).contains(' ') && \(subnet.cel).replace(' ', '').matches('\(subnetPattern)')) ? "
                        + CEL.string("contains spaces, which the driver sends to AWS as they are; remove them")
                        + " : "
                        + CEL.string(
                            "is not a subnet ID (subnet- and 8 to 17 lowercase hex digits); "
                                + "use the form subnet-0123456789abcdef0")
                        + ")")),
            Validation(
                rule: "sg-format",
                expression: "!variables.provisions || (\(groups.celSet) && \(listValid))",
                messageExpression:
                    "!\(groups.celSet) ? "
                    + message(
                        groups, value: nil,
                        CEL.string(
                            "is missing or empty; the driver then sends an empty security group ID, which AWS refuses; "
                                + "add securityGroupIds: sg-0123456789abcdef0 (comma-separated for several)"))
                    + " : "
                    + CEL.bind(
                        "items", "\(groups.cel).split(',')",
                        // Past 16 items the count is the message (the webhook gives it too), which
                        // keeps the search for the first bad item to 16 items.
                        "size(items) <= \(maximumSecurityGroups) ? "
                            + CEL.bind(
                                "bad", "items.filter(i, !i.matches('\(securityGroupPattern)'))",
                                CEL.bind(
                                    "more", "size(bad) > 1 ? ' (and ' + string(size(bad) - 1) + ' more)' : ''",
                                    message(
                                        groups, value: groups.cel,
                                        "(bad[0] == '' ? 'has an empty item' + more + ' (a stray comma); remove it' : "
                                            + "(bad[0].contains(' ') && bad[0].replace(' ', '').matches('\(securityGroupPattern)')) ? "
                                            + CEL.concat(
                                                CEL.string("has spaces around "), CEL.quote("bad[0]"), "more",
                                                CEL.string(
                                                    ", which the driver does not trim; write the IDs comma-separated without spaces"
                                                ))
                                            + " : size(items) == 1 ? "
                                            + CEL.string("is \(idText)") + " : "
                                            + CEL.concat(
                                                CEL.string("has "), CEL.quote("bad[0]"), "more",
                                                CEL.string(", which is \(idText)"))
                                            + ")")))
                            + " : "
                            + message(
                                groups, value: nil,
                                CEL.concat(
                                    CEL.string("lists "), "string(size(items))",
                                    CEL.string(
                                        " security groups; AWS accepts at most \(maximumSecurityGroups) per file system "
                                            + "even with a raised quota; remove some"))))),
            Validation(
                rule: "sg-count",
                expression:
                    "!(\(groups.celSet) && \(listValid) && size(\(groups.cel).split(',')) > \(defaultSecurityGroupQuota))",
                messageExpression: message(
                    groups, value: nil,
                    CEL.concat(
                        "string(size(\(groups.cel).split(',')))",
                        CEL.string(
                            " security groups exceed AWS's default quota of \(defaultSecurityGroupQuota); "
                                + "works only if it was raised")))),
        ]
    }

    static let defaultSecurityGroupQuota = StorageClassValidator.defaultSecurityGroupQuota
    static let maximumSecurityGroups = StorageClassValidator.maximumSecurityGroups
}
