"""Fixtures of the attack suite: certificates minted per run, the built server started per
test, its memory and CPU read from /proc, and a normal review timed during each attack.

FSX_WEBHOOK_BIN names the binary (default .build/debug/fsx-webhook);
FSX_ATTACK_REPORT, when set, is where the per-attack table is written (Markdown).
"""

import datetime
import http.client
import json
import os
import pathlib
import socket
import ssl
import subprocess
import threading
import time
import urllib.request

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.path.abspath(os.environ.get("FSX_WEBHOOK_BIN", str(ROOT / ".build" / "debug" / "fsx-webhook")))
MIB = 1024 * 1024
# The chart's memory limit: no attack may take the process past it.
RSS_LIMIT = 256 * MIB

REVIEW = {
    "apiVersion": "admission.k8s.io/v1",
    "kind": "AdmissionReview",
    "request": {
        "uid": "0f5c1d2e-3b4a-4c5d-8e9f-a0b1c2d3e4f5",
        "kind": {"group": "storage.k8s.io", "version": "v1", "kind": "StorageClass"},
        "operation": "CREATE",
        "name": "fsx",
        "object": {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {"name": "fsx"},
            "provisioner": "fsx.csi.aws.com",
            "parameters": {
                "subnetId": "subnet-0123456789abcdef0",
                "securityGroupIds": "sg-0123456789abcdef0",
                "deploymentType": "PERSISTENT_2",
                "perUnitStorageThroughput": "250",
                "fileSystemTypeVersion": "2.15",
            },
        },
    },
}
REVIEW_BYTES = json.dumps(REVIEW).encode()


def big_review(size):
    """A valid AdmissionReview of exactly `size` bytes (an annotation carries the padding)."""
    review = json.loads(REVIEW_BYTES)
    review["request"]["object"]["metadata"]["annotations"] = {"pad": ""}
    base = len(json.dumps(review).encode())
    review["request"]["object"]["metadata"]["annotations"]["pad"] = "x" * (size - base)
    body = json.dumps(review).encode()
    assert len(body) == size
    return body


# ---- certificates -------------------------------------------------------------------------

def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _ca(cn):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn)).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _leaf(ca_key, ca_cert, cn, server):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(ca_cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=False)
    )
    if server:
        import ipaddress
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
    return key, builder.sign(ca_key, hashes.SHA256())


def _write(path, key, cert):
    path.with_suffix(".crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    if key is not None:
        path.with_suffix(".key").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    """Serving CA and certificate, a client CA with a client certificate, and a second CA
    with a client certificate the server must refuse; minted for this run only."""
    d = tmp_path_factory.mktemp("certs")
    ca_key, ca = _ca("fsx-webhook attack-suite CA")
    _write(d / "ca", None, ca)
    _write(d / "server", *_leaf(ca_key, ca, "fsx-webhook", True))
    client_ca_key, client_ca = _ca("apiserver client CA")
    _write(d / "client-ca", None, client_ca)
    _write(d / "client", *_leaf(client_ca_key, client_ca, "kube-apiserver", False))
    other_key, other = _ca("someone else's CA")
    _write(d / "intruder", *_leaf(other_key, other, "intruder", False))
    return d


# ---- the server ----------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid, field):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(field)


def cpu_seconds(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, certs, extra):
        self.certs = certs
        self.port = free_port()
        self.metrics_port = free_port()
        self.log = open(certs / f"server-{self.port}.log", "w+")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--tls-cert-file", str(certs / "server.crt"), "--tls-private-key-file",
             str(certs / "server.key"), "--host", "127.0.0.1", "--port", str(self.port), "--metrics-port",
             str(self.metrics_port), "--log-level", "warning", *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/readyz", timeout=1).status == 200:
                    break
            except OSError:
                pass
            assert self.proc.poll() is None, f"server exited: {self.logs()}"
            assert time.monotonic() < deadline, "server not ready within 30 s"
            time.sleep(0.05)

    @property
    def pid(self):
        return self.proc.pid

    def logs(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def peak_rss(self):
        return proc_status(self.pid, "VmHWM")

    def rss(self):
        return proc_status(self.pid, "VmRSS")

    def cpu(self):
        return cpu_seconds(self.pid)

    def metric(self, name):
        text = urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5).read().decode()
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        raise KeyError(name)

    def tls_context(self, alpn=("http/1.1",), client=None):
        ctx = ssl.create_default_context(cafile=str(self.certs / "ca.crt"))
        ctx.set_alpn_protocols(list(alpn))
        if client:
            ctx.load_cert_chain(str(self.certs / f"{client}.crt"), str(self.certs / f"{client}.key"))
        return ctx

    def tls_socket(self, alpn=("http/1.1",), client=None, timeout=10, receive_buffer=None):
        """A TLS connection; `receive_buffer` shrinks the client's socket receive buffer (set
        before connecting, so the TCP window is small from the start)."""
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer:
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        raw.settimeout(timeout)
        raw.connect(("127.0.0.1", self.port))
        return self.tls_context(alpn, client).wrap_socket(raw, server_hostname="localhost")

    def review(self, body=REVIEW_BYTES, client=None, timeout=10):
        """One review over a new HTTP/1.1 connection: (status, headers, body, seconds)."""
        started = time.monotonic()
        conn = http.client.HTTPSConnection(
            "localhost", self.port, context=self.tls_context(client=client), timeout=timeout)
        try:
            conn.request("POST", "/validate", body=body, headers={"content-type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            return response.status, dict(response.getheaders()), data, time.monotonic() - started
        finally:
            conn.close()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture
def serve(certs):
    started = []

    def start(*extra):
        server = Server(certs, extra)
        started.append(server)
        return server

    yield start
    for server in started:
        assert server.proc.poll() is None, f"server died during the test: {server.logs()[-2000:]}"
        server.stop()


# ---- attacks with a normal review beside them ----------------------------------------------

ROWS = []


class Probe:
    """Sends a normal review every `every` seconds on new connections while the attack
    runs; records each status and latency."""

    def __init__(self, server, every=0.25):
        self.server, self.every = server, every
        self.results = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stopping.is_set():
            try:
                status, _, _, seconds = self.server.review(timeout=15)
            except OSError as error:
                status, seconds = repr(error), 15.0
            self.results.append((status, seconds))
            self.stopping.wait(self.every)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join(30)


def run_attack(server, name, reaction, attack, cpu_limit, rss_limit=RSS_LIMIT):
    """Runs `attack()` (which returns what the server did, checked by the caller) with a
    probe beside it; then checks peak RSS, server CPU and a normal review after, and
    records the row for the report."""
    cpu_before = server.cpu()
    started = time.monotonic()
    with Probe(server) as probe:
        outcome = attack()
        # At least one normal review must have been tried during the attack.
        while not probe.results:
            time.sleep(0.05)
    wall = time.monotonic() - started
    cpu = server.cpu() - cpu_before
    peak = server.peak_rss()
    statuses = [status for status, _ in probe.results]
    worst = max(seconds for _, seconds in probe.results)
    status_after, _, _, after = server.review()
    ROWS.append({
        "attack": name, "reaction": reaction, "peak_rss_mib": round(peak / MIB, 1),
        "review_during_ms": round(worst * 1000, 1), "reviews_during": len(statuses),
        "review_after_ms": round(after * 1000, 1), "server_cpu_s": round(cpu, 2), "wall_s": round(wall, 1),
    })
    assert all(status == 200 for status in statuses), f"normal reviews during the attack: {statuses}"
    assert status_after == 200
    assert peak <= rss_limit, f"peak RSS {peak / MIB:.0f} MiB"
    assert cpu <= cpu_limit, f"server CPU {cpu:.2f} s over {wall:.1f} s (limit {cpu_limit} s)"
    return outcome


def pytest_terminal_summary(terminalreporter):
    if not ROWS:
        return
    lines = [
        "| attack | reaction | peak RSS | normal review during (worst of n) | after | server CPU / wall |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in ROWS:
        lines.append(
            f"| {r['attack']} | {r['reaction']} | {r['peak_rss_mib']} MiB | {r['review_during_ms']} ms "
            f"(n={r['reviews_during']}) | {r['review_after_ms']} ms | {r['server_cpu_s']} s / {r['wall_s']} s |")
    terminalreporter.write_line("\n".join(["", f"attack suite against {BIN}"] + lines))
    report = os.environ.get("FSX_ATTACK_REPORT")
    if report:
        pathlib.Path(report).write_text("\n".join(lines) + "\n")
