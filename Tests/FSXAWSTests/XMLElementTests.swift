import Testing

@testable import FSXAWS

struct XMLElementTests {
    @Test func readsAnEC2SecurityGroupAnswer() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
              <requestId>1</requestId>
              <securityGroupInfo><item><groupId>sg-0123456789abcdef0</groupId><vpcId>vpc-01234567</vpcId>
                <ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>988</fromPort><toPort>988</toPort>
                  <groups><item><groupId>sg-0123456789abcdef0</groupId></item></groups>
                  <ipRanges><item><cidrIp>10.0.0.0/16</cidrIp><description>a &amp; b &#x41;</description></item></ipRanges>
                  <ipv6Ranges/></item></ipPermissions>
                <ipPermissionsEgress/></item></securityGroupInfo>
            </DescribeSecurityGroupsResponse>
            """
        let root = try XMLElement.parse(Array(xml.utf8))
        let group = try #require(root.items("securityGroupInfo").first)
        #expect(group.value("groupId") == "sg-0123456789abcdef0")
        let permission = AWSClient.permission(try #require(group.items("ipPermissions").first))
        #expect(permission.fromPort == 988 && permission.toPort == 988)
        #expect(permission.groupIds == ["sg-0123456789abcdef0"])
        #expect(permission.ipRanges.map(\.description) == ["10.0.0.0/16"])
        #expect(root.find("description")?.text == "a & b A")
    }

    @Test func refusesMalformedDocuments() {
        #expect(throws: XMLElement.ParseError.self) { try XMLElement.parse(Array("<a><b></a>".utf8)) }
        #expect(throws: XMLElement.ParseError.self) { try XMLElement.parse(Array("<a>&bogus;</a>".utf8)) }
        #expect(throws: XMLElement.ParseError.self) { try XMLElement.parse(Array("<a".utf8)) }
    }
}
