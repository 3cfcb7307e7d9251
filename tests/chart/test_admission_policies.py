"""`admissionPolicies.enabled` installs the StorageClass ValidatingAdmissionPolicies: exactly
the documents `fsx-webhook policy --config <the release's config>` prints, for the default
configuration and for configurations that move, drop, soften or add rules. The binary is the
one .ci/run built (FSX_WEBHOOK_BIN, else .build/debug/fsx-webhook); its CEL is checked
against the webhook's decisions in tests/policy."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess

import pytest
import yaml

from conftest import REPO, release

BIN = os.path.abspath(os.environ.get("FSX_WEBHOOK_BIN", str(REPO / ".build" / "debug" / "fsx-webhook")))
KINDS = ("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding")

CONFIGS = {
    "default": {},
    "overrides": {
        "validation": {
            "unknownParameters": "deny",
            # `off` as Helm's toYaml writes it, and as a string.
            "rules": {"sg-count": "deny", "throughput-values": "warn", "kms-alias": False, "lustre-version-default": "off"},
        }
    },
    "enforcement-warn": {"validation": {"enforcement": "warn"}},
    "aws": {"aws": {"region": "us-west-2"}},
    "no-warning-rules": {
        "validation": {"rules": {rule: "off" for rule in [
            "static-binding-class", "unknown-parameter", "sg-count", "backup-start-ignored", "metadata-iops-ignored",
            "lustre-version-default", "scratch1-expansion", "kms-alias", "mount-options", "flock-conflict",
            "aws-sg-lustre-1018", "aws-unverified"]}}
    },
}


def cli_documents(config: dict, tmp_path: pathlib.Path) -> list[dict]:
    assert pathlib.Path(BIN).is_file(), f"{BIN} not built: run swift build first (or set FSX_WEBHOOK_BIN)"
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    done = subprocess.run([BIN, "policy", "--config", str(path), "-o", "json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["items"]


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_chart_installs_what_the_cli_prints(name, tmp_path):
    rel = release({"admissionPolicies": {"enabled": True}, "config": CONFIGS[name]})
    rendered = [o for o in rel.objects if o["kind"] in KINDS]
    expected = cli_documents(CONFIGS[name], tmp_path)
    assert [(o["kind"], o["metadata"]["name"]) for o in rendered] == [(o["kind"], o["metadata"]["name"]) for o in expected]
    for got, want in zip(rendered, expected):
        assert got == want, f"{name}: {got['kind']} {got['metadata']['name']} differs from `fsx-webhook policy`"


def test_not_installed_by_default():
    rel = release({})
    assert not [o for o in rel.objects if o["kind"] in KINDS]


def test_the_rule_data_is_the_binarys(tmp_path):
    """files/storageclass-policies.json is recorded by FSXCore's tests; its rules are the ones
    the built binary renders (a stale file would make the chart and the CLI differ)."""
    data = json.loads((REPO / "charts" / "fsx-webhook" / "files" / "storageclass-policies.json").read_text())
    documents = cli_documents({}, tmp_path)
    expressions = {v["expression"] for d in documents if d["kind"] == KINDS[0] for v in d["spec"]["validations"]}
    assert {r["expression"] for r in data["rules"]} == expressions
