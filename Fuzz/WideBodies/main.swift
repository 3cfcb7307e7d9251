// Wide hostile bodies, each close to the 7 MiB limit: one list or object with as many items
// as fit. Prints what each costs in a release build, so a cost that grows faster than the
// body (a scan per item, a line per item) shows up as seconds. Not a test: timings depend
// on the machine. Built and run by scripts/wide-bodies.sh; figures in docs/reliability.md.

import FSXCore

let configuration = WebhookConfiguration(
    volumes: [
        .init(
            name: "training-data", claimName: "training-data", mountPath: "/data", readOnly: true,
            subnetId: "subnet-0123456789abcdef0", zone: "us-west-2a"),
        .init(name: "checkpoints", claimName: "checkpoint-storage", mountPath: "/checkpoints", zone: "us-west-2a"),
    ],
    defaultVolumes: ["training-data"],
    zones: ["subnet-0123456789abcdef0": "us-west-2a"],
    placement: .required)
let engine = AdmissionEngine(configuration: configuration)

/// Bodies stop growing here: the server refuses larger ones (docs/reliability.md, "Limits and why").
let limit = 7 * 1024 * 1024

func review(_ object: String, operation: String = "CREATE", old: String = "null") -> String {
    #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"\#(operation)","object":\#(object),"oldObject":\#(old)}}"#
}

func job(spec: String, labels: String = "", annotations: String = "") -> String {
    let extra = labels.isEmpty ? "" : "," + labels
    return
        #"{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j","namespace":"ml","labels":{"fsx-webhook/inject":"true"\#(extra)},"annotations":{\#(annotations)}},"spec":{"template":{"spec":\#(spec)}}}"#
}

func storageClass(parameters: String, mountOptions: String = "") -> String {
    #"{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"s"},"provisioner":"fsx.csi.aws.com","parameters":{\#(parameters)},"mountOptions":[\#(mountOptions)]}"#
}

/// As many items as fit in the limit around `wrap`'s fixed part.
func filling(_ item: (Int) -> String, _ wrap: (String) -> String) -> String {
    let fixed = wrap("").utf8.count
    let each = item(999_999).utf8.count + 1
    let count = (limit - fixed) / each
    return wrap((0..<count).map(item).joined(separator: ","))
}

let container = #"{"name":"c","image":"i"}"#
let network =
    #""deploymentType":"SCRATCH_2","subnetId":"subnet-0123456789abcdef0","securityGroupIds":"sg-0123456789abcdef0""#
let terms = #"{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":["#

/// A StorageClass of unknown parameters filling half the limit, for an UPDATE of two.
let half = storageClass(
    parameters: (0..<(limit / 2 - 400) / 16).map { #""p\#($0 + 100_000)":"v""# }.joined(separator: ","))

let cases: [(String, String)] = [
    (
        "object keys (labels)",
        filling({ #""k\#($0)":"v""# }) { review(job(spec: #"{"containers":[\#(container)]}"#, labels: $0)) }
    ),
    (
        "wrong-typed labels",
        filling({ #""k\#($0)":1"# }) { review(job(spec: #"{"containers":[\#(container)]}"#, labels: $0)) }
    ),
    ("containers", filling({ #"{"name":"c\#($0)"}"# }) { review(job(spec: #"{"containers":[\#($0)]}"#)) }),
    (
        "volumes",
        filling({ #"{"name":"v\#($0)","emptyDir":{}}"# }) {
            review(job(spec: #"{"containers":[\#(container)],"volumes":[\#($0)]}"#))
        }
    ),
    (
        "volumeMounts",
        filling({ #"{"name":"v\#($0)","mountPath":"/m\#($0)"}"# }) {
            review(job(spec: #"{"containers":[{"name":"c","volumeMounts":[\#($0)]}]}"#))
        }
    ),
    (
        "nodeSelectorTerms",
        filling({ #"{"matchExpressions":[{"key":"k\#($0)","operator":"In","values":["a"]}]}"# }) {
            review(job(spec: #"{"containers":[\#(container)],"affinity":\#(terms)\#($0)]}}}}"#))
        }
    ),
    (
        "unknown volume names",
        filling({ "v\($0)" }) {
            review(job(spec: #"{"containers":[\#(container)]}"#, annotations: #""fsx-webhook/volumes":"\#($0)""#))
        }
    ),
    (
        "unknown container names",
        filling({ "c\($0)" }) {
            review(job(spec: #"{"containers":[\#(container)]}"#, annotations: #""fsx-webhook/containers":"\#($0)""#))
        }
    ),
    ("unknown parameters", filling({ #""p\#($0)":"v""# }) { review(storageClass(parameters: network + "," + $0)) }),
    (
        "unknown mount options",
        filling({ #""o\#($0)""# }) { review(storageClass(parameters: network, mountOptions: $0)) }
    ),
    (
        "one 7 MiB parameter key",
        review(storageClass(parameters: #""\#(String(repeating: "q", count: limit - 400))":"v""#))
    ),
    (
        "UPDATE, two 3.5 MiB objects",
        review(half, operation: "UPDATE", old: half)
    ),
]

let clock = ContinuousClock()
print("case                           body KiB     time  outcome          response KiB")
for (name, body) in cases {
    let bytes = Array(body.utf8)
    var outcome = ""
    var response = 0
    let elapsed = clock.measure {
        do {
            let reply = try engine.review(body: bytes, endpoint: .mutate)
            outcome = reply.decision.outcome.rawValue
            response = reply.body.count
        } catch {
            outcome = "400 \((error as? ReviewError)?.reason.rawValue ?? "\(error)")"
        }
    }
    let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
    func left(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
    print(
        pad(name, 30), left("\(bytes.count / 1024)", 8), left("\(milliseconds) ms", 8), " ", pad(outcome, 16),
        left("\(response / 1024)", 12))
}
