"""`fsx-webhook check --aws` against moto_server on 127.0.0.1, seeded with boto3."""
import json
import os
import subprocess

import pytest

from conftest import BIN, CREDENTIALS as ENV, Moto, free_port

boto3 = pytest.importorskip("boto3")


@pytest.fixture(scope="module")
def moto():
    server = Moto()
    yield server.url
    server.stop()


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


JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: train
  namespace: ml
  labels: {fsx-webhook/inject: "true"}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: trainer, image: trainer:1}]
"""


def mutate(tmp_path, moto, file_system, placement="required"):
    config = tmp_path / "config.yaml"
    config.write_text(f"""aws:
  region: us-west-2
  endpointURL: {moto}
  lookupBudget: 2s
placement: {placement}
volumes:
  data:
    claimName: data
    mountPath: /data
    fileSystemId: {file_system}
defaultVolumes: [data]
""")
    job = tmp_path / "job.yaml"
    job.write_text(JOB)
    env = {**os.environ, **ENV}
    return subprocess.run([BIN, "mutate", "--aws", "--config", str(config), "-o", "json", str(job)],
                          capture_output=True, text=True, env=env, timeout=60)


def test_zone_discovered_for_a_job_from_the_file_systems_subnet(tmp_path, moto, network):
    fsx = boto3.client("fsx", endpoint_url=moto, region_name="us-west-2",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    system = fsx.create_file_system(FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=[network["subnet"]],
                                    SecurityGroupIds=[network["self"]],
                                    LustreConfiguration={"DeploymentType": "PERSISTENT_2", "PerUnitStorageThroughput": 250})
    result = mutate(tmp_path, moto, system["FileSystem"]["FileSystemId"])
    assert result.returncode == 0, result.stderr
    stored = json.loads(result.stdout)
    terms = stored["spec"]["template"]["spec"]["affinity"]["nodeAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert terms == [{"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In",
                                            "values": ["us-west-2b"]}]}]


def test_unknown_zone_denies_under_required_and_patches_without_placement_under_preferred(tmp_path, network):
    unreachable = f"http://127.0.0.1:{free_port()}"
    denied = mutate(tmp_path, unreachable, "fs-0123456789abcdef0")
    assert denied.returncode == 1 and "aws-zone-unknown" not in denied.stdout
    assert "zone of FSx volume data" in denied.stderr
    preferred = mutate(tmp_path, unreachable, "fs-0123456789abcdef0", placement="preferred")
    assert preferred.returncode == 0, preferred.stderr
    assert "affinity" not in json.loads(preferred.stdout)["spec"]["template"]["spec"]
    assert "volumes added without zone placement" in preferred.stderr


def test_web_identity_credentials_through_moto_sts(tmp_path, moto, network):
    token = tmp_path / "token"
    token.write_text("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZnN4In0.c2lnbmF0dXJl\n")
    config = tmp_path / "config.yaml"
    config.write_text(f"aws:\n  region: us-west-2\n  endpointURL: {moto}\n  lookupBudget: 2s\n")
    manifest = tmp_path / "sc.yaml"
    manifest.write_text(f"""apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {{name: fsx}}
provisioner: fsx.csi.aws.com
parameters: {{subnetId: {network["subnet"]}, securityGroupIds: {network["closed"]}, deploymentType: SCRATCH_2, fileSystemTypeVersion: "2.15"}}
""")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_REGION="us-west-2", AWS_WEB_IDENTITY_TOKEN_FILE=str(token),
               AWS_ROLE_ARN="arn:aws:iam::123456789012:role/fsx-webhook")
    result = subprocess.run([BIN, "check", "--aws", "--config", str(config), "-o", "json", str(manifest)],
                            capture_output=True, text=True, env=env, timeout=60)
    # The EC2 answer needs credentials from STS: the closed group is then judged, not unverified.
    assert result.returncode == 1, result.stdout + result.stderr
    assert "aws-sg-lustre-988" in result.stdout and "aws-unverified" not in result.stdout
