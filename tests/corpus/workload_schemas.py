"""Where the pod templates of each mutated workload kind are, and the structure around them.

kubernetes-validate knows only the built-in API. For the custom resources (JobSet,
PyTorchJob, TFJob, MPIJob, RayJob, RayCluster) the test validates each pod template
strictly as the built-in object it is (a JobSet's job template as a batch/v1 Job, every
other template as a v1 Pod), and checks the structure that leads to the templates against
the subsets of the CRDs' schemas below: the fields the public examples use, with
additionalProperties false at the replica and template level, so that a patch that wrote
outside a pod template, or a misplaced field, fails as the API server's pruning would drop it.
"""

from __future__ import annotations

from typing import Any, Iterator

_object = {"type": "object"}
_template = {
    "type": "object",
    "additionalProperties": False,
    "required": ["spec"],
    "properties": {"metadata": {"type": ["object", "null"]}, "spec": _object},
}


def _replica_specs(*extra: str) -> dict[str, Any]:
    """A Kubeflow replica-spec map (`Worker: {replicas, restartPolicy, template}`)."""
    fields = {"replicas": {"type": "integer"}, "restartPolicy": {"type": "string"}, "template": _template}
    fields.update({name: {} for name in extra})
    return {
        "type": "object",
        "additionalProperties": {"type": "object", "additionalProperties": False, "required": ["template"], "properties": fields},
    }


def _kubeflow(kind: str, api_version: str, key: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "spec": {"type": "object", "required": [key], "properties": {key: _replica_specs()}},
        },
    }


_ray_head = {
    "type": "object",
    "additionalProperties": False,
    "required": ["template"],
    "properties": {
        "rayStartParams": {"type": "object", "additionalProperties": {"type": "string"}},
        "template": _template,
        "serviceType": {"type": "string"},
        "headService": _object,
        "enableIngress": {"type": "boolean"},
    },
}
_ray_workers = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["groupName", "template"],
        "properties": {
            "groupName": {"type": "string"},
            "replicas": {"type": "integer"},
            "minReplicas": {"type": "integer"},
            "maxReplicas": {"type": "integer"},
            "numOfHosts": {"type": "integer"},
            "idleTimeoutSeconds": {"type": "integer"},
            "suspend": {"type": "boolean"},
            "rayStartParams": {"type": "object", "additionalProperties": {"type": "string"}},
            "scaleStrategy": _object,
            "template": _template,
        },
    },
}
_ray_cluster_spec = {
    "type": "object",
    "required": ["headGroupSpec"],
    "properties": {"headGroupSpec": _ray_head, "workerGroupSpecs": _ray_workers},
}

SCHEMAS: dict[tuple[str, str], dict[str, Any]] = {
    ("jobset.x-k8s.io/v1alpha2", "JobSet"): {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "spec": {
                "type": "object",
                "required": ["replicatedJobs"],
                "properties": {
                    "replicatedJobs": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["name", "template"],
                            "properties": {
                                "name": {"type": "string"},
                                "groupName": {"type": "string"},
                                "replicas": {"type": "integer"},
                                "dependsOn": {"type": "array"},
                                "template": _template,
                            },
                        },
                    }
                },
            }
        },
    },
    ("kubeflow.org/v1", "PyTorchJob"): _kubeflow("PyTorchJob", "kubeflow.org/v1", "pytorchReplicaSpecs"),
    ("kubeflow.org/v1", "TFJob"): _kubeflow("TFJob", "kubeflow.org/v1", "tfReplicaSpecs"),
    ("kubeflow.org/v2beta1", "MPIJob"): _kubeflow("MPIJob", "kubeflow.org/v2beta1", "mpiReplicaSpecs"),
    ("ray.io/v1", "RayJob"): {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {"spec": {"type": "object", "properties": {"rayClusterSpec": _ray_cluster_spec}}},
    },
    ("ray.io/v1", "RayCluster"): {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {"spec": _ray_cluster_spec},
    },
}

BUILT_IN = {("batch/v1", "Job"), ("batch/v1", "CronJob"), ("v1", "Pod")}


def _pod(where: str, template: dict[str, Any]) -> dict[str, Any]:
    metadata = dict(template.get("metadata") or {})
    metadata["name"] = "template"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": template["spec"]}


def pod_specs(obj: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(JSON pointer, pod spec) for every pod template of a mutated workload."""
    kind, spec = obj["kind"], obj.get("spec", {})
    if kind == "Pod":
        yield "/spec", spec
    elif kind == "Job":
        yield "/spec/template/spec", spec["template"]["spec"]
    elif kind == "CronJob":
        yield "/spec/jobTemplate/spec/template/spec", spec["jobTemplate"]["spec"]["template"]["spec"]
    elif kind == "JobSet":
        for i, job in enumerate(spec["replicatedJobs"]):
            yield f"/spec/replicatedJobs/{i}/template/spec/template/spec", job["template"]["spec"]["template"]["spec"]
    elif kind in ("PyTorchJob", "TFJob", "MPIJob"):
        key = {"PyTorchJob": "pytorchReplicaSpecs", "TFJob": "tfReplicaSpecs", "MPIJob": "mpiReplicaSpecs"}[kind]
        for name, replica in spec[key].items():
            yield f"/spec/{key}/{name}/template/spec", replica["template"]["spec"]
    elif kind in ("RayJob", "RayCluster"):
        prefix, cluster = ("/spec/rayClusterSpec", spec["rayClusterSpec"]) if kind == "RayJob" else ("/spec", spec)
        yield f"{prefix}/headGroupSpec/template/spec", cluster["headGroupSpec"]["template"]["spec"]
        for i, group in enumerate(cluster.get("workerGroupSpecs") or []):
            yield f"{prefix}/workerGroupSpecs/{i}/template/spec", group["template"]["spec"]
    else:
        raise ValueError(f"not a mutated kind: {kind}")


def built_in_parts(obj: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, built-in object) to validate with kubernetes-validate: the object itself for a
    built-in kind; for a custom resource, each of its templates as the object it templates."""
    key = (obj["apiVersion"], obj["kind"])
    if key in BUILT_IN:
        yield "object", obj
        return
    if obj["kind"] == "JobSet":
        for i, job in enumerate(obj["spec"]["replicatedJobs"]):
            template = job["template"]
            metadata = dict(template.get("metadata") or {})
            metadata["name"] = "template"
            yield f"replicatedJobs[{i}]", {"apiVersion": "batch/v1", "kind": "Job", "metadata": metadata, "spec": template["spec"]}
        return
    for pointer, _ in pod_specs(obj):
        template = _resolve(obj, pointer.rsplit("/", 1)[0])
        yield pointer, _pod(pointer, template)


def _resolve(obj: Any, pointer: str) -> Any:
    for token in pointer.strip("/").split("/"):
        obj = obj[int(token)] if isinstance(obj, list) else obj[token]
    return obj
