"""Shared pieces of the policy suite: the built binary, the generated policies, a CEL engine
(cel-python) with the Kubernetes CEL functions it lacks, and the StorageClass fixtures of the
other suites.

cel-python 0.5.0 has CEL's standard library (with RE2 `matches`, as Kubernetes) but none of
the extension libraries the API server adds. The policies use five of them, emulated here
with the semantics of cel-go's `ext.Strings` and Kubernetes' list library: `split`,
`replace`, `substring`, `join` and `lowerAscii` (strings), `indexOf` (lists). Nothing else
is used: no `cel.bind` (a one-element `map` binds instead), no `quantity()`, no optional types.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import celpy
from celpy import celtypes

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.path.abspath(os.environ.get("FSX_WEBHOOK_BIN", str(ROOT / ".build" / "debug" / "fsx-webhook")))
HERE = pathlib.Path(__file__).resolve().parent
FSX = "fsx.csi.aws.com"
DENY_POLICY = "fsx-webhook-storageclasses"
WARN_POLICY = "fsx-webhook-storageclass-warnings"


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([BIN, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    if check and done.returncode not in (0, 1):
        raise AssertionError(f"fsx-webhook {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done


def policy_documents(config: pathlib.Path | None = None) -> list[dict]:
    args = ["policy", "-o", "json"] + (["--config", str(config)] if config else [])
    done = run(*args)
    assert done.returncode == 0, done.stderr
    listing = json.loads(done.stdout)
    assert listing["kind"] == "List"
    return listing["items"]


# --- Kubernetes CEL functions cel-python lacks --------------------------------------------


class CELFunctionError(Exception):
    pass


def _split(text, separator):
    return celtypes.ListType([celtypes.StringType(part) for part in str(text).split(str(separator))])


def _replace(text, old, new):
    return celtypes.StringType(str(text).replace(str(old), str(new)))


def _substring(text, start, end=None):
    text = str(text)
    start = int(start)
    end = len(text) if end is None else int(end)
    # cel-go refuses indexes outside the string (an evaluation error), where Python would clamp.
    if not 0 <= start <= end <= len(text):
        raise CELFunctionError(f"substring({start}, {end}) out of range for a string of {len(text)}")
    return celtypes.StringType(text[start:end])


def _join(items, separator=""):
    return celtypes.StringType(str(separator).join(str(item) for item in items))


def _lower_ascii(text):
    return celtypes.StringType("".join(c.lower() if c < "\x80" else c for c in str(text)))


def _index_of(target, item):
    if isinstance(target, (str, celtypes.StringType)):
        return celtypes.IntType(str(target).find(str(item)))
    for index, element in enumerate(target):
        if element == item:
            return celtypes.IntType(index)
    return celtypes.IntType(-1)


def _as_cel_error(function):
    """An out-of-range index is an evaluation error value in CEL (so `false && x` still
    yields false), not an exception that would escape the expression."""

    def wrapped(*args):
        try:
            return function(*args)
        except CELFunctionError as error:
            return celpy.CELEvalError(str(error), CELFunctionError, None)

    return wrapped


KUBERNETES_FUNCTIONS = {
    name: _as_cel_error(function)
    for name, function in {
        "split": _split,
        "replace": _replace,
        "substring": _substring,
        "join": _join,
        "lowerAscii": _lower_ascii,
        "indexOf": _index_of,
    }.items()
}

_ENV = celpy.Environment()


@lru_cache(maxsize=None)
def program(expression: str):
    return _ENV.program(_ENV.compile(expression), functions=KUBERNETES_FUNCTIONS)


def evaluate(expression: str, activation: dict) -> Any:
    value = program(expression).evaluate(activation)
    if isinstance(value, celpy.CELEvalError):
        raise AssertionError(f"CEL error {value!r} in {expression[:200]}")
    return value


# --- The API server's view of a StorageClass ----------------------------------------------


def as_stored(obj: dict) -> tuple[dict | None, str | None]:
    """The class as admission policies see it: decoded into the typed StorageClass (null fields
    dropped), or the reason the API server refuses it before any policy runs."""
    stored = {k: v for k, v in obj.items() if v is not None}
    if not isinstance(stored.get("provisioner"), str):
        return None, "provisioner is not a string"
    parameters = stored.get("parameters")
    if parameters is not None:
        if not isinstance(parameters, dict) or not all(isinstance(v, str) for v in parameters.values()):
            return None, "parameters is not a map of strings"
        if not parameters:
            del stored["parameters"]
    if "allowVolumeExpansion" in stored and not isinstance(stored["allowVolumeExpansion"], bool):
        return None, "allowVolumeExpansion is not a boolean"
    options = stored.get("mountOptions")
    if options is not None and (not isinstance(options, list) or not all(isinstance(o, str) for o in options)):
        return None, "mountOptions is not a list of strings"
    return stored, None


@dataclass
class PolicyVerdict:
    """What the API server does with one class: which validations of each policy fail, and
    their messages."""

    matched: bool
    refused_by_schema: str | None = None
    failed: dict[str, dict[str, str]] = field(default_factory=dict)  # policy name -> rule -> message


def rule_ids(policy: dict) -> list[str]:
    text = policy["metadata"]["annotations"]["fsx-webhook/rules"]
    return text.split(",") if text else []


def judge(policies: list[dict], obj: dict) -> PolicyVerdict:
    stored, refused = as_stored(obj)
    if refused:
        # Only FSx classes are compared; the schema refuses the others alike.
        return PolicyVerdict(matched=obj.get("provisioner") == FSX, refused_by_schema=refused)
    activation = {"object": celpy.json_to_cel(stored), "oldObject": None}
    verdict = PolicyVerdict(matched=False)
    # Both policies declare the same variables: evaluated once per class, as the API server
    # evaluates each at most once per policy.
    cache: dict[str, dict] = {}
    for policy in policies:
        if policy["kind"] != "ValidatingAdmissionPolicy":
            continue
        spec = policy["spec"]
        if not all(bool(evaluate(c["expression"], activation)) for c in spec.get("matchConditions", [])):
            continue
        verdict.matched = True
        key = json.dumps(spec.get("variables", []))
        variables: dict[str, Any] = cache.setdefault(key, {})
        bound = dict(activation)
        for variable in spec.get("variables", []):
            if variable["name"] in variables:
                continue
            bound["variables"] = celtypes.MapType({celtypes.StringType(k): v for k, v in variables.items()})
            variables[variable["name"]] = evaluate(variable["expression"], bound)
        bound["variables"] = celtypes.MapType({celtypes.StringType(k): v for k, v in variables.items()})
        failed: dict[str, str] = {}
        for rule, validation in zip(rule_ids(policy), spec["validations"], strict=True):
            result = evaluate(validation["expression"], bound)
            assert isinstance(result, celtypes.BoolType), f"{rule}: {result!r}"
            if not result:
                message = evaluate(validation["messageExpression"], bound)
                assert isinstance(message, str), f"{rule}: message {message!r}"
                failed[rule] = str(message)
        verdict.failed[policy["metadata"]["name"]] = failed
    return verdict
