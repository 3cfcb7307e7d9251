"""The real-pattern corpus: public FSx setups and training workloads, judged from outside Swift.

tests/corpus/index.yaml lists every fixture object under tests/corpus with the verdict
fsx-webhook must give it and the public manifests that show its pattern; docs/real-manifests.md
is rendered from it. This suite:

- runs `fsx-webhook check -o json --config tests/corpus/config.yaml` on every fixture file and
  asserts each object's outcome, that its denials are exactly the expected deny rule ids (so a
  new false denial fails), and that the expected warning ids are among its warnings;
- for every patched workload, takes the patch from `fsx-webhook mutate -o patch`, applies it
  to the original with python-jsonpatch (which, like the apiserver's json-patch, refuses an
  add under a missing parent), and checks the result: the same object `mutate -o json`
  prints, valid for the Kubernetes API (kubernetes-validate, strict; custom resources through
  their pod templates and a subset of their CRD schemas), every path and value of the input
  still there, no duplicate volume or mount, the zone requirement in place, and no patch on a
  second pass;
- checks the index itself: every fixture file and object listed, every source and rule id
  known, every denial backed by a fact, the survey targets met, the page up to date.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import tempfile
from functools import lru_cache
from typing import Any

import jsonpatch
import jsonschema
import kubernetes_validate
import pytest
import yaml

import corpus_index
from workload_schemas import SCHEMAS, built_in_parts, pod_specs

ROOT = corpus_index.ROOT
CORPUS = corpus_index.CORPUS
CONFIG = CORPUS / "config.yaml"
BIN = os.path.abspath(os.environ.get("FSX_WEBHOOK_BIN", str(ROOT / ".build" / "debug" / "fsx-webhook")))
FIXTURE_DIRS = ("storageclasses", "persistentvolumes", "workloads")
# A current EKS version; the chart tests also cover the 1.29 floor.
KUBERNETES_VERSION = "1.34.0"

INDEX = corpus_index.load()
OBJECTS = list(corpus_index.objects(INDEX))
PATCHED = [(f, o) for f, o in OBJECTS if o["verdict"] == "patched"]
WORKLOAD_CONFIG = yaml.safe_load(CONFIG.read_text())


def object_id(fixture: dict[str, Any], obj: dict[str, Any]) -> str:
    return f"{fixture['file']}::{obj['kind']}/{obj['name'] or '(generateName)'}"


def run(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([BIN, *args], capture_output=True, timeout=120)
    assert proc.returncode in (0, 1), f"fsx-webhook {' '.join(args)} exited {proc.returncode}: {proc.stderr.decode()}"
    return proc


@lru_cache(maxsize=None)
def check(file: str) -> tuple[int, list[dict[str, Any]]]:
    proc = run("check", "-o", "json", "--config", str(CONFIG), str(CORPUS / file))
    return proc.returncode, json.loads(proc.stdout)["results"]


def mutate(path: pathlib.Path, output: str) -> Any:
    return json.loads(run("mutate", "-o", output, "--config", str(CONFIG), str(path)).stdout)


@lru_cache(maxsize=None)
def documents(file: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all((CORPUS / file).read_text()) if doc is not None]


def key(kind: str, namespace: str | None, name: str | None) -> tuple[str, str, str]:
    return kind, namespace or "", name or ""


def index_key(obj: dict[str, Any]) -> tuple[str, str, str]:
    return key(obj["kind"], obj.get("namespace"), obj["name"])


def pick(items: list[dict[str, Any]], wanted: tuple[str, str, str], what: str) -> dict[str, Any]:
    found = [i for i in items if key(i["kind"], i.get("namespace"), i.get("name")) == wanted]
    assert len(found) == 1, f"{what}: expected one {wanted}, found {len(found)}"
    return found[0]


def original(file: str, obj: dict[str, Any]) -> dict[str, Any]:
    docs = [{**d, "namespace": d["metadata"].get("namespace"), "name": d["metadata"].get("name")} for d in documents(file)]
    found = pick(docs, index_key(obj), file)
    return {k: v for k, v in found.items() if k not in ("namespace", "name")}


# ---------------------------------------------------------------------------------------
# The index


def test_every_fixture_file_is_in_the_index_once():
    on_disk = sorted(str(p.relative_to(CORPUS)) for d in FIXTURE_DIRS for p in (CORPUS / d).glob("*.yaml"))
    listed = [f["file"] for f in INDEX["fixtures"]]
    assert sorted(listed) == on_disk, "index.yaml and the fixture folders list different files"
    assert len(listed) == len(set(listed)), "a fixture file is listed twice"


@pytest.mark.parametrize("fixture", INDEX["fixtures"], ids=lambda f: f["file"])
def test_the_index_lists_every_object_of_the_file_in_order(fixture):
    _, results = check(fixture["file"])
    actual = [key(r["kind"], r["namespace"], r["name"]) for r in results]
    assert actual == [index_key(o) for o in fixture["objects"]]


def test_every_source_is_used_and_every_reference_resolves():
    used = {s for f in INDEX["fixtures"] for s in f["seenIn"]}
    assert used <= set(INDEX["sources"]), f"unknown sources: {sorted(used - set(INDEX['sources']))}"
    assert set(INDEX["sources"]) <= used, f"sources no fixture cites: {sorted(set(INDEX['sources']) - used)}"
    for name, source in INDEX["sources"].items():
        if "repo" in source:
            assert re.fullmatch(r"[0-9a-f]{40}", source["commit"]), name
            assert source["path"] and "/" in source["repo"], name
        else:
            assert source["note"], f"{name}: a source without repository needs a note saying what it showed"


def documented_rule_ids() -> set[str]:
    text = (ROOT / "docs" / "rules.md").read_text()
    return set(re.findall(r"^\| `([a-z0-9-]+)` \|", text, flags=re.M))


def test_every_rule_id_is_documented():
    used = {r for _, o in OBJECTS for r in o.get("deny", []) + o.get("warn", [])}
    missing = used - documented_rule_ids()
    assert not missing, f"rule ids not in docs/rules.md: {sorted(missing)}"


def test_every_object_has_a_verdict_and_a_reason_and_every_denial_a_fact():
    for fixture, obj in OBJECTS:
        where = object_id(fixture, obj)
        assert obj["verdict"] in corpus_index.VERDICTS, where
        assert obj["reason"].strip(), where
        assert bool(obj.get("deny")) == (obj["verdict"] == "denied"), f"{where}: deny ids if and only if denied"
        for rule in obj.get("deny", []):
            assert rule in INDEX["facts"], f"{where}: no fact for {rule}"
    for rule, fact in INDEX["facts"].items():
        assert re.search(r"FSx API model|driver v1\.9\.0|Kubernetes API|external-provisioner", fact), rule


def test_the_survey_reaches_its_targets():
    every, named = corpus_index.surveyed_counts(INDEX)
    assert sum(every[k] for k in corpus_index.STORAGE_KINDS) >= 60
    assert sum(every[k] for k in corpus_index.TRAINING_KINDS) >= 40
    # Most of them with repository, path and commit recorded.
    assert sum(named[k] for k in corpus_index.STORAGE_KINDS) >= 50


def test_the_page_is_rendered_from_the_index():
    assert corpus_index.DOC.read_text() == corpus_index.render(INDEX), (
        "docs/real-manifests.md differs from index.yaml: run python3 tests/corpus/corpus_index.py --write-docs"
    )


# ---------------------------------------------------------------------------------------
# Verdicts


@pytest.mark.parametrize("fixture,obj", OBJECTS, ids=[object_id(f, o) for f, o in OBJECTS])
def test_check_gives_the_expected_verdict(fixture, obj):
    code, results = check(fixture["file"])
    result = pick(results, index_key(obj), fixture["file"])
    denials = {v["rule"] for v in result["denials"]}
    warnings = {v["rule"] for v in result["warnings"]}
    messages = [f"{v['rule']}: {v['message']}" for v in result["denials"] + result["warnings"]]
    assert denials == set(obj.get("deny", [])), f"denials differ: {messages}"
    assert result["outcome"] == obj["verdict"], messages
    expected_warnings = set(obj.get("warn", []))
    if obj.get("exact"):
        assert warnings == expected_warnings, f"warnings differ: {messages}"
    else:
        assert expected_warnings <= warnings, f"missing warnings {sorted(expected_warnings - warnings)}: {messages}"
    denied_in_file = any(r["outcome"] == "denied" for r in results)
    assert code == (1 if denied_in_file else 0), "exit status must say whether something was denied"


# ---------------------------------------------------------------------------------------
# Patched workloads


def leaves(value: Any, path: tuple = ()):
    """Every (path, scalar or empty container) of a JSON value."""
    if isinstance(value, dict) and value:
        for k, v in value.items():
            yield from leaves(v, path + (k,))
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            yield from leaves(v, path + (i,))
    else:
        yield path, value


def lookup(value: Any, path: tuple) -> Any:
    for token in path:
        value = value[token]
    return value


def selected_volumes(obj: dict[str, Any]) -> list[str]:
    names = (obj["metadata"].get("annotations") or {}).get("fsx-webhook/volumes")
    if names is None:
        return list(WORKLOAD_CONFIG.get("defaultVolumes", []))
    return [n.strip() for n in names.split(",") if n.strip()]


def zone_of(volume: dict[str, Any]) -> str:
    return volume.get("zone") or WORKLOAD_CONFIG["zones"][volume["subnetId"]]


@lru_cache(maxsize=None)
def mutation(file: str, wanted: tuple[str, str, str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    path = CORPUS / file
    patches = pick(mutate(path, "patch"), wanted, f"mutate -o patch {file}")
    printed = mutate(path, "json")
    # One object prints as itself, several as a v1 List.
    items = printed["items"] if printed.get("kind") == "List" and "items" in printed else [printed]
    stored = pick(
        [{**o, "namespace": o["metadata"].get("namespace"), "name": o["metadata"].get("name")} for o in items],
        wanted,
        f"mutate -o json {file}",
    )
    return patches["patch"], {k: v for k, v in stored.items() if k not in ("namespace", "name")}


PATCHED_IDS = [object_id(f, o) for f, o in PATCHED]


@pytest.mark.parametrize("fixture,obj", PATCHED, ids=PATCHED_IDS)
def test_patch_applies_with_an_independent_implementation(fixture, obj):
    source = original(fixture["file"], obj)
    patch, stored = mutation(fixture["file"], index_key(obj))
    assert patch, "a patched object must come with a non-empty patch"
    patched = jsonpatch.JsonPatch(patch).apply(source)
    assert patched == stored, "mutate -o json differs from the original with mutate -o patch applied"
    templates = [pointer for pointer, _ in pod_specs(source)]
    for op in patch:
        assert any(op["path"] == t or op["path"].startswith(t + "/") for t in templates), f"{op['path']} is outside every pod template"


@pytest.mark.parametrize("fixture,obj", PATCHED, ids=PATCHED_IDS)
def test_patched_object_is_valid_for_the_kubernetes_api(fixture, obj):
    patched = jsonpatch.JsonPatch(mutation(fixture["file"], index_key(obj))[0]).apply(original(fixture["file"], obj))
    schema = SCHEMAS.get((patched["apiVersion"], patched["kind"]))
    if schema is not None:
        jsonschema.validate(patched, schema)
    for where, part in built_in_parts(patched):
        try:
            kubernetes_validate.validate(part, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as err:
            pytest.fail(f"{where} is not a valid {part['kind']}: {err.message} at {list(err.absolute_path)}")


@pytest.mark.parametrize("fixture,obj", PATCHED, ids=PATCHED_IDS)
def test_nothing_of_the_input_is_lost(fixture, obj):
    source = original(fixture["file"], obj)
    patched = jsonpatch.JsonPatch(mutation(fixture["file"], index_key(obj))[0]).apply(source)
    for path, value in leaves(source):
        try:
            kept = lookup(patched, path)
        except (KeyError, IndexError, TypeError):
            pytest.fail(f"{'/'.join(map(str, path))} is gone")
        assert kept == value, f"{'/'.join(map(str, path))} changed from {value!r} to {kept!r}"


@pytest.mark.parametrize("fixture,obj", PATCHED, ids=PATCHED_IDS)
def test_volumes_mounts_and_zone_are_in_place(fixture, obj):
    source = original(fixture["file"], obj)
    patched = jsonpatch.JsonPatch(mutation(fixture["file"], index_key(obj))[0]).apply(source)
    annotations = patched["metadata"].get("annotations") or {}
    selected = [WORKLOAD_CONFIG["volumes"][n] for n in selected_volumes(patched)]
    placement = annotations.get("fsx-webhook/placement", WORKLOAD_CONFIG.get("placement", "required"))
    zone_label = WORKLOAD_CONFIG.get("zoneLabel", "topology.kubernetes.io/zone")
    zones = {zone_of(v) for v in selected}
    before = dict(pod_specs(source))
    claims_seen: set[str] = set()
    for pointer, spec in pod_specs(patched):
        volumes = [v["name"] for v in spec.get("volumes", [])]
        assert len(volumes) == len(set(volumes)), f"{pointer}: duplicate volume names {volumes}"
        claims_seen |= {v["persistentVolumeClaim"]["claimName"] for v in spec.get("volumes", []) if "persistentVolumeClaim" in v}
        old = before[pointer]
        for group in ("containers", "initContainers"):
            for i, container in enumerate(spec.get(group, [])):
                mounts = container.get("volumeMounts") or []
                paths = [m["mountPath"] for m in mounts]
                assert len(paths) == len(set(paths)), f"{pointer}.{group}[{i}]: duplicate mountPath {paths}"
                had = (old.get(group) or [])[i].get("volumeMounts") or []
                for mount in mounts[len(had):]:
                    assert mount["name"] in volumes, f"{pointer}.{group}[{i}]: new mount of missing volume {mount['name']}"
        affinity = (spec.get("affinity") or {}).get("nodeAffinity") or {}
        if placement == "required":
            terms = affinity["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
            for t, term in enumerate(terms):
                assert any(
                    e["key"] == zone_label and e["operator"] == "In" and set(e["values"]) == zones
                    for e in term.get("matchExpressions", [])
                ), f"{pointer}: nodeSelectorTerms[{t}] lacks {zone_label} In {sorted(zones)}"
        elif placement == "preferred":
            preferred = affinity.get("preferredDuringSchedulingIgnoredDuringExecution", [])
            assert any(
                e["key"] == zone_label and set(e["values"]) == zones
                for p in preferred
                for e in p["preference"].get("matchExpressions", [])
            ), f"{pointer}: no preferred term for {sorted(zones)}"
    for volume in selected:
        assert volume["claimName"] in claims_seen, f"claim {volume['claimName']} is in no pod template"


@pytest.mark.parametrize("fixture,obj", PATCHED, ids=PATCHED_IDS)
def test_a_second_pass_over_the_patched_object_yields_no_patch(fixture, obj):
    patched = jsonpatch.JsonPatch(mutation(fixture["file"], index_key(obj))[0]).apply(original(fixture["file"], obj))
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "patched.json"
        path.write_text(json.dumps(patched))
        (entry,) = mutate(path, "patch")
    assert entry["outcome"] == "allowed", entry
    assert entry["patch"] == [], "mutation is not idempotent"
