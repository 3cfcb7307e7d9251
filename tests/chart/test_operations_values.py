"""The day-two values: NetworkPolicy, hostNetwork, priority, labels and
annotations on the webhook configurations, Chart.yaml metadata, the `helm test`
probe Pod, and the enforcement settings of the configuration."""

from __future__ import annotations

import base64

import pytest
import yaml

from conftest import CHART, CUSTOM_VALUES, MODES, release

RELEASES = {"helm": release(), "custom": release(CUSTOM_VALUES, name="prod", namespace="ml-platform")}


def test_network_policy_is_off_by_default_and_open_to_the_webhook_port():
    assert RELEASES["helm"].all("NetworkPolicy") == []
    policy = release({"networkPolicy": {"enabled": True}}).one("NetworkPolicy")
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    assert policy["spec"]["ingress"] == [{"ports": [{"port": 8443, "protocol": "TCP"}]}]


def test_network_policy_limits_sources_when_told():
    policy = RELEASES["custom"].one("NetworkPolicy")
    webhook, metrics = policy["spec"]["ingress"]
    assert webhook["ports"] == [{"port": 10443, "protocol": "TCP"}]
    assert {"ipBlock": {"cidr": "10.0.0.0/16"}} in webhook["from"]
    # The release's own `helm test` probe still reaches the webhook.
    probe = [f for f in webhook["from"] if "podSelector" in f][0]["podSelector"]["matchLabels"]
    assert probe["app.kubernetes.io/component"] == "probe"
    assert metrics == {
        "ports": [{"port": 19090, "protocol": "TCP"}],
        "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
    }
    assert policy["spec"]["podSelector"]["matchLabels"] == RELEASES["custom"].deployment["spec"]["selector"]["matchLabels"]


def test_host_network_serves_on_the_configured_node_ports():
    assert "hostNetwork" not in RELEASES["helm"].pod
    pod = RELEASES["custom"].pod
    assert pod["hostNetwork"] is True
    assert pod["dnsPolicy"] == "ClusterFirstWithHostNet"
    ports = {p["name"]: p["containerPort"] for p in pod["containers"][0]["ports"]}
    assert ports == {"https": 10443, "metrics": 19090}


def test_webhook_configurations_carry_extra_labels_and_annotations():
    for kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
        cfg = RELEASES["custom"].one(kind)
        assert cfg["metadata"]["labels"]["policy.example.com/tier"] == "platform"
        assert cfg["metadata"]["labels"]["app.kubernetes.io/name"] == "fsx-webhook"
        assert cfg["metadata"]["annotations"] == {"argocd.argoproj.io/sync-wave": "-1"}
        assert "annotations" not in RELEASES["helm"].one(kind)["metadata"]
    cm = release({"tls": {"mode": "cert-manager"}, "webhook": {"annotations": {"a": "b"}}})
    annotations = cm.one("ValidatingWebhookConfiguration")["metadata"]["annotations"]
    assert annotations["a"] == "b" and "cert-manager.io/inject-ca-from" in annotations


def test_chart_metadata():
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["kubeVersion"] == ">=1.30.0-0"
    assert chart["home"].startswith("https://example.com/")
    assert all(s.startswith("https://example.com/") for s in chart["sources"])
    assert chart["maintainers"][0]["name"]
    assert chart["annotations"]["artifacthub.io/category"] == "security"
    yaml.safe_load(chart["annotations"]["artifacthub.io/links"])


def probe_objects(rel):
    return [o for o in rel.objects if o["metadata"].get("annotations", {}).get("helm.sh/hook") == "test"]


@pytest.mark.parametrize("mode", sorted(MODES))
def test_helm_test_pod_probes_the_service_with_the_ca(mode):
    values, name, namespace = MODES[mode]
    rel = release(values, name=name, namespace=namespace)
    pods = [o for o in probe_objects(rel) if o["kind"] == "Pod"]
    assert len(pods) == 1
    pod = pods[0]["spec"]
    assert pod["restartPolicy"] == "Never"
    assert pod["automountServiceAccountToken"] is False
    args = pod["containers"][0]["args"]
    service = rel.one("Service")
    assert args[:3] == ["probe", "--url", f"https://{service['metadata']['name']}.{namespace}.svc:443/validate"]
    assert args[3:5] == ["--ca-file", "/etc/fsx-webhook/ca/ca.crt"]
    assert pod["containers"][0]["image"] == rel.container["image"]
    volume = pod["volumes"][0]
    if mode == "secret":
        cm = [o for o in probe_objects(rel) if o["kind"] == "ConfigMap"][0]
        assert volume["configMap"]["name"] == cm["metadata"]["name"]
        assert cm["data"]["ca.crt"].strip() == base64.b64decode(values["tls"]["caBundle"]).decode().strip()
    else:
        assert volume["secret"]["secretName"] == rel.pod["volumes"][1]["secret"]["secretName"]
        assert volume["secret"]["items"] == [{"key": "ca.crt", "path": "ca.crt"}]


def test_helm_test_pod_can_be_left_out():
    assert probe_objects(release({"helmTest": {"enabled": False}})) == []


def test_enforcement_settings_reach_the_configuration():
    config = {"validation": {"enforcement": "warn", "rules": {"throughput-values": "warn", "s3-on-p2": False}}}
    rel = release({"config": config})
    rendered = yaml.safe_load(rel.one("ConfigMap")["data"]["config.yaml"])
    assert rendered["validation"] == config["validation"]
