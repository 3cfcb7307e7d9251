"""`fsx-webhook check --aws` against moto_server on 127.0.0.1, seeded with boto3."""
import os
import pathlib
import socket
import subprocess
import sys
import time

import pytest

boto3 = pytest.importorskip("boto3")

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("FSX_WEBHOOK_BIN", str(ROOT / ".build/debug/fsx-webhook"))
ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-west-2"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def moto():
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def network(moto):
    ec2 = boto3.client("ec2", endpoint_url=moto, region_name="us-west-2", **{
        "aws_access_key_id": "testing", "aws_secret_access_key": "testing"})
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-west-2b")["Subnet"]["SubnetId"]
    def group(name, rules):
        gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        if rules:
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=rules(gid))
        return gid
    self_988 = group("self", lambda g: [
        {"IpProtocol": "tcp", "FromPort": 988, "ToPort": 988, "UserIdGroupPairs": [{"GroupId": g}]},
        {"IpProtocol": "tcp", "FromPort": 1018, "ToPort": 1023, "UserIdGroupPairs": [{"GroupId": g}]}])
    cidr_988 = group("cidr", lambda g: [
        {"IpProtocol": "tcp", "FromPort": 988, "ToPort": 988, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]},
        {"IpProtocol": "tcp", "FromPort": 1018, "ToPort": 1023, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    closed = group("closed", None)
    return {"subnet": subnet, "self": self_988, "cidr": cidr_988, "closed": closed}


def check(tmp_path, moto, subnet, groups):
    config = tmp_path / "config.yaml"
    config.write_text(f"aws:\n  region: us-west-2\n  endpointURL: {moto}\n  lookupBudget: 2s\n")
    manifest = tmp_path / "sc.yaml"
    manifest.write_text(f"""apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {{name: fsx}}
provisioner: fsx.csi.aws.com
parameters:
  subnetId: {subnet}
  securityGroupIds: {groups}
  deploymentType: PERSISTENT_2
  perUnitStorageThroughput: "250"
  fileSystemTypeVersion: "2.15"
""")
    env = {**os.environ, **ENV}
    return subprocess.run([BIN, "check", "--aws", "--config", str(config), "-o", "json", str(manifest)],
                          capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.parametrize("which", ["self", "cidr"])
def test_988_from_itself_or_the_vpc_cidr_is_accepted(tmp_path, moto, network, which):
    result = check(tmp_path, moto, network["subnet"], network[which])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "aws-" not in result.stdout


def test_closed_group_is_denied_988(tmp_path, moto, network):
    result = check(tmp_path, moto, network["subnet"], network["closed"])
    assert result.returncode == 1
    assert "aws-sg-lustre-988" in result.stdout


def test_unknown_subnet_and_group_are_denied(tmp_path, moto, network):
    result = check(tmp_path, moto, "subnet-0123456789abcdef0", "sg-0123456789abcdef0")
    assert result.returncode == 1
    assert "aws-subnet-unknown" in result.stdout and "aws-sg-unknown" in result.stdout


def test_unreachable_aws_gives_aws_unverified(tmp_path, network):
    result = check(tmp_path, f"http://127.0.0.1:{free_port()}", network["subnet"], network["self"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "aws-unverified" in result.stdout
