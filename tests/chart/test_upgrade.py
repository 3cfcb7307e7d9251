"""helm mode keeps its certificate across `helm upgrade`.

The chart reads the existing TLS Secret back with `lookup`. That needs a
cluster, so these tests render through Helm's cluster-aware path against a
minimal Kubernetes API served on 127.0.0.1 by this file: discovery for the
core group and GET of one Secret, which is all `lookup` asks for."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import helm_python as helm
import pytest
import yaml

from conftest import CHART, dns_sans, load_cert, make_test_ca

NAMESPACE = "fsx-system"
RELEASE = "fsx"
SECRET = "fsx-fsx-webhook-tls"


class FakeAPI:
    def __init__(self):
        self.secrets: dict[tuple[str, str], dict] = {}
        self.requests: list[str] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, code, body):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                path = self.path.split("?")[0]
                api.requests.append(path)
                parts = path.strip("/").split("/")
                if path == "/version":
                    return self.reply(200, {"major": "1", "minor": "30", "gitVersion": "v1.30.0"})
                if path == "/api":
                    return self.reply(200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []})
                if path == "/apis":
                    return self.reply(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": []})
                if path == "/api/v1":
                    return self.reply(200, {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                        {"name": "secrets", "singularName": "secret", "namespaced": True, "kind": "Secret", "verbs": ["get", "list"]}]})
                if len(parts) == 6 and parts[:3] == ["api", "v1", "namespaces"] and parts[4] == "secrets":
                    found = api.secrets.get((parts[3], parts[5]))
                    if found:
                        return self.reply(200, found)
                return self.reply(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404, "message": f"{path} not found"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def kubeconfig(self) -> str:
        host, port = self.server.server_address
        return yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config", "current-context": "fake",
            "clusters": [{"name": "fake", "cluster": {"server": f"http://{host}:{port}"}}],
            "users": [{"name": "fake", "user": {"token": "not-a-secret"}}],
            "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "fake", "namespace": NAMESPACE}}],
        })

    def render(self, *, upgrade: bool) -> dict[str, dict]:
        cfg = helm.Config(kubeconfig_content=self.kubeconfig, namespace=NAMESPACE)
        try:
            with helm.Chart.load(CHART) as chart:
                out = cfg.render(chart, {}, name=RELEASE, namespace=NAMESPACE, is_upgrade=upgrade, is_install=not upgrade)
        finally:
            cfg.close()
        objects = {}
        for path, text in out.items():
            if path.endswith(".yaml"):
                for doc in yaml.safe_load_all(text):
                    if doc:
                        objects[f"{doc['kind']}/{doc['metadata']['name']}"] = doc
        return objects


def _ca_bundles(objects):
    return {hook["clientConfig"]["caBundle"] for key, o in objects.items() if key.startswith(("Validating", "Mutating")) for hook in o["webhooks"]}


@pytest.fixture
def api():
    with FakeAPI() as fake:
        yield fake


def test_upgrade_reuses_the_existing_certificate_and_ca(api):
    first = api.render(upgrade=False)
    secret = first[f"Secret/{SECRET}"]
    assert api.requests, "lookup never reached the API"
    # What `helm install` stored is what the cluster now has.
    api.secrets[(NAMESPACE, SECRET)] = secret
    second = api.render(upgrade=True)
    assert second[f"Secret/{SECRET}"]["data"] == secret["data"]
    assert _ca_bundles(second) == {secret["data"]["ca.crt"]}
    assert f"/api/v1/namespaces/{NAMESPACE}/secrets/{SECRET}" in api.requests


def test_upgrade_keeps_a_certificate_it_did_not_make(api):
    # A pair put there by hand (e.g. from certs/make-certs.sh) is kept too.
    ca_pem, ca_key = make_test_ca()
    data = {"ca.crt": ca_pem, "tls.crt": ca_pem, "tls.key": ca_key}
    api.secrets[(NAMESPACE, SECRET)] = {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
                                        "metadata": {"name": SECRET, "namespace": NAMESPACE},
                                        "data": {k: base64.b64encode(v).decode() for k, v in data.items()}}
    out = api.render(upgrade=True)
    assert base64.b64decode(out[f"Secret/{SECRET}"]["data"]["ca.crt"]) == ca_pem
    assert _ca_bundles(out) == {base64.b64encode(ca_pem).decode()}


def test_an_incomplete_secret_is_replaced_by_a_new_pair(api):
    api.secrets[(NAMESPACE, SECRET)] = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": SECRET, "namespace": NAMESPACE},
                                        "data": {"tls.crt": base64.b64encode(b"half").decode()}}
    out = api.render(upgrade=True)
    data = out[f"Secret/{SECRET}"]["data"]
    cert = load_cert(base64.b64decode(data["tls.crt"]))
    cert.verify_directly_issued_by(load_cert(base64.b64decode(data["ca.crt"])))
    assert f"fsx-fsx-webhook.{NAMESPACE}.svc" in dns_sans(cert)


def test_offline_render_cannot_look_up_and_generates_a_fresh_pair():
    """Documented behaviour of `helm template`: a new pair on every render."""
    with helm.Chart.load(CHART) as chart:
        a = chart.render({}, name=RELEASE, namespace=NAMESPACE)
        b = chart.render({}, name=RELEASE, namespace=NAMESPACE)
    key = "fsx-webhook/templates/secret.yaml"
    ca_a = yaml.safe_load(a[key])["data"]["ca.crt"]
    ca_b = yaml.safe_load(b[key])["data"]["ca.crt"]
    assert ca_a != ca_b
