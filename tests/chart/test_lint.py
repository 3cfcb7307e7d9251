"""`helm lint --strict` (Helm's own linter) in every TLS mode."""

from __future__ import annotations

import helm_python as helm
import pytest

from conftest import CHART, CUSTOM_VALUES, MODES

SEVERITY = {0: "UNKNOWN", 1: "INFO", 2: "WARNING", 3: "ERROR"}
CASES = {**{mode: (values, ns) for mode, (values, _, ns) in MODES.items()}, "custom": (CUSTOM_VALUES, "ml-platform")}


@pytest.mark.parametrize("case", sorted(CASES))
def test_chart_lints_clean(case):
    values, namespace = CASES[case]
    report = helm.lint(CHART, values, strict=True, namespace=namespace, kube_version="v1.30.0")
    for m in report["messages"]:
        print(f"{case}: [{SEVERITY.get(m['severity'], m['severity'])}] {m['path']}: {m['error']}")
    assert report["total_charts_linted"] == 1
    assert report["errors"] == []
    # INFO findings (such as a missing icon) are advice; anything above fails.
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


def test_lint_catches_bad_values():
    """Guards the check above: lint must report a schema violation."""
    report = helm.lint(CHART, {"replicas": -1}, strict=True, namespace="fsx-system", kube_version="v1.30.0")
    assert report["errors"] or any(m["severity"] >= 2 for m in report["messages"]), report

