"""Availability and security of the webhook pods."""

from __future__ import annotations

import pytest

from conftest import CUSTOM_VALUES, all_releases, release

RELEASES = all_releases()
CASES = sorted(RELEASES)


@pytest.mark.parametrize("case", CASES)
def test_container_runs_serve_with_the_contract_flags(case):
    rel = RELEASES[case]
    m = rel.merged["server"]
    expected = [
        "serve",
        "--config", "/etc/fsx-webhook/config.yaml",
        "--tls-cert-file", "/etc/fsx-webhook/tls/tls.crt",
        "--tls-private-key-file", "/etc/fsx-webhook/tls/tls.key",
        "--port", str(m["port"]),
        "--metrics-port", str(m["metricsPort"]),
        "--log-level", m["logLevel"],
        "--log-format", m["logFormat"],
        "--max-connections", str(m["maxConnections"]),
        "--body-memory-limit", str(m["bodyMemoryLimitMiB"]),
    ] + (["--http2"] if m["http2"] else []) + (
        ["--client-ca-file", f"/etc/fsx-webhook/client-ca/{m['clientCA']['key']}"] if m["clientCA"]["secretName"] else []
    ) + m["extraArgs"]
    assert rel.container["args"] == expected
    # The image's ENTRYPOINT is the binary; the chart only supplies arguments.
    assert "command" not in rel.container


def test_server_protection_values_become_flags_and_a_mounted_client_ca():
    default = RELEASES["helm"]
    assert "--http2" not in default.container["args"]
    assert "--client-ca-file" not in default.container["args"]
    assert default.container["args"][default.container["args"].index("--body-memory-limit") + 1] == "128"
    assert not any(v["name"] == "client-ca" for v in default.pod["volumes"])

    rel = release({"server": {"http2": True, "bodyMemoryLimitMiB": 64,
                              "clientCA": {"secretName": "apiserver-client-ca", "key": "ca.pem"}}})
    args = rel.container["args"]
    assert "--http2" in args
    assert args[args.index("--body-memory-limit") + 1] == "64"
    assert args[args.index("--client-ca-file") + 1] == "/etc/fsx-webhook/client-ca/ca.pem"
    volume = next(v for v in rel.pod["volumes"] if v["name"] == "client-ca")
    assert volume["secret"]["secretName"] == "apiserver-client-ca"
    mount = next(m for m in rel.container["volumeMounts"] if m["name"] == "client-ca")
    # A directory, never subPath: the kubelet updates it in place and the server re-reads it.
    assert mount["mountPath"] == "/etc/fsx-webhook/client-ca" and "subPath" not in mount


def test_image_reference_uses_tag_or_digest():
    assert RELEASES["helm"].container["image"] == "fsx-webhook:0.1.0"
    img = CUSTOM_VALUES["image"]
    assert RELEASES["custom"].container["image"] == f"{img['repository']}@{img['digest']}"
    assert release({"image": {"repository": "r.example/x", "tag": "1.2.3"}}).container["image"] == "r.example/x:1.2.3"


@pytest.mark.parametrize("case", CASES)
def test_pods_are_locked_down(case):
    rel = RELEASES[case]
    pod, c = rel.pod, rel.container
    assert pod["automountServiceAccountToken"] is False
    psc = pod["securityContext"]
    assert psc["runAsNonRoot"] is True
    assert psc["runAsUser"] != 0
    assert psc["seccompProfile"] == {"type": "RuntimeDefault"}
    sc = c["securityContext"]
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["runAsNonRoot"] is True
    assert sc["capabilities"] == {"drop": ["ALL"]}
    assert sc["seccompProfile"] == {"type": "RuntimeDefault"}
    assert "privileged" not in sc or sc["privileged"] is False
    # hostNetwork only when asked for (the custom release does: control planes that
    # cannot reach pod IPs); never the host's PIDs.
    assert bool(pod.get("hostNetwork")) == bool(rel.merged.get("hostNetwork")) and not pod.get("hostPID")
    # The read-only root still needs somewhere to write temporary files.
    assert any(m["mountPath"] == "/tmp" for m in c["volumeMounts"])


@pytest.mark.parametrize("case", CASES)
def test_service_account_has_no_token(case):
    rel = RELEASES[case]
    sa = rel.one("ServiceAccount")
    assert sa["automountServiceAccountToken"] is False
    assert rel.pod["serviceAccountName"] == sa["metadata"]["name"]
    # The server calls no API: nothing to grant.
    assert not rel.all("Role") and not rel.all("ClusterRole") and not rel.all("RoleBinding") and not rel.all("ClusterRoleBinding")


@pytest.mark.parametrize("case", CASES)
def test_probes_use_the_plain_http_metrics_port(case):
    rel = RELEASES[case]
    c = rel.container
    metrics_port = rel.merged["server"]["metricsPort"]
    [named] = [p for p in c["ports"] if p["name"] == "metrics"]
    assert named["containerPort"] == metrics_port
    args = c["args"]
    assert int(args[args.index("--metrics-port") + 1]) == metrics_port
    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        get = c[probe]["httpGet"]
        assert get["path"] == path
        assert get["port"] in ("metrics", metrics_port)
        assert get.get("scheme", "HTTP") == "HTTP"


@pytest.mark.parametrize("case", CASES)
def test_resources_have_requests_and_limits(case):
    res = RELEASES[case].container["resources"]
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(res[kind]), kind


def test_two_replicas_spread_over_nodes_and_zones_with_a_pdb():
    rel = RELEASES["helm"]
    dep = rel.deployment
    assert dep["spec"]["replicas"] == 2
    assert dep["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    pod_labels = dep["spec"]["template"]["metadata"]["labels"]
    spread = {t["topologyKey"]: t for t in rel.pod["topologySpreadConstraints"]}
    assert set(spread) == {"kubernetes.io/hostname", "topology.kubernetes.io/zone"}
    assert spread["kubernetes.io/hostname"]["whenUnsatisfiable"] == "DoNotSchedule"
    for t in spread.values():
        assert t["maxSkew"] == 1
        assert t["labelSelector"]["matchLabels"].items() <= pod_labels.items()
    pdb = rel.one("PodDisruptionBudget")
    assert pdb["spec"]["minAvailable"] == 1
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert pdb["spec"]["selector"]["matchLabels"] == dep["spec"]["selector"]["matchLabels"]


def test_replica_count_follows_values():
    assert RELEASES["custom"].deployment["spec"]["replicas"] == 3
    assert RELEASES["custom"].one("PodDisruptionBudget")["spec"]["minAvailable"] == 1


def test_single_replica_gets_no_pdb_that_would_block_drains():
    rel = release({"replicas": 1})
    assert rel.deployment["spec"]["replicas"] == 1
    assert rel.all("PodDisruptionBudget") == []


def test_pre_stop_wait_keeps_a_terminating_pod_answering():
    c = RELEASES["helm"].container
    # The kubelet's own sleep: the distroless image has no shell and no sleep binary.
    assert c["lifecycle"]["preStop"] == {"sleep": {"seconds": 5}}
    assert RELEASES["helm"].pod["terminationGracePeriodSeconds"] > 5
    assert "lifecycle" not in release({"server": {"preStopSleepSeconds": 0}}).container


def test_scheduling_options_reach_the_pod():
    pod = RELEASES["custom"].pod
    assert pod["priorityClassName"] == "platform-critical"
    assert RELEASES["helm"].pod["priorityClassName"] == "system-cluster-critical"
    assert "priorityClassName" not in release({"priorityClassName": ""}).pod
    assert pod["tolerations"] == CUSTOM_VALUES["tolerations"]
    assert pod["nodeSelector"] == CUSTOM_VALUES["nodeSelector"]
    assert pod["imagePullSecrets"] == [{"name": "regcred"}]


def test_service_monitor_scrapes_the_metrics_port_when_enabled():
    assert RELEASES["helm"].all("ServiceMonitor") == []
    rel = RELEASES["custom"]
    sm = rel.one("ServiceMonitor")
    assert sm["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    [ep] = sm["spec"]["endpoints"]
    assert ep["port"] == "metrics" and ep["path"] == "/metrics"
    svc = rel.one("Service")
    assert any(p["name"] == "metrics" and p["port"] == CUSTOM_VALUES["server"]["metricsPort"] for p in svc["spec"]["ports"])
    assert sm["spec"]["selector"]["matchLabels"].items() <= svc["metadata"]["labels"].items()


def test_notes_tell_the_user_how_to_try_it():
    notes = RELEASES["helm"].notes
    assert "kubectl apply --dry-run=server -f examples/broken/storageclass-mistakes.yaml" in notes
    assert "examples/manifests/training-job.yaml" in notes
    assert 'fsx-webhook/inject: "true"' in notes
    assert "rollout status deployment/fsx-fsx-webhook" in notes
    # With a real image and volumes configured, the warnings go away.
    notes = RELEASES["custom"].notes
    assert "placeholder" not in notes
