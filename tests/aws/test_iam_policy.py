"""The read-only IAM policy the docs give is valid JSON and names exactly the calls the
server makes: a missing action would be an `aws-unverified` in every cluster that copies it,
an extra one a permission granted for nothing."""
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]


def called_actions():
    source = (ROOT / "Sources/FSXAWS/AWSClient.swift").read_text()
    ec2 = set(re.findall(r'ec2\("(Describe\w+)"', source))
    fsx = set(re.findall(r'AWSSimbaAPIService_v20180301\.(\w+)', source))
    assert ec2 and fsx
    return {f"ec2:{a}" for a in ec2} | {f"fsx:{a}" for a in fsx}


def policies(doc):
    blocks = re.findall(r"```json\n(.*?)```", (ROOT / doc).read_text(), re.S)
    found = [json.loads(b) for b in blocks if "fsx:DescribeFileSystems" in b]
    assert found, f"no IAM policy in {doc}"
    return found


def test_the_documented_policies_name_exactly_the_calls_made():
    expected = called_actions()
    assert expected == {"ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs",
                        "fsx:DescribeFileSystems"}
    for doc in ["docs/install.md", "docs/aws.md"]:
        for policy in policies(doc):
            [statement] = policy["Statement"]
            assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
            assert set(statement["Action"]) == expected, doc
