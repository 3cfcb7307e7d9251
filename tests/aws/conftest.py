"""Helpers of the AWS suite: moto_server on 127.0.0.1 seeded with boto3, certificates minted
per run, the built server started with an `aws:` configuration, and a fault proxy between the
server and moto that throttles, fails and slows answers on demand and counts every request."""
import base64
import datetime
import http.client
import http.server
import ipaddress
import json
import os
import pathlib
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.path.abspath(os.environ.get("FSX_WEBHOOK_BIN", str(ROOT / ".build/debug/fsx-webhook")))
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-west-2"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port} after {timeout} s")


class Moto:
    """A moto_server process of its own, so a test can stop it."""

    def __init__(self):
        self.port = free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        wait_for_port(self.port)

    def client(self, service):
        import boto3
        return boto3.client(service, endpoint_url=self.url, region_name="us-west-2",
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def seed(moto):
    """A VPC with a subnet in us-west-2b, the security groups every rule needs, a group of
    another VPC, and a Lustre file system in the subnet."""
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-west-2b")["Subnet"]["SubnetId"]
    other_vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]

    def group(name, ingress=None, egress=None, in_vpc=vpc):
        gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=in_vpc)["GroupId"]
        if ingress:
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=ingress(gid))
        if egress:
            ec2.authorize_security_group_egress(GroupId=gid, IpPermissions=egress(gid))
        return gid

    def lustre(source):
        return lambda g: [{"IpProtocol": "tcp", "FromPort": 988, "ToPort": 988, **source(g)},
                          {"IpProtocol": "tcp", "FromPort": 1018, "ToPort": 1023, **source(g)}]

    itself = lambda g: {"UserIdGroupPairs": [{"GroupId": g}]}  # noqa: E731
    all_within = lambda g: [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": g}]}]  # noqa: E731
    net = {
        "vpc": vpc, "subnet": subnet,
        "self": group("self", lustre(itself)),
        "cidr": group("cidr", lustre(lambda g: {"IpRanges": [{"CidrIp": "10.0.0.0/16"}]})),
        "only988": group("only988", lambda g: [{"IpProtocol": "tcp", "FromPort": 988, "ToPort": 988, **itself(g)}]),
        "closed": group("closed"),
        "efa": group("efa", all_within, all_within),
        "other_vpc": group("other", lustre(itself), in_vpc=other_vpc),
    }
    system = moto.client("fsx").create_file_system(
        FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=[subnet], SecurityGroupIds=[net["self"]],
        LustreConfiguration={"DeploymentType": "PERSISTENT_2", "PerUnitStorageThroughput": 250})
    net["fs"] = system["FileSystem"]["FileSystemId"]
    return net


# ---- certificates --------------------------------------------------------------------------

def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    """A CA and a serving certificate for 127.0.0.1, minted for this run only."""
    d = tmp_path_factory.mktemp("certs")
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("fsx-webhook aws-suite CA")).issuer_name(
        _name("fsx-webhook aws-suite CA")).public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (x509.CertificateBuilder().subject_name(_name("fsx-webhook")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    (d / "ca.crt").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (d / "server.crt").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (d / "server.key").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()))
    return d


# ---- the server ----------------------------------------------------------------------------

class Server:
    """`fsx-webhook serve` with `config` (YAML text), over TLS on 127.0.0.1."""

    def __init__(self, certs, tmp_path, config, env=None, wait_ready=True):
        self.certs = certs
        self.port, self.metrics_port = free_port(), free_port()
        (tmp_path / "config.yaml").write_text(config)
        self.log = open(tmp_path / f"server-{self.port}.log", "w+")
        environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        environment.update(env if env is not None else CREDENTIALS)
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [BIN, "serve", "--config", str(tmp_path / "config.yaml"), "--tls-cert-file", str(certs / "server.crt"),
             "--tls-private-key-file", str(certs / "server.key"), "--host", "127.0.0.1", "--port", str(self.port),
             "--metrics-port", str(self.metrics_port), "--log-level", "info"],
            stdout=self.log, stderr=subprocess.STDOUT, env=environment)
        if wait_ready:
            self.wait_ready()

    def readyz(self):
        try:
            answer = urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/readyz", timeout=1)
            return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except OSError:
            return None, ""

    def wait_ready(self, timeout=40):
        deadline = time.monotonic() + timeout
        while self.readyz()[0] != 200:
            assert self.proc.poll() is None, f"server exited: {self.logs()}"
            assert time.monotonic() < deadline, f"server not ready within {timeout} s: {self.logs()}"
            time.sleep(0.05)
        return time.monotonic() - self.started

    def logs(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def metric(self, name):
        text = urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5).read().decode()
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        raise KeyError(name)

    def violations(self):
        """fsx_webhook_violations_total of the aws- rules, summed over severities."""
        text = urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5).read().decode()
        counts = {}
        for line in text.splitlines():
            if line.startswith('fsx_webhook_violations_total{rule="aws-'):
                rule = line.split('"')[1]
                counts[rule] = counts.get(rule, 0) + float(line.split()[1])
        return counts

    def review(self, obj, endpoint=None):
        """POSTs an AdmissionReview for creating `obj` over TLS; returns (response, seconds):
        the time from the request's first byte to the whole answer, on a connection whose
        handshake is done. `response["rules"]` holds the aws- rule ids it reported (from the
        server's violation counters: the apiserver's response carries messages only)."""
        before = self.violations()
        group, _, version = obj["apiVersion"].rpartition("/")
        body = json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
            "uid": "2b4c6d8e-0000-4000-8000-000000000001", "kind": {"group": group, "version": version,
                                                                     "kind": obj["kind"]},
            "operation": "CREATE", "name": obj["metadata"].get("name", ""),
            "namespace": obj["metadata"].get("namespace", ""), "object": obj}}).encode()
        endpoint = endpoint or ("validate" if obj["kind"] == "StorageClass" else "mutate")
        context = ssl.create_default_context(cafile=str(self.certs / "ca.crt"))
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=context, timeout=30)
        connection.connect()
        started = time.perf_counter()
        connection.request("POST", f"/{endpoint}?timeout=10s", body=body, headers={"Content-Type": "application/json"})
        answer = connection.getresponse()
        data = answer.read()
        elapsed = time.perf_counter() - started
        connection.close()
        assert answer.status == 200, data
        after = self.violations()
        response = json.loads(data)["response"]
        response["rules"] = {rule for rule, count in after.items() if count > before.get(rule, 0)}
        return response, elapsed

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)
        self.log.close()


def rules(response):
    """The aws- rule ids a response reported."""
    return response["rules"]


def patch_of(response):
    return json.loads(base64.b64decode(response["patch"])) if "patch" in response else []


def storage_class(subnet, groups, name="fsx", efa=False):
    parameters = {"subnetId": subnet, "securityGroupIds": groups, "deploymentType": "PERSISTENT_2",
                  "perUnitStorageThroughput": "1000" if efa else "250", "fileSystemTypeVersion": "2.15"}
    if efa:
        parameters.update(metadataConfigurationMode="AUTOMATIC", efaEnabled="true")
    return {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": name},
            "provisioner": "fsx.csi.aws.com", "parameters": parameters}


JOB = {"apiVersion": "batch/v1", "kind": "Job",
       "metadata": {"name": "train", "namespace": "ml", "labels": {"fsx-webhook/inject": "true"}},
       "spec": {"template": {"spec": {"restartPolicy": "Never",
                                      "containers": [{"name": "trainer", "image": "trainer:1"}]}}}}


def config(endpoint, budget="1s", file_system=None, placement="required", ttl="10m"):
    text = f"aws:\n  region: us-west-2\n  endpointURL: {endpoint}\n  lookupBudget: {budget}\n  cacheTTL: {ttl}\n"
    if file_system:
        text += (f"placement: {placement}\nvolumes:\n  data:\n    claimName: data\n    mountPath: /data\n"
                 f"    fileSystemId: {file_system}\ndefaultVolumes: [data]\n")
    return text


# ---- the fault proxy -----------------------------------------------------------------------

class FaultProxy:
    """Forwards every request to `target` (moto), except the ones a fault is planned for:
    `throttle` (HTTP 400 ThrottlingException, in the service's own format), `unavailable`
    (HTTP 503), `slow:SECONDS` (forwarded after the pause). `plan` is consumed one request at
    a time; `default` applies once it is empty. Every request is recorded with its fault."""

    def __init__(self, target):
        self.target = target
        self.plan = []
        self.default = "pass"
        self.requests = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                target = self.headers.get("X-Amz-Target", "")
                if target:
                    service, action = "fsx", target.rsplit(".", 1)[-1]
                else:
                    form = dict(p.split("=", 1) for p in body.decode().split("&") if "=" in p)
                    service, action = ("sts" if "WebIdentity" in form.get("Action", "") else "ec2"), form.get(
                        "Action", "")
                with proxy.lock:
                    fault = proxy.plan.pop(0) if proxy.plan else proxy.default
                    proxy.requests.append((service, action, fault))
                if fault == "throttle":
                    if service == "fsx":
                        self.answer(400, b'{"__type":"ThrottlingException","message":"Rate exceeded"}',
                                    "application/x-amz-json-1.1")
                    else:
                        self.answer(400, b'<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>'
                                         b'ThrottlingException</Code><Message>Rate exceeded</Message></Error></Errors>'
                                         b'<RequestID>0</RequestID></Response>', "text/xml")
                    return
                if fault == "unavailable":
                    self.answer(503, b"Service Unavailable", "text/plain")
                    return
                if fault.startswith("slow:"):
                    time.sleep(float(fault[5:]))
                try:
                    upstream = http.client.HTTPConnection(proxy.target, timeout=30)
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
                    upstream.request("POST", self.path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    self.answer(answer.status, answer.read(), answer.getheader("Content-Type", "text/xml"))
                except OSError:
                    pass  # the client gave up (its deadline passed), or moto is stopped already

            def answer(self, status, body, content_type):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self, fault=None, service=None):
        with self.lock:
            return sum(1 for s, _, f in self.requests if (fault is None or f == fault)
                       and (service is None or s == service))

    def reset(self, plan=(), default="pass"):
        with self.lock:
            self.plan, self.default, self.requests = list(plan), default, []

    def close(self):
        self.server.shutdown()
        self.server.server_close()
