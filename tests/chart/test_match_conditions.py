"""The webhooks' CEL matchConditions, evaluated with a CEL engine (cel-python)
against FSx and non-FSx objects, on CREATE and UPDATE, as the API server
evaluates them before it calls the webhook."""

from __future__ import annotations

import celpy
import pytest

from conftest import release

FSX = "fsx.csi.aws.com"
EBS = "ebs.csi.aws.com"


def webhook(rel, prefix):
    hooks = [hook for _, _, hook in rel.webhooks() if hook["name"].startswith(prefix + ".")]
    assert len(hooks) == 1, [h["name"] for _, _, h in rel.webhooks()]
    return hooks[0]


def matches(hook, *, obj, old=None, operation="CREATE", resource="storageclasses") -> bool:
    """True when every matchCondition is true: the API server then calls the webhook."""
    env = celpy.Environment()
    activation = {
        "object": celpy.json_to_cel(obj),
        "oldObject": celpy.json_to_cel(old),
        "request": celpy.json_to_cel({"operation": operation, "resource": {"group": "", "version": "v1", "resource": resource}}),
    }
    results = []
    for condition in hook["matchConditions"]:
        program = env.program(env.compile(condition["expression"]))
        value = program.evaluate(activation)
        # An error or a non-boolean would make the API server apply failurePolicy.
        assert isinstance(value, celpy.celtypes.BoolType), f"{condition['name']}: {value!r}"
        results.append(bool(value))
    return all(results)


def storage_class(provisioner):
    return {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "c"}, "provisioner": provisioner}


def pv(driver):
    spec = {"capacity": {"storage": "1200Gi"}, "accessModes": ["ReadWriteMany"]}
    if driver == "nfs":
        spec["nfs"] = {"server": "10.0.0.1", "path": "/"}
    elif driver is not None:
        spec["csi"] = {"driver": driver, "volumeHandle": "h"}
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "p"}, "spec": spec}


def vac(driver):
    return {"apiVersion": "storage.k8s.io/v1", "kind": "VolumeAttributesClass", "metadata": {"name": "v"}, "driverName": driver}


REL = release({"mutating": {"workloads": {"pods": {"enabled": True}}}})


def test_every_webhook_has_match_conditions():
    for _, _, hook in REL.webhooks():
        assert hook.get("matchConditions"), hook["name"]
        for condition in hook["matchConditions"]:
            celpy.Environment().compile(condition["expression"])


@pytest.mark.parametrize(
    "operation, new, old, expected",
    [
        ("CREATE", FSX, None, True),
        ("CREATE", EBS, None, False),
        ("CREATE", "efs.csi.aws.com", None, False),
        ("CREATE", "kubernetes.io/no-provisioner", None, False),
        ("UPDATE", FSX, FSX, True),
        ("UPDATE", EBS, EBS, False),
        # An update that moves a class away from the driver is still reviewed.
        ("UPDATE", EBS, FSX, True),
        ("UPDATE", FSX, EBS, True),
    ],
)
def test_storage_classes_only_of_the_fsx_provisioner(operation, new, old, expected):
    hook = webhook(REL, "storageclasses.validate")
    old_obj = storage_class(old) if old else None
    assert matches(hook, obj=storage_class(new), old=old_obj, operation=operation) is expected


def test_storage_class_without_provisioner_does_not_error():
    hook = webhook(REL, "storageclasses.validate")
    assert matches(hook, obj={"metadata": {"name": "c"}}) is False


@pytest.mark.parametrize(
    "operation, new, old, expected",
    [
        ("CREATE", FSX, None, True),
        ("CREATE", EBS, None, False),
        ("CREATE", "nfs", None, False),
        ("CREATE", None, None, False),
        ("UPDATE", FSX, FSX, True),
        ("UPDATE", EBS, EBS, False),
        ("UPDATE", None, FSX, True),
        ("UPDATE", "nfs", "nfs", False),
    ],
)
def test_persistent_volumes_only_of_the_fsx_driver(operation, new, old, expected):
    hook = webhook(REL, "persistentvolumes.validate")
    old_obj = pv(old) if operation == "UPDATE" else None
    assert matches(hook, obj=pv(new), old=old_obj, operation=operation, resource="persistentvolumes") is expected
    # Only FSx PVs reach the webhook, so failing closed touches no other driver.
    assert hook["failurePolicy"] == "Fail"


@pytest.mark.parametrize(
    "operation, new, old, expected",
    [("CREATE", FSX, None, True), ("CREATE", EBS, None, False), ("UPDATE", EBS, EBS, False), ("UPDATE", FSX, FSX, True)],
)
def test_volume_attributes_classes_only_of_the_fsx_driver(operation, new, old, expected):
    hook = webhook(REL, "volumeattributesclasses.validate")
    old_obj = vac(old) if old else None
    assert matches(hook, obj=vac(new), old=old_obj, operation=operation, resource="volumeattributesclasses") is expected


def owned(*refs):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "ownerReferences": list(refs)}}


@pytest.mark.parametrize(
    "obj, resource, expected",
    [
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bare"}}, "pods", True),
        (owned({"kind": "Job", "name": "train", "controller": True}), "pods", False),
        (owned({"kind": "ConfigMap", "name": "cm"}), "pods", True),
        (owned({"kind": "Job", "name": "train", "controller": False}), "pods", True),
        (owned({"kind": "X", "name": "a"}, {"kind": "ReplicaSet", "name": "rs", "controller": True}), "pods", False),
        # Other workloads are never filtered by the pod condition.
        ({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j", "ownerReferences": [{"kind": "CronJob", "controller": True}]}}, "jobs", True),
    ],
)
def test_pods_only_without_a_controller(obj, resource, expected):
    hook = webhook(REL, "workloads.mutate")
    assert matches(hook, obj=obj, resource=resource) is expected


def test_every_webhook_has_match_conditions_with_the_defaults_too():
    for _, _, hook in release().webhooks():
        assert hook.get("matchConditions"), hook["name"]
