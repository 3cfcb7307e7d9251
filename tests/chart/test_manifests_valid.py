"""Every object the chart renders, in every TLS mode and with every option on,
is a valid object of the Kubernetes API (strict: unknown fields fail)."""

from __future__ import annotations

import jsonschema
import kubernetes_validate
import pytest

from conftest import all_releases
from crd_schemas import BY_KIND

# 1.30 is the chart's kubeVersion floor; 1.34 a current EKS version.
KUBERNETES_VERSIONS = ["1.30.0", "1.34.0"]
RELEASES = all_releases()


@pytest.mark.parametrize("kube_version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("case", sorted(RELEASES))
def test_every_rendered_object_is_valid_for_the_api(case, kube_version):
    rel = RELEASES[case]
    assert rel.objects, "nothing rendered"
    checked = []
    for obj in rel.objects:
        key = (obj["apiVersion"], obj["kind"])
        where = f"{obj['kind']}/{obj['metadata']['name']}"
        if key in BY_KIND:
            try:
                jsonschema.validate(obj, BY_KIND[key])
            except jsonschema.ValidationError as err:
                pytest.fail(f"{case}: {where} does not match the {key[1]} CRD schema: {err.message} at {list(err.absolute_path)}")
        else:
            try:
                kubernetes_validate.validate(obj, kube_version, strict=True)
            except kubernetes_validate.ValidationError as err:
                pytest.fail(f"{case}: {where} is not valid Kubernetes {kube_version}: {err.message} at {list(err.absolute_path)}")
        checked.append(where)
    print(f"{case} @ {kube_version}: {len(checked)} objects valid: {', '.join(checked)}")


def test_validator_rejects_an_unknown_field():
    """Guards the check above: strict mode must fail on a misplaced field."""
    obj = RELEASES["helm"].one("ValidatingWebhookConfiguration")
    broken = {**obj, "webhooks": [{**obj["webhooks"][0], "timeoutSecond": 5}]}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[0], strict=True)


def test_crd_schema_rejects_a_misplaced_field():
    cert = RELEASES["cert-manager"].all("Certificate")[0]
    broken = {**cert, "spec": {**cert["spec"], "dnsName": ["x"]}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, BY_KIND[("cert-manager.io/v1", "Certificate")])


@pytest.mark.parametrize("case", sorted(RELEASES))
def test_every_namespaced_object_is_in_the_release_namespace(case):
    rel = RELEASES[case]
    cluster_scoped = {
        "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    }
    for obj in rel.objects:
        if obj["kind"] in cluster_scoped:
            assert "namespace" not in obj["metadata"], obj["kind"]
        else:
            assert obj["metadata"]["namespace"] == rel.namespace, f"{obj['kind']}/{obj['metadata']['name']}"
