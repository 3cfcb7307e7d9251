"""A real Prometheus server (Debian's prometheus package) scraping a running
fsx-webhook: after a few reviews, every query of the Grafana dashboard returns
data, and the violation counter holds the denied rule. (The alerts are checked
by promtool in tests/chart/test_prometheus.py.)

usage: FSX_WEBHOOK_BIN=.build/debug/fsx-webhook python3 -m pytest tests/monitoring
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import socket
import ssl
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
DASHBOARD = REPO / "charts/fsx-webhook/dashboards/fsx-webhook.json"
BIN = os.path.abspath(os.environ.get("FSX_WEBHOOK_BIN", str(REPO / ".build/debug/fsx-webhook")))
SEED_CLASS = {
    "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fsx-lustre-persistent"},
    "provisioner": "fsx.csi.aws.com",
    "parameters": {"subnetId": "subnet-0123456789abcdef0", "securityGroupIds": "sg-0123456789abcdef0",
                   "deploymentType": "PERSISTENT_2", "perUnitStorageThroughput": "250",
                   "s3ImportPath": "s3://ml-training-data", "fileSystemTypeVersion": "2.15"},
}
GOOD_CLASS = {
    "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fsx-scratch"},
    "provisioner": "fsx.csi.aws.com",
    "parameters": {"subnetId": "subnet-0123456789abcdef0", "securityGroupIds": "sg-0123456789abcdef0",
                   "deploymentType": "SCRATCH_2"},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def review(uid, obj):
    return json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
        "uid": uid, "kind": {"group": "storage.k8s.io", "version": "v1", "kind": "StorageClass"},
        "operation": "CREATE", "name": obj["metadata"]["name"], "object": obj}}).encode()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    prometheus = shutil.which("prometheus")
    assert prometheus, "prometheus not found: apt-get install prometheus (.ci/run does)"
    assert os.access(BIN, os.X_OK), f"{BIN} not built: swift build first"
    tmp = tmp_path_factory.mktemp("monitoring")
    port, metrics_port, prom_port = free_port(), free_port(), free_port()
    ca = tmp / "ca.pem"
    webhook = subprocess.Popen(
        [BIN, "serve", "--host", "127.0.0.1", "--port", str(port), "--metrics-port", str(metrics_port),
         "--dev-ca-file", str(ca), "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    (tmp / "prometheus.yml").write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        "scrape_configs:\n"
        "  - job_name: fsx-webhook\n"
        "    static_configs:\n"
        f"      - targets: ['127.0.0.1:{metrics_port}']\n"
        "        labels: {namespace: fsx-system, pod: fsx-webhook-0}\n")
    server = subprocess.Popen(
        [prometheus, f"--config.file={tmp / 'prometheus.yml'}", f"--storage.tsdb.path={tmp / 'data'}",
         f"--web.listen-address=127.0.0.1:{prom_port}"],
        stdout=subprocess.DEVNULL, stderr=(tmp / "prometheus.log").open("w"))
    try:
        wait_for("fsx-webhook", lambda: ca.exists() and urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/readyz").status == 200)
        base = f"http://127.0.0.1:{prom_port}"

        def query(expr):
            url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
            with urllib.request.urlopen(url, timeout=10) as reply:
                body = json.load(reply)
            assert body["status"] == "success", body
            return body["data"]["result"]

        # Counters must move after the first scrape for rate() to see them.
        wait_for("a first scrape", lambda: query('up{job="fsx-webhook"} == 1'))
        context = ssl.create_default_context(cafile=str(ca))
        for index in range(5):
            for obj in (SEED_CLASS, GOOD_CLASS):
                request = urllib.request.Request(
                    f"https://localhost:{port}/validate", data=review(f"u-{index}-{obj['metadata']['name']}", obj),
                    headers={"Content-Type": "application/json"}, method="POST")
                with urllib.request.urlopen(request, context=context, timeout=10) as reply:
                    assert reply.status == 200
        start = time.monotonic()
        wait_for("the reviews in Prometheus", lambda: query('sum(fsx_webhook_requests_total{outcome="denied"}) >= 5'))
        time.sleep(max(0.0, 3.0 - (time.monotonic() - start)))
        yield query
    finally:
        server.terminate()
        webhook.terminate()
        server.wait(timeout=20)
        webhook.wait(timeout=20)


def dashboard_queries():
    board = json.loads(DASHBOARD.read_text())
    return [(p["title"], t["expr"]) for p in board["panels"] for t in p["targets"]]


@pytest.mark.parametrize("title, expr", dashboard_queries(), ids=[f"{t}: {e[:60]}" for t, e in dashboard_queries()])
def test_every_dashboard_query_returns_data(stack, title, expr):
    concrete = expr.replace("$namespace", ".*").replace("$__range", "1m")
    result = stack(concrete)
    assert result, f"{title}: {concrete} returned no data"


def test_violations_show_the_denied_rule(stack):
    result = stack('sum by (rule, severity) (fsx_webhook_violations_total{severity="deny"}) > 0')
    assert {(r["metric"]["rule"], r["metric"]["severity"]) for r in result} == {("s3-on-p2", "deny")}
    assert float(result[0]["value"][1]) == 5
