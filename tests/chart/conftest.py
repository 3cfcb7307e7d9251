"""Shared helpers: render the chart with Helm's own engine (helm-python-sdk
binds Helm's Go library, so templates, Sprig functions and values.schema.json
behave exactly as under `helm install`) and parse what comes out."""

from __future__ import annotations

import base64
import copy
import json
import pathlib
from functools import lru_cache
from typing import Any

import helm_python as helm
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

REPO = pathlib.Path(__file__).resolve().parents[2]
CHART = REPO / "charts" / "fsx-webhook"
BUILD = REPO / ".build-chart"


def render_raw(values: dict[str, Any] | None = None, *, name: str = "fsx", namespace: str = "fsx-system") -> dict[str, str]:
    """Rendered templates by path, as `helm template` would print them."""
    with helm.Chart.load(CHART) as chart:
        return chart.render(copy.deepcopy(values or {}), name=name, namespace=namespace, is_install=True)


def parse_manifests(rendered: dict[str, str]) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for path, text in sorted(rendered.items()):
        if path.endswith("NOTES.txt"):
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                objects.append(doc)
    return objects


class Release:
    """One rendered release: the objects, indexed by kind and name."""

    def __init__(self, values: dict[str, Any] | None, name: str, namespace: str):
        self.values = copy.deepcopy(values or {})
        self.name = name
        self.namespace = namespace
        self.raw = render_raw(self.values, name=name, namespace=namespace)
        self.objects = parse_manifests(self.raw)
        with helm.Chart.load(CHART) as chart:
            self.merged = chart.merge_values(copy.deepcopy(self.values))

    @property
    def notes(self) -> str:
        return next(text for path, text in self.raw.items() if path.endswith("NOTES.txt"))

    def all(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.objects if o["kind"] == kind]

    def one(self, kind: str) -> dict[str, Any]:
        found = self.all(kind)
        assert len(found) == 1, f"expected exactly one {kind}, got {[o['metadata']['name'] for o in found]}"
        return found[0]

    def get(self, kind: str, name: str) -> dict[str, Any]:
        found = [o for o in self.all(kind) if o["metadata"]["name"] == name]
        assert found, f"no {kind} named {name}; have {[(o['kind'], o['metadata']['name']) for o in self.objects]}"
        return found[0]

    @property
    def deployment(self) -> dict[str, Any]:
        return self.one("Deployment")

    @property
    def pod(self) -> dict[str, Any]:
        return self.deployment["spec"]["template"]["spec"]

    @property
    def container(self) -> dict[str, Any]:
        containers = self.pod["containers"]
        assert len(containers) == 1
        return containers[0]

    def webhooks(self) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
        """(configuration kind, configuration, webhook) for every webhook."""
        out = []
        for kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
            for cfg in self.all(kind):
                for hook in cfg["webhooks"]:
                    out.append((kind, cfg, hook))
        return out


@lru_cache(maxsize=None)
def _cached(values_json: str, name: str, namespace: str) -> Release:
    return Release(json.loads(values_json), name, namespace)


def release(values: dict[str, Any] | None = None, *, name: str = "fsx", namespace: str = "fsx-system") -> Release:
    """Render once per distinct input; tests must not mutate the result."""
    return _cached(json.dumps(values or {}, sort_keys=True), name, namespace)


def load_cert(pem: str | bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode() if isinstance(pem, str) else pem)


def dns_sans(cert: x509.Certificate) -> list[str]:
    return cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def make_test_ca() -> tuple[bytes, bytes]:
    """A throwaway CA made in memory for the secret-mode renders (nothing is committed)."""
    import datetime

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fsx-webhook test CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM), key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


TEST_CA_PEM, _ = make_test_ca()


# The three TLS modes, each with its own release name and namespace so that
# nothing passes by accident because a default happens to match.
MODES: dict[str, tuple[dict[str, Any], str, str]] = {
    "helm": ({}, "fsx", "fsx-system"),
    "cert-manager": ({"tls": {"mode": "cert-manager"}}, "ml-webhook", "platform"),
    "cert-manager-issuer": (
        {"tls": {"mode": "cert-manager", "certManager": {"issuerRef": {"name": "corp-ca", "kind": "ClusterIssuer", "group": "cert-manager.io"}}}},
        "fsx-webhook",
        "webhooks",
    ),
    "secret": (
        {"tls": {"mode": "secret", "secretName": "my-webhook-tls", "caBundle": b64(TEST_CA_PEM)}},
        "admission",
        "infra",
    ),
}

# Everything switched on and moved away from its default, to catch values that
# the templates ignore.
CUSTOM_VALUES: dict[str, Any] = {
    "fullnameOverride": "fsx-adm",
    "replicas": 3,
    "server": {"port": 10443, "metricsPort": 19090, "logLevel": "debug", "logFormat": "text", "extraArgs": ["--example-extra-flag"]},
    "service": {"port": 8443},
    "webhook": {
        "domain": "fsx.platform.corp.internal", "timeoutSeconds": 8, "excludedNamespaces": ["kube-system", "karpenter"],
        "labels": {"policy.example.com/tier": "platform"}, "annotations": {"argocd.argoproj.io/sync-wave": "-1"},
    },
    "validating": {"persistentVolumes": {"failurePolicy": "Fail", "timeoutSeconds": 3}},
    "mutating": {"failurePolicy": "Ignore", "workloads": {k: {"enabled": True} for k in
                 ["cronjobs", "jobsets", "pytorchjobs", "tfjobs", "mpijobs", "rayjobs", "rayclusters", "pods"]}},
    "metrics": {
        "serviceMonitor": {"enabled": True, "labels": {"release": "kube-prometheus-stack"}},
        "prometheusRule": {"enabled": True, "labels": {"release": "kube-prometheus-stack"}, "alertLabels": {"team": "ml-platform"}},
        "grafanaDashboard": {"enabled": True, "annotations": {"grafana_folder": "FSx"}},
    },
    "networkPolicy": {"enabled": True, "webhookFromCIDRs": ["10.0.0.0/16"], "metricsFromNamespace": "monitoring"},
    "admissionPolicies": {"enabled": True},
    "hostNetwork": True,
    "image": {"repository": "123456789012.dkr.ecr.us-west-2.amazonaws.com/fsx-webhook", "digest": "sha256:" + "ab" * 32},
    "imagePullSecrets": ["regcred"],
    "priorityClassName": "platform-critical",
    "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"}],
    "nodeSelector": {"kubernetes.io/os": "linux"},
}


def all_releases() -> dict[str, Release]:
    out = {mode: release(v, name=n, namespace=ns) for mode, (v, n, ns) in MODES.items()}
    out["custom"] = release(CUSTOM_VALUES, name="prod", namespace="ml-platform")
    out["config"] = release(values_config(), name="fsx", namespace="fsx-system")
    out["aws"] = release(AWS_VALUES, name="fsx", namespace="fsx-system")
    return out


# The server checking StorageClasses against AWS and placing Jobs in their file system's
# zone, with IRSA credentials (tests/chart/test_aws.py).
AWS_VALUES: dict[str, Any] = {
    "serviceAccount": {"awsRoleArn": "arn:aws:iam::123456789012:role/fsx-webhook"},
    "config": {
        "aws": {"region": "us-west-2", "cacheTTL": "10m", "lookupBudget": "500ms"},
        "volumes": {
            "training-data": {"claimName": "training-data", "mountPath": "/data", "fileSystemId": "fs-0123456789abcdef0"},
        },
        "defaultVolumes": ["training-data"],
        "placement": "required",
    },
}


def values_config() -> dict[str, Any]:
    return yaml.safe_load((pathlib.Path(__file__).parent / "values-config.yaml").read_text())


# A skipped test checks nothing, so CI must not report it as a pass.
_SKIPPED: list[str] = []

# Messages a user would see for rejected values; shown at the end of every run
# (pytest hides the output of passing tests) so the CI log shows them.
SCHEMA_MESSAGES: list[tuple[str, str]] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _SKIPPED.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _SKIPPED and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if SCHEMA_MESSAGES:
        terminalreporter.section("values rejected by values.schema.json (what helm install prints)")
        for case, message in SCHEMA_MESSAGES:
            terminalreporter.write_line(f"{case}:")
            for line in message.strip().splitlines():
                terminalreporter.write_line(f"    {line}")
    if _SKIPPED:
        terminalreporter.write_line(f"FAILED: {len(_SKIPPED)} test(s) skipped; every chart test must run: {', '.join(_SKIPPED)}", red=True)
