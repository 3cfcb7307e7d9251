import FSXCore
import Foundation

/// The AdmissionReview bodies the benchmarks and the profiling driver decide.
///
/// The small ones are committed fixtures in `Tests/FSXCoreTests/Fixtures/bench/`, which the
/// core tests read too; the 7 MiB UPDATE is generated at run time, since committing it would
/// only add megabytes of noise to the repository.
public enum ReviewInputs {
    /// Where the committed inputs live, found from this file so the benchmark runs from any
    /// working directory.
    public static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ReviewInputs
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()  // Benchmarks
        .deletingLastPathComponent()  // repository root
        .appendingPathComponent("Tests/FSXCoreTests/Fixtures/bench")

    /// The largest body the server accepts: an UPDATE carries two objects of up to 3 MiB
    /// each plus the envelope (docs/reliability.md, "Limits and why").
    public static let maximumBodySize = 7 * 1024 * 1024

    static func bytes(_ name: String) -> [UInt8] {
        let url = fixtures.appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url) else {
            fatalError("benchmark input \(url.path) is missing")
        }
        return Array(data)
    }

    /// The realistic training-Job CREATE review (about 12 KB): four containers with 25 env
    /// vars each, an init container, managedFields, a last-applied annotation, tolerations,
    /// scheduling gates, a required node affinity on instance type, two FSx volumes asked for.
    public static func jobReview() -> [UInt8] { bytes("job-review.json") }

    /// A StorageClass CREATE review for the FSx CSI driver (about 1.3 KB).
    public static func storageClassReview() -> [UInt8] { bytes("storageclass-review.json") }

    /// The README's example review, compact: the PERSISTENT_2 class with S3 paths of
    /// examples/broken/storageclass-seed-persistent2-s3.yaml, denied
    /// with three messages (the path a mistaken `kubectl apply` takes).
    public static func deniedStorageClassReview() -> [UInt8] { bytes("storageclass-denied-review.json") }

    /// The configuration the Job review is decided with: both volumes it asks for exist and
    /// are in one zone, so the answer is a patch with mounts and a zone requirement.
    public static func configuration() -> WebhookConfiguration {
        do {
            return try WebhookConfiguration(json: try JSONParser.parse(bytes("config.json")))
        } catch {
            fatalError("benchmark configuration is not valid: \(error)")
        }
    }

    /// An UPDATE of the realistic Job that is as large as the server accepts: object and
    /// oldObject each carry a ConfigMap-sized dataset manifest in an annotation (JSON text
    /// with escaped quotes, as `last-applied-configuration` holds) and a container with
    /// thousands of env vars. Jobs are mutated on CREATE only, so the answer is `allowed`.
    public static func bigUpdateReview(size: Int = maximumBodySize) -> [UInt8] {
        let review = (try? JSONParser.parse(jobReview())) ?? .null
        guard case .object(var root) = review, case .object(var request)? = root["request"],
            let job = request["object"]
        else { fatalError("job-review.json is not an AdmissionReview with an object") }

        // Each object gets just under half the budget, split between the two kinds of bulk.
        let perObject = (size - JSONWriter.bytes(review).count) / 2 - 16 * 1024
        let manifest = datasetManifest(bytes: perObject / 2)
        let env = environment(bytes: perObject - JSONWriter.bytes(.string(manifest)).count)
        let object = enlarged(job, manifest: manifest, env: env, resourceVersion: "48213")
        let oldObject = enlarged(job, manifest: manifest, env: env, resourceVersion: "48177")

        request["operation"] = "UPDATE"
        request["object"] = object
        request["oldObject"] = oldObject
        request["options"] = ["kind": "UpdateOptions", "apiVersion": "meta.k8s.io/v1"]
        root["request"] = .object(request)
        let body = JSONWriter.bytes(.object(root))
        precondition(body.count <= size, "generated UPDATE is \(body.count) bytes, over \(size)")
        return body
    }

    /// A JSON listing of data shards, as text, full of `"` that the enclosing string escapes:
    /// about `bytes` long once escaped.
    static func datasetManifest(bytes: Int) -> String {
        var text = #"{"dataset":"llama-pretrain-corpus","shards":["#
        var index = 0
        var escaped = 0
        while escaped < bytes - 256 {
            let entry =
                (index > 0 ? "," : "")
                + #"{"path":"s3://ml-datasets/corpus/shard-\#(index).tar","bytes":\#(1_000_000 + index * 7919),"#
                + #""sha256":"\#(String(repeating: String(index % 16, radix: 16), count: 16))"}"#
            text += entry
            escaped += entry.utf8.count + entry.utf8.count(where: { $0 == UInt8(ascii: "\"") })
            index += 1
        }
        return text + "]}"
    }

    /// `{"name":"SHARD_n","value":"..."}` entries adding up to about `bytes` of JSON.
    static func environment(bytes: Int) -> [JSONValue] {
        var entries: [JSONValue] = []
        var total = 0
        var index = 0
        while total < bytes {
            let entry: JSONValue = [
                "name": .string("SHARD_\(index)_URI"),
                "value": .string("s3://ml-datasets/corpus/shard-\(index).tar?region=us-west-2&part=\(index % 97)"),
            ]
            total += JSONWriter.bytes(entry).count + 1
            entries.append(entry)
            index += 1
        }
        return entries
    }

    static func enlarged(_ job: JSONValue, manifest: String, env: [JSONValue], resourceVersion: String) -> JSONValue {
        guard case .object(var object) = job, case .object(var metadata)? = object["metadata"],
            case .object(var annotations)? = metadata["annotations"], case .object(var spec)? = object["spec"],
            case .object(var template)? = spec["template"], case .object(var podSpec)? = template["spec"],
            case .array(var containers)? = podSpec["containers"], case .object(var first)? = containers.first,
            case .array(let existing)? = first["env"]
        else { fatalError("the realistic Job no longer has the shape the generator expects") }
        annotations["example.com/dataset-manifest"] = .string(manifest)
        metadata["annotations"] = .object(annotations)
        metadata["resourceVersion"] = .string(resourceVersion)
        object["metadata"] = .object(metadata)
        first["env"] = .array(existing + env)
        containers[0] = .object(first)
        podSpec["containers"] = .array(containers)
        template["spec"] = .object(podSpec)
        spec["template"] = .object(template)
        object["spec"] = .object(spec)
        return .object(object)
    }
}
