"""values.schema.json rejects bad values before anything reaches a cluster,
with a message that names the field and what is wrong. The messages are
printed so that CI logs show what a user would see."""

from __future__ import annotations

import json

import helm_python as helm
import pytest

from conftest import CHART, SCHEMA_MESSAGES, TEST_CA_PEM, b64, render_raw

# (case, values, fragments the message must contain)
BAD_VALUES = [
    ("negative replicas", {"replicas": -1}, ["/replicas", "minimum"]),
    ("zero replicas", {"replicas": 0}, ["/replicas", "minimum"]),
    ("replicas as a string", {"replicas": "two"}, ["/replicas", "integer"]),
    ("unknown tls mode", {"tls": {"mode": "bogus"}}, ["/tls/mode", "helm", "cert-manager", "secret"]),
    ("unknown enforcement", {"config": {"validation": {"enforcement": "audit"}}}, ["enforcement", "deny", "warn"]),
    ("unknown rule setting", {"config": {"validation": {"rules": {"s3-on-p2": "ignore"}}}}, ["s3-on-p2"]),
    ("rule setting true", {"config": {"validation": {"rules": {"s3-on-p2": True}}}}, ["s3-on-p2"]),
    ("latency budget over 1", {"metrics": {"prometheusRule": {"latencyBudgetRatio": 2}}}, ["latencyBudgetRatio"]),
    ("CIDR that is not one", {"networkPolicy": {"webhookFromCIDRs": ["10.0.0.0"]}}, ["webhookFromCIDRs"]),
    ("hostNetwork as a string", {"hostNetwork": "yes"}, ["hostNetwork"]),
    ("unknown helm test key", {"helmTest": {"image": "x"}}, ["helmTest"]),
    ("unknown failure policy", {"mutating": {"failurePolicy": "Maybe"}}, ["/mutating/failurePolicy", "Fail", "Ignore"]),
    ("validating failure policy in lower case", {"validating": {"storageClasses": {"failurePolicy": "fail"}}}, ["/validating/storageClasses/failurePolicy"]),
    ("timeout above the API server's 30 s", {"webhook": {"timeoutSeconds": 60}}, ["/webhook/timeoutSeconds", "maximum"]),
    ("timeout of zero", {"mutating": {"timeoutSeconds": 0}}, ["/mutating/timeoutSeconds", "minimum"]),
    ("secret mode without a secret", {"tls": {"mode": "secret"}}, ["/tls/secretName", "/tls/caBundle"]),
    ("secret mode with a raw PEM caBundle", {"tls": {"mode": "secret", "secretName": "x", "caBundle": "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n"}}, ["/tls/caBundle", "pattern"]),
    ("misspelt top-level key", {"replica": 2}, ["additional properties", "replica"]),
    ("misspelt nested key", {"webhook": {"timeoutSecond": 5}}, ["/webhook", "timeoutSecond"]),
    ("webhook domain with one label", {"webhook": {"domain": "local"}}, ["/webhook/domain", "pattern"]),
    ("port out of range", {"server": {"port": 70000}}, ["/server/port", "maximum"]),
    ("unknown log format", {"server": {"logFormat": "xml"}}, ["/server/logFormat", "json", "text"]),
    ("opt-in label value that is not a string", {"mutating": {"optInLabel": {"value": True}}}, ["/mutating/optInLabel/value", "string"]),
    ("workload without a resource", {"mutating": {"workloads": {"foo": {"enabled": True, "apiGroup": "x.io", "apiVersion": "v1"}}}}, ["/mutating/workloads/foo", "resource"]),
    ("config with an unknown key", {"config": {"volume": {}}}, ["/config", "volume"]),
    ("config volume without claimName and a relative mountPath", {"config": {"volumes": {"data": {"mountPath": "data"}}}}, ["/config/volumes/data", "claimName", "mountPath"]),
    ("config with an unknown placement", {"config": {"placement": "always"}}, ["/config/placement", "required", "preferred", "none"]),
    ("body memory limit below what one 7 MiB review needs", {"server": {"bodyMemoryLimitMiB": 10}}, ["/server/bodyMemoryLimitMiB", "minimum"]),
    ("http2 as a string", {"server": {"http2": "yes"}}, ["/server/http2", "boolean"]),
    ("client CA with a misspelt key", {"server": {"clientCA": {"secret": "ca"}}}, ["/server/clientCA", "secret"]),
    ("cert-manager duration that is not a Go duration", {"tls": {"mode": "cert-manager", "certManager": {"duration": "90 days"}}}, ["/tls/certManager/duration"]),
]


@pytest.mark.parametrize("case,values,fragments", BAD_VALUES, ids=[c[0] for c in BAD_VALUES])
def test_bad_values_are_rejected_with_a_clear_message(case, values, fragments):
    with helm.Chart.load(CHART) as chart:
        with pytest.raises(helm.HelmValuesError) as caught:
            chart.validate_schema(values)
    message = str(caught.value)
    print(f"\n{case}: {values}\n  -> {message.strip()}")
    SCHEMA_MESSAGES.append((f"{case} {json.dumps(values)[:100]}", message))
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from: {message}"
    # The install path (rendering) refuses the same values.
    with pytest.raises(helm.HelmValuesError):
        render_raw(values)


GOOD_VALUES = [
    ("defaults", {}),
    ("single replica", {"replicas": 1}),
    ("longest timeout the API server allows", {"webhook": {"timeoutSeconds": 30}}),
    ("secret mode", {"tls": {"mode": "secret", "secretName": "webhook-tls", "caBundle": b64(TEST_CA_PEM)}}),
    ("cert-manager with a ClusterIssuer", {"tls": {"mode": "cert-manager", "certManager": {"issuerRef": {"name": "ca", "kind": "ClusterIssuer"}}}}),
    ("a new workload kind", {"mutating": {"workloads": {"notebooks": {"enabled": True, "apiGroup": "kubeflow.org", "apiVersion": "v1", "resource": "notebooks"}}}}),
    ("PDB as a percentage", {"podDisruptionBudget": {"minAvailable": "50%"}}),
    ("HTTP/2, a larger body budget and mTLS", {"server": {"http2": True, "bodyMemoryLimitMiB": 512, "clientCA": {"secretName": "apiserver-client-ca"}}}),
]


@pytest.mark.parametrize("case,values", GOOD_VALUES, ids=[c[0] for c in GOOD_VALUES])
def test_good_values_are_accepted(case, values):
    with helm.Chart.load(CHART) as chart:
        chart.validate_schema(values)
    assert render_raw(values)


def test_template_guard_explains_secret_mode_when_the_schema_is_skipped():
    """`--skip-schema-validation` must not turn a missing Secret name into pods stuck ContainerCreating."""
    with helm.Chart.load(CHART) as chart:
        schema = chart.schema
    assert schema is not None and schema["additionalProperties"] is False
    # Render the templates on their own (the schema is what the SDK checks
    # first), by loading a copy of the chart without its schema.
    import pathlib
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        copy = pathlib.Path(tmp) / "fsx-webhook"
        shutil.copytree(CHART, copy)
        (copy / "values.schema.json").unlink()
        with helm.Chart.load(copy) as chart:
            with pytest.raises(helm.HelmRenderError) as caught:
                chart.render({"tls": {"mode": "secret", "caBundle": b64(TEST_CA_PEM)}}, name="fsx", namespace="fsx-system")
    print(f"\n{caught.value}")
    SCHEMA_MESSAGES.append(("secret mode without tls.secretName, schema skipped (template guard)", str(caught.value)))
    assert "tls.mode=secret needs tls.secretName" in str(caught.value)
