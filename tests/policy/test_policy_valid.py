"""Every document `fsx-webhook policy` prints is a valid Kubernetes object for the API server
versions that have ValidatingAdmissionPolicy GA (1.30 and newer), checked by
kubernetes-validate in strict mode (unknown fields are errors), in both output formats and
under several configurations; the YAML stream and the JSON List hold the same documents, and
two runs print the same bytes."""

from __future__ import annotations

import copy
import json

import kubernetes_validate
import pytest
import yaml

from policy_support import DENY_POLICY, WARN_POLICY, run

KUBERNETES_VERSIONS = ["1.30.0", "1.31.0", "1.32.0", "1.33.0", "1.34.0", "1.35.0", "1.36.0", "1.37.0"]

CONFIGS = {
    "default": "",
    "strict-and-overrides": "validation:\n  unknownParameters: deny\n  rules:\n    sg-count: deny\n    kms-alias: off\n",
    "enforcement-warn": "validation:\n  enforcement: warn\n",
    "with-aws": "aws:\n  region: us-west-2\n",
}


def generate(tmp_path, name: str, output: str) -> str:
    args = ["policy", "-o", output]
    if CONFIGS[name]:
        config = tmp_path / f"{name}.yaml"
        config.write_text(CONFIGS[name])
        args += ["--config", str(config)]
    done = run(*args)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_every_document_is_valid_for_the_api(tmp_path, name):
    stream = list(yaml.safe_load_all(generate(tmp_path, name, "yaml")))
    listing = json.loads(generate(tmp_path, name, "json"))
    assert listing["apiVersion"] == "v1" and listing["kind"] == "List"
    assert listing["items"] == stream
    kinds = [(d["kind"], d["metadata"]["name"]) for d in stream]
    assert kinds == [
        ("ValidatingAdmissionPolicy", DENY_POLICY),
        ("ValidatingAdmissionPolicyBinding", DENY_POLICY),
        ("ValidatingAdmissionPolicy", WARN_POLICY),
        ("ValidatingAdmissionPolicyBinding", WARN_POLICY),
    ]
    for version in KUBERNETES_VERSIONS:
        for document in stream:
            try:
                kubernetes_validate.validate(document, version, strict=True)
            except kubernetes_validate.ValidationError as err:
                pytest.fail(f"{name}: {document['kind']} {document['metadata']['name']} is not valid {version}: {err.message} at {list(err.absolute_path)}")
    print(f"{name}: {len(stream)} documents valid for {', '.join(KUBERNETES_VERSIONS)}")


def test_the_validator_refuses_a_broken_policy(tmp_path):
    document = next(yaml.safe_load_all(generate(tmp_path, "default", "yaml")))
    broken = copy.deepcopy(document)
    broken["spec"]["validations"][0]["messageExpresion"] = "'typo'"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[0], strict=True)


def test_output_is_the_same_on_every_run(tmp_path):
    for output in ("yaml", "json"):
        assert generate(tmp_path, "strict-and-overrides", output) == generate(tmp_path, "strict-and-overrides", output)


def test_bad_configuration_exits_2_and_names_the_key(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("validation:\n  rules:\n    throughput-valuse: warn\n")
    done = run("policy", "--config", str(config), check=False)
    assert done.returncode == 2
    assert "throughput-valuse" in done.stderr and "throughput-values" in done.stderr
    assert done.stdout == ""
