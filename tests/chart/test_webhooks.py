"""The webhook configurations: wiring to the Service, the settings the API
server relies on, rules and selectors."""

from __future__ import annotations

import json
import pathlib
import re

import pytest

from conftest import CUSTOM_VALUES, all_releases, release

RELEASES = all_releases()
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def _port_arg(container, flag):
    args = container["args"]
    return int(args[args.index(flag) + 1])


@pytest.mark.parametrize("case", sorted(RELEASES))
def test_webhooks_reach_the_server_through_the_service(case):
    """clientConfig -> Service port -> targetPort name -> containerPort -> --port flag."""
    rel = RELEASES[case]
    svc = rel.one("Service")
    hooks = rel.webhooks()
    assert hooks
    for kind, _, hook in hooks:
        ref = hook["clientConfig"]["service"]
        assert ref["name"] == svc["metadata"]["name"]
        assert ref["namespace"] == rel.namespace
        assert "url" not in hook["clientConfig"]
        assert ref["path"] == ("/validate" if kind.startswith("Validating") else "/mutate")
        [svc_port] = [p for p in svc["spec"]["ports"] if p["port"] == ref["port"]]
        assert svc_port["port"] == rel.merged["service"]["port"]
        [cport] = [p for p in rel.container["ports"] if p["name"] == svc_port["targetPort"]]
        assert cport["containerPort"] == _port_arg(rel.container, "--port") == rel.merged["server"]["port"]
    # The Service selects exactly the pods of the Deployment.
    pod_labels = rel.deployment["spec"]["template"]["metadata"]["labels"]
    assert svc["spec"]["selector"].items() <= pod_labels.items()
    assert svc["spec"]["selector"] == rel.deployment["spec"]["selector"]["matchLabels"]


@pytest.mark.parametrize("case", sorted(RELEASES))
def test_webhook_settings_the_api_server_relies_on(case):
    rel = RELEASES[case]
    names = []
    for kind, _, hook in rel.webhooks():
        names.append(hook["name"])
        assert hook["admissionReviewVersions"] == ["v1"]
        # None is what lets `kubectl apply --dry-run=server` reach the webhook.
        assert hook["sideEffects"] == "None"
        assert hook["matchPolicy"] == "Equivalent"
        assert 1 <= hook["timeoutSeconds"] <= 30
        assert hook["failurePolicy"] in ("Fail", "Ignore")
        # The API server wants fully qualified names: three or more labels.
        assert DNS_SUBDOMAIN.match(hook["name"]) and hook["name"].count(".") >= 2, hook["name"]
        assert hook["name"].endswith("." + rel.merged["webhook"]["domain"])
        if kind.startswith("Mutating"):
            assert hook["reinvocationPolicy"] == "IfNeeded"
        else:
            assert "reinvocationPolicy" not in hook
    assert len(names) == len(set(names)), names


def test_defaults_fail_closed_for_storageclasses_volumes_and_jobs():
    rel = RELEASES["helm"]
    by_name = {hook["name"]: hook for _, _, hook in rel.webhooks()}
    domain = rel.merged["webhook"]["domain"]
    assert by_name[f"storageclasses.validate.{domain}"]["failurePolicy"] == "Fail"
    # matchConditions send only FSx PVs, so Fail blocks no other driver's volumes.
    assert by_name[f"persistentvolumes.validate.{domain}"]["failurePolicy"] == "Fail"
    assert by_name[f"persistentvolumes.validate.{domain}"]["matchConditions"]
    assert by_name[f"workloads.mutate.{domain}"]["failurePolicy"] == "Fail"
    for hook in by_name.values():
        assert hook["timeoutSeconds"] == rel.merged["webhook"]["timeoutSeconds"] <= 10


def test_per_webhook_values_override_the_shared_ones():
    rel = RELEASES["custom"]
    domain = CUSTOM_VALUES["webhook"]["domain"]
    by_name = {hook["name"]: hook for _, _, hook in rel.webhooks()}
    pv = by_name[f"persistentvolumes.validate.{domain}"]
    assert pv["failurePolicy"] == "Fail" and pv["timeoutSeconds"] == 3
    assert by_name[f"storageclasses.validate.{domain}"]["timeoutSeconds"] == 8
    assert by_name[f"workloads.mutate.{domain}"]["failurePolicy"] == "Ignore"
    assert by_name[f"workloads.mutate.{domain}"]["timeoutSeconds"] == 8


def test_validating_webhook_covers_storageclasses_persistentvolumes_and_volumeattributesclasses():
    cfg = RELEASES["helm"].one("ValidatingWebhookConfiguration")
    rules = {}
    for hook in cfg["webhooks"]:
        # Cluster-scoped kinds: a namespaceSelector would be meaningless, and
        # the provisioner is not a label an objectSelector could match.
        assert "namespaceSelector" not in hook
        assert "objectSelector" not in hook
        for rule in hook["rules"]:
            for res in rule["resources"]:
                rules[res] = rule
    assert set(rules) == {"storageclasses", "persistentvolumes", "volumeattributesclasses"}
    assert rules["storageclasses"]["apiGroups"] == ["storage.k8s.io"]
    assert rules["persistentvolumes"]["apiGroups"] == [""]
    assert rules["volumeattributesclasses"]["apiGroups"] == ["storage.k8s.io"]
    # GA in 1.34, served as v1beta1 (v1alpha1 before 1.31) on older clusters.
    assert rules["volumeattributesclasses"]["apiVersions"] == ["v1", "v1beta1", "v1alpha1"]
    for resource, rule in rules.items():
        if resource != "volumeattributesclasses":
            assert rule["apiVersions"] == ["v1"]
        assert sorted(rule["operations"]) == ["CREATE", "UPDATE"]
        assert rule["scope"] == "Cluster"
    by_name = {hook["name"]: hook for hook in cfg["webhooks"]}
    vac = [hook for name, hook in by_name.items() if name.startswith("volumeattributesclasses.validate.")]
    assert len(vac) == 1
    # The check only warns: an outage must not block other drivers' classes.
    assert vac[0]["failurePolicy"] == "Ignore"
    assert vac[0]["clientConfig"]["service"]["path"] == "/validate"


def test_volumeattributesclasses_webhook_can_be_turned_off():
    rel = release({"validating": {"volumeAttributesClasses": {"enabled": False}}})
    cfg = rel.one("ValidatingWebhookConfiguration")
    assert [h["name"].split(".")[0] for h in cfg["webhooks"]] == ["storageclasses", "persistentvolumes"]


@pytest.mark.parametrize("case", ["helm", "cert-manager", "secret", "custom"])
def test_mutating_webhook_selects_opted_in_jobs_outside_system_namespaces(case):
    rel = RELEASES[case]
    [hook] = rel.one("MutatingWebhookConfiguration")["webhooks"]
    assert hook["objectSelector"] == {"matchLabels": {"fsx-webhook/inject": "true"}}
    [expr] = hook["namespaceSelector"]["matchExpressions"]
    assert expr["key"] == "kubernetes.io/metadata.name"
    assert expr["operator"] == "NotIn"
    assert "kube-system" in expr["values"]
    assert rel.namespace in expr["values"]
    assert set(rel.merged["webhook"]["excludedNamespaces"]) <= set(expr["values"])
    assert len(expr["values"]) == len(set(expr["values"]))
    jobs = [r for r in hook["rules"] if r["resources"] == ["jobs"]]
    assert jobs == [{"apiGroups": ["batch"], "apiVersions": ["v1"], "resources": ["jobs"], "operations": ["CREATE"], "scope": "Namespaced"}]


def test_only_jobs_are_mutated_by_default():
    [hook] = RELEASES["helm"].one("MutatingWebhookConfiguration")["webhooks"]
    assert [r["resources"] for r in hook["rules"]] == [["jobs"]]


def test_each_enabled_workload_kind_becomes_one_create_rule():
    [hook] = RELEASES["custom"].one("MutatingWebhookConfiguration")["webhooks"]
    got = {(r["apiGroups"][0], v, r["resources"][0]) for r in hook["rules"] for v in r["apiVersions"]}
    assert got == {
        ("batch", "v1", "jobs"),
        ("batch", "v1", "cronjobs"),
        ("jobset.x-k8s.io", "v1alpha2", "jobsets"),
        ("kubeflow.org", "v1", "pytorchjobs"),
        ("kubeflow.org", "v1", "tfjobs"),
        ("kubeflow.org", "v2beta1", "mpijobs"),
        ("kubeflow.org", "v1", "mpijobs"),
        ("ray.io", "v1", "rayjobs"),
        ("ray.io", "v1", "rayclusters"),
        ("", "v1", "pods"),
    }
    assert all(r["operations"] == ["CREATE"] and r["scope"] == "Namespaced" for r in hook["rules"])
    [expr] = hook["namespaceSelector"]["matchExpressions"]
    assert sorted(expr["values"]) == ["karpenter", "kube-system", "ml-platform"]


def test_every_workload_kind_the_server_mutates_has_a_chart_rule():
    """The golden reviews hold one case per kind the server mutates, each with the
    resource the apiserver sends: the chart must offer exactly those rules."""
    golden = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "FSXCoreTests" / "Fixtures" / "golden"
    served = set()
    for case in golden.iterdir():
        request = json.loads((case / "request.json").read_text())["request"]
        if request["kind"]["kind"] in ("StorageClass", "PersistentVolume"):
            continue
        r = request["resource"]
        served.add((r["group"], r["version"], r["resource"]))
    workloads = RELEASES["helm"].merged["mutating"]["workloads"]
    offered = {
        (w["apiGroup"], version, w["resource"])
        for w in workloads.values()
        for version in (w["apiVersion"] if isinstance(w["apiVersion"], list) else [w["apiVersion"]])
    }
    assert served == offered


def test_webhooks_can_be_switched_off():
    rel = release({"mutating": {"workloads": {"jobs": {"enabled": False}}}, "validating": {"persistentVolumes": {"enabled": False}}})
    assert rel.all("MutatingWebhookConfiguration") == []
    [cfg] = rel.all("ValidatingWebhookConfiguration")
    assert [h["rules"][0]["resources"] for h in cfg["webhooks"]] == [["storageclasses"], ["volumeattributesclasses"]]
    rel = release({"validating": {"enabled": False}, "mutating": {"enabled": False}})
    assert rel.all("ValidatingWebhookConfiguration") == [] and rel.all("MutatingWebhookConfiguration") == []
