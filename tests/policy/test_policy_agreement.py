"""The generated policies and the webhook agree on every StorageClass fixture of the suites.

Every StorageClass of the rule tables (exported by the Swift tests to fixtures/rule-tables.json,
named rows plus seeded random classes), of the golden reviews and of the real-pattern corpus
is judged twice: by the CEL of `fsx-webhook policy`, evaluated with cel-python as the API
server evaluates a ValidatingAdmissionPolicy, and by `fsx-webhook check -o json`. Both must give
the same verdict and the same rule ids, denied and warned, except rules the policy names in
`fsx-webhook/not-covered`; a class the typed API refuses by itself (a parameter that is not a
string) must be denied by `check` with the rule that says so. Each failing validation's message
must be one of the webhook's messages for that rule; for the few rules whose webhook message
suggests a fix by edit distance (which CEL cannot compute) or lists keys in the object's order
(which a CEL map does not keep), the part compared is named in MESSAGE_PARTS.

Run under three configurations: the default on every fixture; `unknownParameters: deny` with
per-rule overrides, and `enforcement: warn`, on every fixture but the seeded random classes
(cel-python interprets each expression in full, about a tenth of a second per class on a busy
CI machine, so the suite stays near two minutes).
"""

from __future__ import annotations

import json
import pathlib
import re
import tempfile

import pytest
import yaml

from policy_support import DENY_POLICY, FSX, HERE, ROOT, WARN_POLICY, judge, policy_documents, run

RULE_TABLES = HERE / "fixtures" / "rule-tables.json"
GOLDEN = ROOT / "Tests" / "FSXCoreTests" / "Fixtures" / "golden"
CORPUS = ROOT / "tests" / "corpus" / "storageclasses"
ENFORCED_BY_APISERVER = {"parameter-type", "field-type"}

CONFIGS = {
    "default": None,
    "unknown-deny-overrides": """
validation:
  unknownParameters: deny
  rules:
    throughput-values: warn
    kms-alias: deny
    sg-count: deny
    lustre-version-default: off
    mount-options: false
""",
    "enforcement-warn": """
validation:
  enforcement: warn
""",
}


def raw_controls(message: str) -> str:
    """The webhook writes control characters other than tab, CR and LF as JSON's \\u00XX;
    the policy's message keeps them as they are (CEL has no way to format a code point)."""
    return re.sub(r"\\u00([01][0-9a-f])", lambda m: chr(int(m.group(1), 16)), message)


def _before_fix(message: str) -> str:
    return message.rsplit("; ", 1)[0]


def _field(message: str) -> str:
    return message.split(": ", 1)[0]


def _words(message: str) -> tuple:
    return tuple(sorted(message.replace(",", " ").split()))


# How a policy message is compared with the webhook's, where not exactly.
MESSAGE_PARTS = {
    # "use PERSISTENT_2" for "PERSISTENT_3"-like typos: the webhook picks the value within one
    # edit; CEL names it only when the letter case differs, else lists every value.
    "deployment-enum": _before_fix,
    "storage-enum": _before_fix,
    "drive-cache": _before_fix,
    "compression-enum": _before_fix,
    "lustre-version": _before_fix,
    "autoimport-enum": _before_fix,
    "metadata": _before_fix,
    # "did you mean csi.storage.k8s.io/…?" by edit distance.
    "csi-reserved": _before_fix,
    "mount-options": _before_fix,
    # The nearest key, and the non-ASCII code point of a look-alike key, need edit distance and
    # hex formatting: the field is compared.
    "unknown-parameter": _field,
    # Keys and locking modes listed in the object's order, which a CEL map does not keep.
    "fstype-dup": _words,
    "flock-conflict": _words,
}


def fixtures() -> list[tuple[str, dict]]:
    """(label, object) for every StorageClass fixture."""
    found: list[tuple[str, dict]] = []
    for item in json.loads(RULE_TABLES.read_text())["items"]:
        found.append((f"rule-tables:{item['metadata']['name']}", item))
    for request in sorted(GOLDEN.glob("storageclass-*/request.json")):
        obj = json.loads(request.read_text())["request"]["object"]
        found.append((f"golden:{request.parent.name}", obj))
    for path in sorted(CORPUS.glob("*.yaml")):
        for index, doc in enumerate(yaml.safe_load_all(path.read_text())):
            if isinstance(doc, dict) and doc.get("kind") == "StorageClass":
                found.append((f"corpus:{path.name}#{index}", doc))
    return found


FIXTURES = fixtures()


def test_every_suite_contributes_fixtures():
    sources = {label.split(":", 1)[0] for label, _ in FIXTURES}
    assert sources == {"rule-tables", "golden", "corpus"}
    assert len(FIXTURES) > 500


def selected(name: str) -> list[tuple[str, dict]]:
    if name == "default":
        return FIXTURES
    return [(label, obj) for label, obj in FIXTURES if not label.startswith("rule-tables:random")]


def webhook_verdicts(config: pathlib.Path | None, fixtures: list[tuple[str, dict]]) -> list[dict]:
    """`check -o json` on the fixtures, one result per fixture in order."""
    with tempfile.TemporaryDirectory() as tmp:
        listing = pathlib.Path(tmp) / "classes.json"
        listing.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": [o for _, o in fixtures]}))
        args = ["check", "-o", "json", str(listing)] + (["--config", str(config)] if config else [])
        done = run(*args)
    results = json.loads(done.stdout)["results"]
    assert len(results) == len(fixtures)
    return results


@pytest.fixture(scope="module", params=sorted(CONFIGS))
def setting(request, tmp_path_factory):
    text = CONFIGS[request.param]
    config = None
    if text is not None:
        config = tmp_path_factory.mktemp("config") / "fsx-webhook.yaml"
        config.write_text(text)
    policies = policy_documents(config)
    fixtures = selected(request.param)
    return request.param, policies, fixtures, webhook_verdicts(config, fixtures)


def test_policies_and_webhook_agree(setting):
    name, policies, fixtures, results = setting
    by_name = {p["metadata"]["name"]: p for p in policies if p["kind"] == "ValidatingAdmissionPolicy"}
    bindings = {b["spec"]["policyName"]: b["spec"]["validationActions"] for b in policies if b["kind"].endswith("Binding")}
    not_covered = set()
    for policy in by_name.values():
        text = policy["metadata"]["annotations"]["fsx-webhook/not-covered"]
        not_covered |= set(text.split(",")) if text else set()
    assert len(not_covered) <= 5
    disagreements = []
    compared = 0
    for (label, obj), result in zip(fixtures, results, strict=True):
        denials = {v["rule"] for v in result["denials"]} - not_covered
        warnings = {v["rule"] for v in result["warnings"]} - not_covered
        verdict = judge(policies, obj)
        if obj.get("provisioner") != FSX:
            assert not verdict.matched and result["outcome"] == "allowed", label
            continue
        compared += 1
        if verdict.refused_by_schema:
            # Refused whatever the policies say; the webhook says why (as a "would deny"
            # warning under enforcement: warn, where the API server still refuses it).
            reported = denials | (warnings if bindings.get(DENY_POLICY) == ["Warn"] else set())
            ok = result["outcome"] != "allowed" and reported & ENFORCED_BY_APISERVER
            if not ok:
                disagreements.append(f"{label}: API server refuses it ({verdict.refused_by_schema}), check: {result['outcome']} {sorted(denials)}")
            continue
        deny_failed = verdict.failed.get(DENY_POLICY, {})
        warn_failed = verdict.failed.get(WARN_POLICY, {})
        if bindings.get(DENY_POLICY) == ["Deny"]:
            cel_denied, cel_warned = set(deny_failed), set(warn_failed)
        else:
            cel_denied, cel_warned = set(), set(deny_failed) | set(warn_failed)
        cel_outcome = "denied" if cel_denied else "allowed-with-warnings" if cel_warned else "allowed"
        if cel_outcome != result["outcome"] or cel_denied != denials or cel_warned != warnings:
            disagreements.append(
                f"{label}: policy {cel_outcome} deny={sorted(cel_denied)} warn={sorted(cel_warned)}; "
                f"check {result['outcome']} deny={sorted(denials)} warn={sorted(warnings)}"
            )
            continue
        webhook_messages: dict[str, list[str]] = {}
        for violation in result["denials"] + result["warnings"]:
            webhook_messages.setdefault(violation["rule"], []).append(raw_controls(violation["message"]))
        for rule, message in {**deny_failed, **warn_failed}.items():
            part = MESSAGE_PARTS.get(rule, lambda m: m)
            if part(message) not in {part(m) for m in webhook_messages.get(rule, [])}:
                disagreements.append(f"{label}: {rule} message {message!r} not among {webhook_messages.get(rule)}")
    assert compared > (500 if name == "default" else 150)
    assert not disagreements, f"{name}: {len(disagreements)} disagreements:\n" + "\n".join(disagreements[:40])
