extension RuleID {
    /// `subnetId` does not exist in the region.
    static let awsSubnetUnknown: RuleID = "aws-subnet-unknown"
    /// A security group does not exist, or is in another VPC than the subnet.
    static let awsSGUnknown: RuleID = "aws-sg-unknown"
    /// No group allows inbound TCP 988 from the class's groups or the VPC's addresses.
    static let awsSGLustre988: RuleID = "aws-sg-lustre-988"
    /// The same for TCP 1018–1023 (a warning).
    static let awsSGLustre1018: RuleID = "aws-sg-lustre-1018"
    /// `efaEnabled: "true"` and the groups do not allow all traffic within themselves.
    static let awsSGEFA: RuleID = "aws-sg-efa"
    /// AWS could not be asked in time: the class was checked without the rules above.
    static let awsUnverified: RuleID = "aws-unverified"
    /// A workload needs the zone of a `fileSystemId` volume that is not known yet.
    package static let awsZoneUnknown: RuleID = "aws-zone-unknown"
}

/// The StorageClass rules that need AWS: the subnet and security groups exist, are in one
/// VPC, and let Lustre traffic through. Pure: they read `AWSFacts` like any other input.
///
/// Sources: the FSx for Lustre user guide, "Creating an FSx for Lustre file system fails"
/// (the create error "...do not permit Lustre LNET network traffic on port 988", and
/// "Insufficient security group permissions to create an EFA-enabled file system"), and
/// "File system access control with Amazon VPC" (TCP 988 and 1018–1023, from the groups
/// themselves or the VPC's addresses).
enum AWSNetworkRules {
    /// The ports Lustre clients and servers use besides 988.
    static let lustrePorts = 1018...1023

    /// Checks a class whose `subnetId` and `securityGroupIds` are well-formed (the format
    /// rules already reported anything else, and no AWS rule can say more about it).
    static func check(
        subnetId: String, securityGroupIds: [String], efaEnabled: Bool, facts: AWSFacts,
        into violations: inout [Violation]
    ) {
        let subnetField = FSxParameter.subnetId.field
        let groupsField = FSxParameter.securityGroupIds.field
        var unknown: [String] = []

        var subnet: AWSFacts.Subnet?
        switch facts.subnet(subnetId) {
        case .found(let found): subnet = found
        case .absent:
            violations.append(
                .deny(
                    .awsSubnetUnknown, subnetField,
                    "\(subnetField): \(Violation.quote(subnetId)) does not exist in \(facts.region) (EC2 DescribeSubnets), "
                        + "so every claim of this class would stay Pending; use a subnet of the cluster's VPC"))
        case .unknown: unknown.append(subnetId)
        }

        var groups: [AWSFacts.SecurityGroup] = []
        for id in securityGroupIds {
            switch facts.securityGroup(id) {
            case .found(let group):
                groups.append(group)
                if let subnet, group.vpcId != subnet.vpcId {
                    violations.append(
                        .deny(
                            .awsSGUnknown, groupsField,
                            "\(groupsField): \(Violation.quote(id)) is in \(group.vpcId), but subnet \(subnetId) is in "
                                + "\(subnet.vpcId); FSx needs security groups of the subnet's VPC; use groups of \(subnet.vpcId)"
                        ))
                }
            case .absent:
                violations.append(
                    .deny(
                        .awsSGUnknown, groupsField,
                        "\(groupsField): \(Violation.quote(id)) does not exist in \(facts.region) "
                            + "(EC2 DescribeSecurityGroups); use an existing group of the subnet's VPC"))
            case .unknown: unknown.append(id)
            }
        }

        if !unknown.isEmpty {
            let why = facts.reason ?? "AWS did not answer in time"
            violations.append(
                .warn(
                    .awsUnverified, unknown.first!.hasPrefix("subnet-") ? subnetField : groupsField,
                    "\(Violation.quotedList(unknown, limit: 5)) not verified against AWS (\(why)); "
                        + "checked without the aws- rules, which run again on the next request"))
            return
        }
        // Port rules need every group and the subnet: FSx gives the file system's network
        // interfaces all the groups, so traffic passes when any group allows it.
        guard let subnet, groups.count == securityGroupIds.count else { return }
        let classGroups = Set(securityGroupIds)
        let vpcBlock = facts.vpcs[subnet.vpcId]?.cidrBlocks.first { block in
            subnet.cidrBlock.map { block.contains($0) } ?? false
        }
        let sources = vpcBlock ?? subnet.cidrBlock
        let listed = Violation.quote(securityGroupIds.joined(separator: ","))
        let fromText =
            "from a group of the class (such as \(securityGroupIds[0]) itself)"
            + (sources.map { " or from the VPC's \($0)" } ?? "")

        if !allowsInbound(988, groups: groups, classGroups: classGroups, subnet: subnet) {
            violations.append(
                .deny(
                    .awsSGLustre988, groupsField,
                    "\(groupsField): no group of \(listed) allows inbound TCP 988 \(fromText); FSx refuses to create the "
                        + "file system (\"do not permit Lustre LNET network traffic on port 988\") and clients could not "
                        + "mount it; add an inbound rule TCP 988 with the group itself as source"))
        }
        let missing = lustrePorts.filter {
            !allowsInbound($0, groups: groups, classGroups: classGroups, subnet: subnet)
        }
        if !missing.isEmpty {
            let ports =
                missing.count == lustrePorts.count ? "1018-1023" : missing.map(String.init).joined(separator: ",")
            violations.append(
                .warn(
                    .awsSGLustre1018, groupsField,
                    "\(groupsField): no group of \(listed) allows inbound TCP \(ports) \(fromText); Lustre clients "
                        + "may fail to mount; add an inbound rule TCP 1018-1023 with the group itself as source"))
        }
        if efaEnabled && !groups.contains(where: { allowsAllWithin($0, classGroups: classGroups) }) {
            violations.append(
                .deny(
                    .awsSGEFA, groupsField,
                    "\(groupsField): efaEnabled is \"true\", but no group of \(listed) allows all inbound and all outbound "
                        + "traffic to and from itself; FSx refuses (\"Insufficient security group permissions to create "
                        + "an EFA-enabled file system\"); add inbound and outbound rules All traffic with the group itself "
                        + "as source and destination"))
        }
    }

    /// Whether some group lets TCP `port` in from a group of the class, or from a range
    /// holding the subnet's addresses (the VPC's CIDR, or wider, 0.0.0.0/0 included).
    static func allowsInbound(
        _ port: Int, groups: [AWSFacts.SecurityGroup], classGroups: Set<String>, subnet: AWSFacts.Subnet
    ) -> Bool {
        groups.contains { group in
            group.ingress.contains { rule in
                guard rule.allowsTCP(port) else { return false }
                if rule.groupIds.contains(where: classGroups.contains) { return true }
                guard let block = subnet.cidrBlock else { return false }
                return rule.ipRanges.contains { $0.contains(block) }
            }
        }
    }

    /// EFA: all traffic in from, and out to, the group itself (or another group of the class).
    static func allowsAllWithin(_ group: AWSFacts.SecurityGroup, classGroups: Set<String>) -> Bool {
        let within: (AWSFacts.Permission) -> Bool = { rule in
            rule.isAllTraffic && rule.groupIds.contains(where: classGroups.contains)
        }
        return group.ingress.contains(where: within) && group.egress.contains(where: within)
    }
}
