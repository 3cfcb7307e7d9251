"""Golden AdmissionReview fixtures checked from outside Swift.

Each folder under Tests/FSXCoreTests/Fixtures/golden holds request.json, response.json,
optionally config.json (the webhook configuration; JSON is YAML too) and, when the
response carries a patch, patched.json. This suite:

- runs `fsx-webhook review` on every request and compares its output with response.json
  as JSON values (the CLI and the server share one decision function, so this is what the
  server sends);
- applies every patch to the request's object with python-jsonpatch, an implementation
  that shares nothing with the Swift code and, like the apiserver's evanphx/json-patch,
  refuses an `add` whose parent is missing;
- checks the patched object: mounts reference existing volumes, no duplicate volume names
  or mount paths, the zone requirement in every nodeSelectorTerm under required placement;
- sends the patched object through `fsx-webhook review` again and expects no patch.
"""

import base64
import json
import os
import pathlib
import subprocess

import jsonpatch
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "Tests" / "FSXCoreTests" / "Fixtures" / "golden"
BIN = os.path.abspath(os.environ.get("FSX_WEBHOOK_BIN", str(ROOT / ".build" / "debug" / "fsx-webhook")))

CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "request.json").exists())


def load(case, name):
    path = GOLDEN / case / name
    return json.loads(path.read_text()) if path.exists() else None


def review(request_review, config_path):
    args = [BIN, "review"]
    if config_path is not None:
        args += ["--config", str(config_path)]
    args.append("-")
    proc = subprocess.run(args, input=json.dumps(request_review).encode(), capture_output=True, timeout=60)
    assert proc.returncode in (0, 1), f"review failed ({proc.returncode}): {proc.stderr.decode()}"
    response = json.loads(proc.stdout)
    expected_exit = 0 if response["response"]["allowed"] else 1
    assert proc.returncode == expected_exit, "exit code must say allowed (0) or denied (1)"
    return response


def config_path(case):
    path = GOLDEN / case / "config.json"
    return path if path.exists() else None


def patch_of(response):
    body = response["response"]
    if "patch" not in body:
        assert "patchType" not in body, "patchType without patch"
        return None
    assert body["patchType"] == "JSONPatch"
    return json.loads(base64.b64decode(body["patch"]))


def test_there_are_golden_cases_of_every_kind():
    kinds = {load(c, "request.json")["request"]["kind"]["kind"] for c in CASES}
    workloads = {"Job", "CronJob", "JobSet", "PyTorchJob", "TFJob", "MPIJob", "RayJob", "RayCluster", "Pod"}
    assert {"StorageClass", "PersistentVolume"} | workloads <= kinds, kinds


@pytest.mark.parametrize("case", CASES)
def test_cli_review_prints_the_golden_response(case):
    request = load(case, "request.json")
    assert review(request, config_path(case)) == load(case, "response.json")


@pytest.mark.parametrize("case", CASES)
def test_response_obeys_the_apiserver_contract(case):
    request, response = load(case, "request.json"), load(case, "response.json")
    assert response["apiVersion"] == request["apiVersion"]
    assert response["kind"] == "AdmissionReview"
    body = response["response"]
    assert body["uid"] == request["request"]["uid"]
    if not body["allowed"]:
        assert body["status"]["code"] >= 400 and body["status"]["message"]
        assert "patch" not in body
    for warning in body.get("warnings", []):
        assert not any(ord(ch) < 0x20 for ch in warning), warning


def pod_specs(obj):
    """The pod specs of a workload, for the kinds the webhook mutates."""
    kind = obj.get("kind")
    spec = obj.get("spec", {})
    if kind == "Job":
        yield "spec.template.spec", spec["template"]["spec"]
    elif kind == "CronJob":
        yield "spec.jobTemplate.spec.template.spec", spec["jobTemplate"]["spec"]["template"]["spec"]
    elif kind == "Pod":
        yield "spec", spec
    elif kind == "JobSet":
        for i, rj in enumerate(spec.get("replicatedJobs", [])):
            yield f"spec.replicatedJobs[{i}]", rj["template"]["spec"]["template"]["spec"]
    elif kind in ("PyTorchJob", "TFJob", "MPIJob"):
        key = {"PyTorchJob": "pytorchReplicaSpecs", "TFJob": "tfReplicaSpecs", "MPIJob": "mpiReplicaSpecs"}[kind]
        for name, replica in spec.get(key, {}).items():
            yield f"{key}.{name}", replica["template"]["spec"]
    elif kind in ("RayJob", "RayCluster"):
        cluster = spec.get("rayClusterSpec", spec) if kind == "RayJob" else spec
        yield "headGroupSpec", cluster["headGroupSpec"]["template"]["spec"]
        for i, group in enumerate(cluster.get("workerGroupSpecs", [])):
            yield f"workerGroupSpecs[{i}]", group["template"]["spec"]


def check_pod_spec(where, spec, zone_label, zone):
    volumes = [v["name"] for v in spec.get("volumes", [])]
    assert len(volumes) == len(set(volumes)), f"{where}: duplicate volume names {volumes}"
    for group in ("containers", "initContainers"):
        for container in spec.get(group, []):
            mounts = container.get("volumeMounts", [])
            for m in mounts:
                assert m["name"] in volumes, f"{where}.{container['name']}: mount of missing volume {m['name']}"
            paths = [m["mountPath"] for m in mounts]
            assert len(paths) == len(set(paths)), f"{where}.{container['name']}: duplicate mountPath {paths}"
    if zone is None:
        return
    terms = (
        spec.get("affinity", {})
        .get("nodeAffinity", {})
        .get("requiredDuringSchedulingIgnoredDuringExecution", {})
        .get("nodeSelectorTerms", [])
    )
    assert terms, f"{where}: required placement but no nodeSelectorTerms"
    for i, term in enumerate(terms):
        pinned = any(
            e.get("key") == zone_label and e.get("operator") == "In" and zone in e.get("values", [])
            for e in term.get("matchExpressions", [])
        )
        assert pinned, f"{where}: nodeSelectorTerms[{i}] lacks {zone_label} In [{zone}]"


def required_zone(obj, config):
    """The zone every term must require, or None when placement is not `required`."""
    config = config or {}
    annotations = obj.get("metadata", {}).get("annotations", {})
    placement = annotations.get("fsx-webhook/placement", config.get("placement", "required"))
    if placement != "required":
        return None
    names = annotations.get("fsx-webhook/volumes")
    selected = [n.strip() for n in names.split(",") if n.strip()] if names else config.get("defaultVolumes", [])
    zones = set()
    for name in selected:
        volume = config["volumes"][name]
        zones.add(volume.get("zone") or config.get("zones", {}).get(volume.get("subnetId")))
    assert len(zones) == 1, f"patched with volumes in zones {zones}"
    return zones.pop()


PATCHED = [c for c in CASES if patch_of(load(c, "response.json"))]


def test_some_golden_cases_carry_patches():
    assert PATCHED, "no golden case produces a patch"


@pytest.mark.parametrize("case", PATCHED)
def test_patch_applies_with_an_independent_implementation_and_yields_a_valid_object(case):
    request, response, config = load(case, "request.json"), load(case, "response.json"), load(case, "config.json")
    original = request["request"]["object"]
    patched = jsonpatch.JsonPatch(patch_of(response)).apply(original)
    assert patched == load(case, "patched.json"), "patched.json differs from applying the patch"
    config = config or {}
    zone_label = config.get("zoneLabel", "topology.kubernetes.io/zone")
    zone = required_zone(original, config)
    specs = list(pod_specs(patched))
    assert specs, f"no pod template found in {patched.get('kind')}"
    for where, spec in specs:
        check_pod_spec(where, spec, zone_label, zone)


@pytest.mark.parametrize("case", PATCHED)
def test_a_second_pass_over_the_patched_object_yields_no_patch(case):
    request = load(case, "request.json")
    again = json.loads(json.dumps(request))
    again["request"]["uid"] = again["request"]["uid"] + "-again"
    again["request"]["object"] = load(case, "patched.json")
    response = review(again, config_path(case))
    assert response["response"]["allowed"] is True
    assert "patch" not in response["response"], "mutation is not idempotent"
    assert "patchType" not in response["response"]
