import FSXJSON

/// `subnetId` and `securityGroupIds`.
///
/// Without AWS facts the webhook cannot see whether the security groups allow Lustre traffic
/// (TCP 988 and 1018–1023), so it says nothing about that rather than warn on every class;
/// with an `aws:` section, `AWSNetworkRules` checks it against what EC2 reports.
extension StorageClassValidator {
    /// Security groups per file system AWS allows by default, and the most any quota allows.
    static let defaultSecurityGroupQuota = 5
    static let maximumSecurityGroups = 16

    static func checkNetwork(_ parameters: StorageClassParameters, into violations: inout [Violation]) {
        checkSubnet(parameters, into: &violations)
        checkSecurityGroups(parameters, into: &violations)
    }

    static func checkSubnet(_ parameters: StorageClassParameters, into violations: inout [Violation]) {
        if parameters.isUnreadable(.subnetId) { return }
        guard let isID = parameters.withSetting(.subnetId, { Patterns.isAWSID($0, prefix: "subnet-") }) else {
            let text: String
            if let key = parameters.existingFileSystemKey {
                // The class names an existing file system, which released drivers cannot use.
                text =
                    "is missing; driver v1.9.0 cannot provision on an existing file system (it ignores \(key)): "
                    + "a claim of this class creates a new file system, which needs subnetId and securityGroupIds; "
                    + "to use the existing one, write a static PersistentVolume (volumeHandle, dnsname, mountname) "
                    + "and a class without parameters"
            } else {
                text =
                    "is missing, so no file system can be created; add subnetId: subnet-0123456789abcdef0 "
                    + "(a subnet your nodes can reach)"
            }
            violations.append(deny("subnet-required", .subnetId, nil, text))
            return
        }
        if isID { return }
        let subnet = parameters.setting(.subnetId) ?? ""
        let text: String
        if subnet.containsByte(UInt8(ascii: ",")) {
            text =
                "is a list, but an FSx for Lustre file system lives in exactly one subnet; "
                + "keep a single subnet ID (in the zone where the pods run)"
        } else if subnet.containsByte(UInt8(ascii: " ")), Patterns.isAWSID(withoutSpaces(subnet), prefix: "subnet-") {
            text = "contains spaces, which the driver sends to AWS as they are; remove them"
        } else {
            text =
                "is not a subnet ID (subnet- and 8 to 17 lowercase hex digits); "
                + "use the form subnet-0123456789abcdef0"
        }
        violations.append(deny("subnet-format", .subnetId, subnet, text))
    }

    static func checkSecurityGroups(_ parameters: StorageClassParameters, into violations: inout [Violation]) {
        if parameters.isUnreadable(.securityGroupIds) { return }
        guard parameters.hasSetting(.securityGroupIds) else {
            violations.append(
                deny(
                    "sg-format", .securityGroupIds, nil,
                    "is missing or empty; the driver then sends an empty security group ID, which AWS refuses; "
                        + "add securityGroupIds: sg-0123456789abcdef0 (comma-separated for several)"))
            return
        }
        // The driver splits on "," bytes and trims nothing, so each item must be exact. Items
        // are read as byte ranges; text is made only for the one a message names.
        var count = 0
        var firstBad: String?
        var badCount = 0
        _ = parameters.withSetting(.securityGroupIds) { bytes in
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: ",") { end += 1 }
                let item = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                start = end + 1
                count += 1
                if !Patterns.isAWSID(item, prefix: "sg-") {
                    badCount += 1
                    if firstBad == nil { firstBad = String(decoding: item, as: UTF8.self) }
                }
            }
        }
        if let bad = firstBad {
            let more = badCount > 1 ? " (and \(badCount - 1) more)" : ""
            let text: String
            if bad.isEmpty {
                text = "has an empty item\(more) (a stray comma); remove it"
            } else if bad.containsByte(UInt8(ascii: " ")), Patterns.isAWSID(withoutSpaces(bad), prefix: "sg-") {
                text =
                    "has spaces around \(Violation.quote(bad))\(more), which the driver does not trim; "
                    + "write the IDs comma-separated without spaces"
            } else {
                // A single item is the whole value, already quoted at the start of the message.
                let which = count == 1 ? "is" : "has \(Violation.quote(bad))\(more), which is"
                text =
                    "\(which) not a security group ID (sg- and 8 to 17 lowercase hex digits); "
                    + "list IDs like sg-0123456789abcdef0, comma-separated"
            }
            violations.append(deny("sg-format", .securityGroupIds, parameters.setting(.securityGroupIds), text))
        }
        checkSecurityGroupCount(count, anyBad: firstBad != nil, into: &violations)
    }

    /// `text` with its space bytes removed, to tell "an ID with stray spaces" apart.
    static func withoutSpaces(_ text: some StringProtocol) -> String {
        String(decoding: text.utf8.filter { $0 != UInt8(ascii: " ") }, as: UTF8.self)
    }

    static func checkSecurityGroupCount(_ count: Int, anyBad: Bool, into violations: inout [Violation]) {
        if count > maximumSecurityGroups {
            violations.append(
                deny(
                    "sg-format", .securityGroupIds, nil,
                    "lists \(count) security groups; AWS accepts at most \(maximumSecurityGroups) per file system "
                        + "even with a raised quota; remove some"))
        } else if count > defaultSecurityGroupQuota && !anyBad {
            violations.append(
                warn(
                    "sg-count", .securityGroupIds, nil,
                    "\(count) security groups exceed AWS's default quota of \(defaultSecurityGroupQuota); "
                        + "works only if it was raised"))
        }
    }

    /// The `aws-` rules, on a class whose network parameters are well-formed: an ID that
    /// is not one was reported by the format rules, and AWS could say nothing more of it.
    static func checkAWS(_ parameters: StorageClassParameters, facts: AWSFacts, into violations: inout [Violation]) {
        guard let subnet = parameters.setting(.subnetId), Patterns.isAWSID(subnet, prefix: "subnet-"),
            let list = parameters.setting(.securityGroupIds)
        else { return }
        let groups = list.splitBytes(UInt8(ascii: ","))
        guard groups.count <= maximumSecurityGroups, groups.allSatisfy({ Patterns.isAWSID($0, prefix: "sg-") })
        else { return }
        var seen = Set<Substring>()
        let unique = groups.filter { seen.insert($0).inserted }.map(String.init)
        let efa = parameters.setting(.efaEnabled).map { FSxValues.trueForms.containsBytes(of: $0) } ?? false
        AWSNetworkRules.check(
            subnetId: subnet, securityGroupIds: unique, efaEnabled: efa, facts: facts, into: &violations)
    }

    /// What the `aws-` rules need to know of a class, for the edge to gather before deciding;
    /// empty when they would not run.
    static func awsLookups(_ storageClass: JSONView) -> AWSLookups {
        guard storageClass["provisioner"]?.isString(provisioner) == true, let parameters = storageClass["parameters"],
            let subnet = parameters["subnetId"]?.string, Patterns.isAWSID(subnet, prefix: "subnet-"),
            let list = parameters["securityGroupIds"]?.string
        else { return .none }
        let groups = list.splitBytes(UInt8(ascii: ","))
        guard groups.count <= maximumSecurityGroups, groups.allSatisfy({ Patterns.isAWSID($0, prefix: "sg-") })
        else { return .none }
        var seen = Set<Substring>()
        return AWSLookups(
            subnetIds: [subnet], securityGroupIds: groups.filter { seen.insert($0).inserted }.map(String.init))
    }
}
