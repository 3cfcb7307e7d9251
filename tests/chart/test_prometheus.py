"""The PrometheusRule and the Grafana dashboard: checked by promtool (Debian's
prometheus package) with a unit test per alert, and every expression limited
to metrics the server really exports."""

from __future__ import annotations

import json
import pathlib
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import REPO, release

HERE = pathlib.Path(__file__).parent
ALERTS = {
    "FSxWebhookDown", "FSxWebhookReplicasUnavailable", "FSxWebhookErrors", "FSxWebhookLatencyHigh",
    "FSxWebhookCertificateExpiringSoon", "FSxWebhookCertificateReloadFailing", "FSxWebhookConnectionsRefused",
}
ENABLED = {"metrics": {"prometheusRule": {"enabled": True}, "grafanaDashboard": {"enabled": True}}}


def exported_metrics() -> set[str]:
    """Metric names the server writes on /metrics (ServerMetrics' `# TYPE` lines)."""
    text = (REPO / "Sources/FSXServer/Operations/ServerMetrics.swift").read_text()
    names = set(re.findall(r"# TYPE (fsx_webhook_[a-z_]+) ", text))
    histograms = set(re.findall(r"# TYPE (fsx_webhook_[a-z_]+) histogram", text))
    for name in histograms:
        names |= {name + "_bucket", name + "_sum", name + "_count"}
    assert "fsx_webhook_violations_total" in names and "fsx_webhook_build_info" in names
    return names


# Metrics that are not fsx-webhook's: `up` (Prometheus, per scrape) and the
# kube-state-metrics pair of FSxWebhookReplicasUnavailable.
FOREIGN = {"up", "kube_deployment_status_replicas_available", "kube_deployment_spec_replicas"}
PROMQL_WORDS = {
    "sum", "by", "min", "max", "rate", "increase", "histogram_quantile", "absent", "time", "count", "sort_desc",
    "le", "without", "on", "and", "or", "unless",
}


def metric_names(expr: str) -> set[str]:
    stripped = re.sub(r'"[^"]*"', '""', expr)
    stripped = re.sub(r"\{[^}]*\}", "{}", stripped)
    stripped = re.sub(r"\[[^\]]*\]", "[]", stripped)
    stripped = re.sub(r"\b(by|without)\s*\([^)]*\)", "", stripped)
    words = set(re.findall(r"[a-zA-Z_][a-zA-Z0-9_]*", stripped))
    return {w for w in words if w not in PROMQL_WORDS and not w.startswith("__")}


def rules_spec(values=None, name="fsx-webhook", namespace="fsx-system"):
    rel = release(values or ENABLED, name=name, namespace=namespace)
    return rel.one("PrometheusRule")["spec"]


def promtool(*args, cwd):
    tool = shutil.which("promtool")
    assert tool, "promtool not found: apt-get install prometheus (scripts/test-chart.sh does it when run as root)"
    return subprocess.run([tool, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_nothing_is_rendered_by_default():
    rel = release()
    assert rel.all("PrometheusRule") == []
    assert [o for o in rel.all("ConfigMap") if o["metadata"]["name"].endswith("-dashboard")] == []


def test_rule_has_every_alert_and_only_exported_metrics():
    spec = rules_spec()
    alerts = {r["alert"]: r for g in spec["groups"] for r in g["rules"]}
    assert set(alerts) == ALERTS
    allowed = exported_metrics() | FOREIGN
    for name, rule in alerts.items():
        used = metric_names(rule["expr"])
        assert used, name
        assert used <= allowed, f"{name} uses {used - allowed}"
        assert rule["labels"]["severity"] in ("critical", "warning")
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]


def test_kube_state_metrics_alert_can_be_left_out():
    spec = rules_spec({"metrics": {"prometheusRule": {"enabled": True, "kubeStateMetrics": False}}})
    alerts = {r["alert"] for g in spec["groups"] for r in g["rules"]}
    assert alerts == ALERTS - {"FSxWebhookReplicasUnavailable"}


def test_thresholds_and_selector_follow_the_values():
    spec = rules_spec({
        "webhook": {"timeoutSeconds": 10},
        "metrics": {"prometheusRule": {
            "enabled": True, "latencyBudgetRatio": 0.3, "certificateExpiryDays": 30, "errorRatio": 0.2,
            "selector": 'job="webhooks",cluster="prod"', "alertLabels": {"team": "ml-platform"}}},
    })
    alerts = {r["alert"]: r for g in spec["groups"] for r in g["rules"]}
    assert alerts["FSxWebhookLatencyHigh"]["expr"].rstrip().endswith("> 3")
    assert "< 2592000" in alerts["FSxWebhookCertificateExpiringSoon"]["expr"]
    assert alerts["FSxWebhookErrors"]["expr"].rstrip().endswith("> 0.2")
    assert 'up{job="webhooks",cluster="prod"}' in alerts["FSxWebhookDown"]["expr"]
    assert all(r["labels"]["team"] == "ml-platform" for r in alerts.values())


def write_rules(tmp_path, spec):
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    shutil.copy(HERE / "prometheus" / "alerts-test.yaml", tmp_path / "alerts-test.yaml")


def test_promtool_checks_the_rendered_rules(tmp_path):
    write_rules(tmp_path, rules_spec())
    result = promtool("check", "rules", "rules.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(ALERTS)} rules found" in result.stdout + result.stderr


def test_promtool_unit_tests_every_alert(tmp_path):
    write_rules(tmp_path, rules_spec())
    tested = set(re.findall(r"alertname: (\w+)", (HERE / "prometheus" / "alerts-test.yaml").read_text()))
    assert tested == ALERTS
    result = promtool("test", "rules", "alerts-test.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    print(result.stdout)


def test_promtool_unit_tests_can_fail(tmp_path):
    """Guards the test above: a rule with another threshold must fail its unit test."""
    spec = rules_spec({"metrics": {"prometheusRule": {"enabled": True, "certificateExpiryDays": 5}}})
    write_rules(tmp_path, spec)
    result = promtool("test", "rules", "alerts-test.yaml", cwd=tmp_path)
    assert result.returncode != 0
    assert "FSxWebhookCertificateExpiringSoon" in result.stdout + result.stderr


def dashboard(values=None, name="fsx-webhook", namespace="fsx-system"):
    rel = release(values or ENABLED, name=name, namespace=namespace)
    maps = [o for o in rel.all("ConfigMap") if o["metadata"]["name"].endswith("-dashboard")]
    assert len(maps) == 1
    return maps[0]


def dashboard_queries(board):
    return [t["expr"] for p in board["panels"] for t in p["targets"]]


def test_dashboard_is_labelled_for_the_grafana_sidecar():
    cm = dashboard({"metrics": {"grafanaDashboard": {"enabled": True, "annotations": {"grafana_folder": "FSx"}}}})
    assert cm["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert cm["metadata"]["annotations"] == {"grafana_folder": "FSx"}
    board = json.loads(cm["data"]["fsx-webhook.json"])
    assert board["uid"] == "fsx-webhook"
    titles = {p["title"] for p in board["panels"]}
    for wanted in ("Requests by outcome", "Review latency (server side)", "Violations by rule", "Certificate expires in", "Connections"):
        assert wanted in titles
    other = dashboard({"metrics": {"grafanaDashboard": {"enabled": True, "namespace": "monitoring"}}})
    assert other["metadata"]["namespace"] == "monitoring"


def test_every_dashboard_query_uses_only_exported_metrics():
    board = json.loads(dashboard()["data"]["fsx-webhook.json"])
    exported = exported_metrics()
    queries = dashboard_queries(board)
    assert len(queries) >= 10
    used = set()
    for query in queries:
        names = metric_names(query)
        assert names and names <= exported, f"{query}: {names - exported}"
        used |= names
    # The panels the dashboard promises: outcomes, latency, violations, expiry, connections.
    for name in ("fsx_webhook_requests_total", "fsx_webhook_request_duration_seconds_bucket",
                 "fsx_webhook_violations_total", "fsx_webhook_certificate_expiry_timestamp_seconds",
                 "fsx_webhook_open_connections", "fsx_webhook_connections_refused_total"):
        assert name in used


@pytest.mark.parametrize("query", dashboard_queries(json.loads((REPO / "charts/fsx-webhook/dashboards/fsx-webhook.json").read_text())))
def test_every_dashboard_query_parses_with_promtool(query, tmp_path):
    expr = query.replace("$namespace", ".*").replace("$__range", "1h")
    rule = {"groups": [{"name": "q", "rules": [{"record": "dashboard:query", "expr": expr}]}]}
    (tmp_path / "q.yaml").write_text(yaml.safe_dump(rule))
    result = promtool("check", "rules", "q.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
