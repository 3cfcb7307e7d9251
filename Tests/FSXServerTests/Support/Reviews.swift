import FSXCore

/// AdmissionReview request bodies, as the apiserver sends them.
enum Reviews {
    static func envelope(
        uid: String, version: String = "admission.k8s.io/v1", operation: String, group: String, kind: String,
        namespace: String, name: String, object: String, oldObject: String = "null"
    ) -> String {
        """
        {"apiVersion":"\(version)","kind":"AdmissionReview","request":{"uid":"\(uid)",\
        "kind":{"group":"\(group)","version":"v1","kind":"\(kind)"},\
        "resource":{"group":"\(group)","version":"v1","resource":"\(kind.lowercased())s"},\
        "namespace":"\(namespace)","name":"\(name)","operation":"\(operation)",\
        "userInfo":{"username":"kubernetes-admin","groups":["system:masters"]},\
        "object":\(object),"oldObject":\(oldObject),"dryRun":false,"options":null}}
        """
    }

    /// An object no rule looks at.
    static func configMapCreate(uid: String, version: String = "admission.k8s.io/v1") -> String {
        envelope(
            uid: uid, version: version, operation: "CREATE", group: "", kind: "ConfigMap", namespace: "default",
            name: "settings",
            object:
                #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"default"},"data":{"a":"b"}}"#
        )
    }

    /// The PERSISTENT_2 StorageClass with S3 links of
    /// examples/broken/storageclass-seed-persistent2-s3.yaml.
    static func persistent2WithS3(uid: String) -> String {
        let storageClass = """
            {"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"fsx-lustre-persistent"},\
            "provisioner":"fsx.csi.aws.com","parameters":{"subnetId":"subnet-0123456789abcdef0",\
            "securityGroupIds":"sg-0123456789abcdef0","deploymentType":"PERSISTENT_2","storageType":"SSD",\
            "perUnitStorageThroughput":"250","dataCompressionType":"LZ4","autoImportPolicy":"NEW_CHANGED_DELETED",\
            "s3ImportPath":"s3://ml-training-data","s3ExportPath":"s3://ml-training-data/exports",\
            "fileSystemTypeVersion":"2.15"},"mountOptions":["flock"],"reclaimPolicy":"Delete",\
            "volumeBindingMode":"Immediate"}
            """
        return envelope(
            uid: uid, operation: "CREATE", group: "storage.k8s.io", kind: "StorageClass", namespace: "",
            name: "fsx-lustre-persistent", object: storageClass)
    }

    /// A training Job that opts in to volume injection and names none of its own.
    static let optedInJob = """
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"train","namespace":"ml",\
        "labels":{"fsx-webhook/inject":"true"}},"spec":{"template":{"spec":{"restartPolicy":"Never",\
        "containers":[{"name":"trainer","image":"trainer:1"}]}}}}
        """

    static func jobCreate(uid: String) -> String {
        envelope(
            uid: uid, operation: "CREATE", group: "batch", kind: "Job", namespace: "ml", name: "train",
            object: optedInJob)
    }

    static func jobUpdate(uid: String) -> String {
        envelope(
            uid: uid, operation: "UPDATE", group: "batch", kind: "Job", namespace: "ml", name: "train",
            object: optedInJob, oldObject: optedInJob)
    }

    /// An UPDATE of a ConfigMap whose old and new objects each carry `objectBytes` of data:
    /// the shape of the largest review the apiserver can send.
    static func largeConfigMapUpdate(uid: String, objectBytes: Int) -> [UInt8] {
        let filler = String(repeating: "x", count: objectBytes)
        let object =
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big","namespace":"default"},"data":{"blob":"\#(filler)"}}"#
        return Array(
            envelope(
                uid: uid, operation: "UPDATE", group: "", kind: "ConfigMap", namespace: "default", name: "big",
                object: object, oldObject: object
            ).utf8)
    }

    /// The configuration the Job tests run with: one volume, its zone given directly.
    static let jobConfiguration: JSONValue = [
        "volumes": [
            "training-data": [
                "claimName": "training-data",
                "mountPath": "/data",
                "readOnly": true,
                "zone": "us-west-2a",
            ]
        ],
        "defaultVolumes": ["training-data"],
        "placement": "required",
    ]
}
