"""The real-pattern corpus index (tests/corpus/index.yaml) and the page rendered from it.

docs/real-manifests.md is this module's rendering of the index, so the page and the index
cannot disagree: tests/corpus/test_corpus.py compares the file with `render()`.

    python3 tests/corpus/corpus_index.py --write-docs   # after editing index.yaml
"""

from __future__ import annotations

import collections
import pathlib
import sys
from typing import Any

import yaml

CORPUS = pathlib.Path(__file__).resolve().parent
ROOT = CORPUS.parents[1]
INDEX = CORPUS / "index.yaml"
DOC = ROOT / "docs" / "real-manifests.md"

VERDICTS = ("allowed", "allowed-with-warnings", "denied", "patched")

# Kinds counted as training workloads for the survey target (Deployments, Services,
# ConfigMaps... next to them are not).
TRAINING_KINDS = {
    "Job", "CronJob", "Pod", "JobSet", "PyTorchJob", "TFJob", "MPIJob", "RayJob", "RayCluster",
    "VolcanoJob", "ElasticJob", "HyperPodPyTorchJob",
}
STORAGE_KINDS = {"StorageClass", "PersistentVolume"}


def load() -> dict[str, Any]:
    return yaml.safe_load(INDEX.read_text())


def objects(index: dict[str, Any]):
    """(fixture, object) for every fixture object, in index order."""
    for fixture in index["fixtures"]:
        for obj in fixture["objects"]:
            yield fixture, obj


def surveyed_counts(index: dict[str, Any]) -> tuple[collections.Counter, collections.Counter]:
    """Public objects surveyed per kind: all of them, and those with a recorded repository."""
    every, named = collections.Counter(), collections.Counter()
    for source in index["sources"].values():
        for kind in source["kinds"]:
            every[kind] += 1
            if "repo" in source:
                named[kind] += 1
    return every, named


def source_link(source: dict[str, Any]) -> str:
    if "repo" in source:
        url = f"https://github.com/{source['repo']}/blob/{source['commit']}/{source['path']}"
        return f"[{source['repo']}/{source['path']}]({url}) @ `{source['commit'][:12]}`"
    return f"{_cell(source['note'])} (public file; repository not recorded)"


def _cell(text: str) -> str:
    """Table-cell text: no pipes or raw angle brackets (the page is Markdown)."""
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _object_label(obj: dict[str, Any]) -> str:
    name = obj["name"] or "(generateName)"
    where = f"{obj['namespace']}/{name}" if obj.get("namespace") else name
    return f"{obj['kind']} `{where}`"


def _verdict(obj: dict[str, Any]) -> str:
    parts = []
    if obj.get("deny"):
        parts.append("deny " + ", ".join(f"`{r}`" for r in obj["deny"]))
    if obj.get("warn"):
        parts.append("warn " + ", ".join(f"`{r}`" for r in obj["warn"]))
    rules = f" ({'; '.join(parts)})" if parts else ""
    return f"{_object_label(obj)}: **{obj['verdict']}**{rules}"


def render(index: dict[str, Any]) -> str:
    every, named = surveyed_counts(index)
    fixture_kinds = collections.Counter(obj["kind"] for _, obj in objects(index))
    verdicts = collections.Counter(obj["verdict"] for _, obj in objects(index))
    storage = sum(every[k] for k in STORAGE_KINDS)
    storage_named = sum(named[k] for k in STORAGE_KINDS)
    training = sum(every[k] for k in TRAINING_KINDS)
    training_named = sum(named[k] for k in TRAINING_KINDS)

    out = [
        "# Real manifests",
        "",
        "<!-- Rendered from tests/corpus/index.yaml by tests/corpus/corpus_index.py; edit the index, then run",
        "     python3 tests/corpus/corpus_index.py --write-docs -->",
        "",
        "fsx-webhook is checked against the patterns of FSx StorageClasses, static PersistentVolumes,",
        "their claims and training workloads published in public repositories: the FSx CSI driver's",
        "own examples across its history, AWS documentation, workshops and samples for ML on EKS, the",
        "Kubeflow distribution for AWS, Ray, JobSet, the Kubeflow training and MPI operators. Each",
        "pattern has a fixture of its own under `tests/corpus/` (the same parameters, value shapes and",
        "workload structure, with our own names and IDs), and `tests/corpus/test_corpus.py` asserts",
        "the verdict below with `fsx-webhook check` and, for workloads, applies the `mutate` patch with",
        "an independent JSON Patch implementation, validates the result against the Kubernetes schemas,",
        "runs it again (no second patch) and checks that nothing of the input is lost.",
        "",
        "A denial here is a setup that cannot work: the last table gives the AWS, driver or Kubernetes",
        "fact behind each. Workloads use `tests/corpus/config.yaml`.",
        "",
        "## Counts",
        "",
        f"Public objects surveyed: {storage} StorageClasses and static PersistentVolumes "
        f"({storage_named} of them with repository, path and commit), {training} training workloads "
        f"({training_named} with repository, path and commit), {sum(every.values())} objects in all, "
        f"from {len(index['sources'])} files.",
        "",
        "| Kind | Surveyed | With repository, path and commit | Fixture objects |",
        "| --- | ---: | ---: | ---: |",
    ]
    for kind in sorted(set(every) | set(fixture_kinds)):
        out.append(f"| {kind} | {every[kind]} | {named[kind]} | {fixture_kinds[kind]} |")
    out += [
        "",
        f"Fixtures: {len(index['fixtures'])} files, {sum(fixture_kinds.values())} objects: "
        + ", ".join(f"{verdicts[v]} {v}" for v in VERDICTS)
        + ". (VolcanoJob is a `batch.volcano.sh` Job.)",
        "",
        "## Patterns",
        "",
        "| Pattern | Fixture | Seen in | Verdict | Reason |",
        "| --- | --- | --- | --- | --- |",
    ]
    for fixture in index["fixtures"]:
        seen = "<br>".join(source_link(index["sources"][s]) for s in fixture["seenIn"])
        verdict = "<br>".join(_verdict(obj) for obj in fixture["objects"])
        reason = "<br>".join(_cell(obj["reason"]) for obj in fixture["objects"])
        out.append(
            f"| {_cell(fixture['pattern'])} | [`{fixture['file']}`](../tests/corpus/{fixture['file']}) "
            f"| {seen} | {verdict} | {reason} |"
        )
    out += [
        "",
        "## Why the denials are right",
        "",
        "| Rule | Fact |",
        "| --- | --- |",
    ]
    for rule, fact in index["facts"].items():
        out.append(f"| `{rule}` | {_cell(fact)} |")
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    if sys.argv[1:] != ["--write-docs"]:
        sys.exit("usage: python3 tests/corpus/corpus_index.py --write-docs")
    DOC.write_text(render(load()))
    print(f"wrote {DOC.relative_to(ROOT)}")
