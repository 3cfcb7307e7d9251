"""Writes the hostile seeds of Fuzz/seeds/review from the golden requests.

Run from the repository root: python3 Fuzz/seeds/make-review-seeds.py .
The seeds are committed; this records how each was made, so they can be made again when
the golden requests change.
"""
import json, os, copy, sys
root = sys.argv[1]
out = os.path.join(root, "Fuzz/seeds/review")
os.makedirs(out, exist_ok=True)
g = os.path.join(root, "Tests/FSXCoreTests/Fixtures/golden")
def load(name): return json.load(open(os.path.join(g, name, "request.json")))
def dump(name, data):
    if isinstance(data, str): data = data.encode()
    open(os.path.join(out, name), "wb").write(data)
def compact(v): return json.dumps(v, separators=(",", ":"), ensure_ascii=False)

job = load("job-two-volumes-two-containers-patched")
sc = load("storageclass-many-mistakes-denied")
pv = load("persistentvolume-seed-warnings")
aff = load("job-existing-affinity-anded-patched")

head = '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE","object":'
dump("deep-arrays-over-limit.json", head + "[" * 600 + "]" * 600 + "}}")
dump("deep-objects-over-limit.json", head + '{"a":' * 600 + "1" + "}" * 600 + "}}")
# Just under the limit, inside a field the decision reads: parses, then is judged.
j = copy.deepcopy(job); spec = j["request"]["object"]["spec"]["template"]["spec"]
nested = 0
for _ in range(500): nested = [nested]
spec["affinity"] = {"nodeAffinity": nested}
dump("deep-affinity-under-limit.json", compact(j))
dump("empty.json", b"")
dump("null.json", "null")
dump("array-root.json", "[]")
dump("request-null.json", '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":null}')
# Numbers: beyond Int64, beyond Double, negative zero, long fractions.
j = copy.deepcopy(job); o = j["request"]["object"]
raw = compact(j).replace('"backoffLimit":0', '"backoffLimit":123456789012345678901234567890e999999')
raw = raw.replace('"dryRun":false', '"dryRun":false,"extra":[-0,1e-999999,9223372036854775808,-9223372036854775809,0.0000000000000000000000000001]')
dump("huge-numbers.json", raw)
j = copy.deepcopy(aff)
raw = compact(j).replace('"nodeSelectorTerms":[', '"nodeSelectorTerms":[{"matchExpressions":[{"key":"topology.kubernetes.io/zone","operator":"Gt","values":["18446744073709551616"]}]},')
dump("affinity-gt-huge.json", raw)
# Invalid UTF-8 in a key and in a value, an overlong encoding, an encoded surrogate.
raw = compact(job).encode()
dump("invalid-utf8-value.json", raw.replace(b'"train-llm"', b'"train-\xff\xfe"', 1))
dump("invalid-utf8-key.json", raw.replace(b'"app"', b'"a\xc0\xafp"', 1))
dump("encoded-surrogate.json", raw.replace(b'"trainer"', b'"tr\xed\xa0\x80iner"', 1))
dump("escapes.json", raw.replace(b'"trainer"', b'"tr\\u0000\\ud83d\\ude00\\n\\"iner"', 1))
dump("lone-surrogate.json", raw.replace(b'"trainer"', b'"\\ud800"', 1))
# Duplicate keys: the last one wins, as in Go.
raw = compact(job)
dump("duplicate-request.json", raw[:-1] + ',"request":' + compact(sc["request"]) + "}")
dump("duplicate-label.json", raw.replace('"fsx-webhook/inject":"true"', '"fsx-webhook/inject":"true","fsx-webhook/inject":"false","fsx-webhook/inject":"true"'))
dump("duplicate-uid.json", raw.replace('"uid":', '"uid":7,"uid":', 1))
# Wrong JSON types in every field the decoder reads.
def wrong(name, base, path, value):
    j = copy.deepcopy(base); t = j
    for k in path[:-1]: t = t[k]
    t[path[-1]] = value
    dump(name, compact(j))
P = ["request", "object", "spec", "template", "spec"]
wrong("type-request-array.json", job, ["request"], [1])
wrong("type-uid-number.json", job, ["request", "uid"], 1)
wrong("type-kind-string.json", job, ["request", "kind"], "Job")
wrong("type-operation-object.json", job, ["request", "operation"], {})
wrong("type-object-string.json", job, ["request", "object"], "x")
wrong("type-oldobject-array.json", job, ["request", "oldObject"], [])
wrong("type-dryrun-string.json", job, ["request", "dryRun"], "true")
wrong("type-metadata-array.json", job, ["request", "object", "metadata"], [])
wrong("type-labels-array.json", job, ["request", "object", "metadata", "labels"], ["fsx-webhook/inject"])
wrong("type-annotations-number.json", job, ["request", "object", "metadata", "annotations"], 3)
wrong("type-containers-object.json", job, P + ["containers"], {"name": "trainer"})
wrong("type-container-string.json", job, P + ["containers"], ["trainer", None])
wrong("type-volumes-number.json", job, P + ["volumes"], 2)
wrong("type-volumemounts-string.json", job, P + ["containers", 1, "volumeMounts"], "cache")
wrong("type-affinity-array.json", aff, P + ["affinity"], [])
wrong("type-terms-object.json", aff, P + ["affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"], {})
wrong("type-nodeselector-array.json", job, P + ["nodeSelector"], ["us-west-2a"])
wrong("type-template-null.json", job, ["request", "object", "spec", "template"], None)
wrong("type-parameters-array.json", sc, ["request", "object", "parameters"], ["deploymentType"])
wrong("type-parameter-number.json", sc, ["request", "object", "parameters", "perUnitStorageThroughput"], 200)
wrong("type-provisioner-bool.json", sc, ["request", "object", "provisioner"], True)
wrong("type-mountoptions-string.json", sc, ["request", "object", "mountOptions"], "flock")
wrong("type-csi-string.json", pv, ["request", "object", "spec", "csi"], "fsx.csi.aws.com")
wrong("type-volumeattributes-array.json", pv, ["request", "object", "spec", "csi", "volumeAttributes"], [])
# Other branches: v1beta1, preferred and none placement, an UPDATE of a StorageClass.
wrong("v1beta1-job.json", job, ["apiVersion"], "admission.k8s.io/v1beta1")
wrong("placement-preferred.json", job, ["request", "object", "metadata", "annotations", "fsx-webhook/placement"], "preferred")
wrong("placement-none.json", job, ["request", "object", "metadata", "annotations", "fsx-webhook/placement"], "none")
j = copy.deepcopy(sc); j["request"]["operation"] = "UPDATE"; j["request"]["oldObject"] = copy.deepcopy(j["request"]["object"])
dump("storageclass-update.json", compact(j))
# Truncated: the golden request cut in the middle of a string.
dump("truncated.json", compact(job)[:700])
for f in sorted(os.listdir(out)): print(os.path.getsize(os.path.join(out, f)), f)

# The other workload kinds: the golden Job's pod spec at each kind's template locations.
base = load("job-two-volumes-two-containers-patched")
pod = base["request"]["object"]["spec"]["template"]["spec"]
meta = base["request"]["object"]["metadata"]
def kind_seed(name, api, kind, spec):
    j = copy.deepcopy(base); o = j["request"]["object"]
    group, _, version = api.rpartition("/")
    j["request"]["kind"] = {"group": group, "version": version, "kind": kind}
    j["request"]["object"] = {"apiVersion": api, "kind": kind, "metadata": copy.deepcopy(meta), "spec": spec}
    dump(name, compact(j))
t = lambda: {"template": {"spec": copy.deepcopy(pod)}}
kind_seed("kind-cronjob.json", "batch/v1", "CronJob", {"schedule": "0 * * * *", "jobTemplate": {"spec": t()}})
kind_seed("kind-jobset.json", "jobset.x-k8s.io/v1alpha2", "JobSet", {"replicatedJobs": [{"name": "workers", "template": {"spec": t()}}, {"name": "driver", "template": {"spec": t()}}]})
kind_seed("kind-pytorchjob.json", "kubeflow.org/v1", "PyTorchJob", {"pytorchReplicaSpecs": {"Master": t(), "Worker": t()}})
kind_seed("kind-mpijob.json", "kubeflow.org/v2beta1", "MPIJob", {"mpiReplicaSpecs": {"Launcher": t(), "Worker": t()}})
kind_seed("kind-rayjob.json", "ray.io/v1", "RayJob", {"rayClusterSpec": {"headGroupSpec": t(), "workerGroupSpecs": [dict(groupName="gpu", **t())]}})
kind_seed("kind-raycluster.json", "ray.io/v1", "RayCluster", {"headGroupSpec": t(), "workerGroupSpecs": [dict(groupName="gpu", **t())]})
kind_seed("kind-pod.json", "v1", "Pod", copy.deepcopy(pod))
j = copy.deepcopy(base); j["request"]["object"]["metadata"]["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "Job", "name": "x", "uid": "1", "controller": True}]
j["request"]["object"]["kind"] = "Pod"; j["request"]["object"]["apiVersion"] = "v1"; j["request"]["object"]["spec"] = copy.deepcopy(pod)
dump("kind-pod-controlled.json", compact(j))
