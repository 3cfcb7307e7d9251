import FSXJSON

/// Other objects of the same input that a decision may consult.
///
/// The apiserver sends a webhook one object at a time, so the server decides with `.none`.
/// `fsx-webhook check` reads whole folders: it passes the StorageClasses it read, so that a
/// PersistentVolumeClaim can be judged against its class.
public struct DecisionContext: Sendable {
    /// StorageClasses by `metadata.name`, the first of each name.
    var storageClasses: [String: JSONValue] = [:]
    /// The class marked `storageclass.kubernetes.io/is-default-class: "true"`, when exactly
    /// one is: claims without `storageClassName` get it, as the apiserver's DefaultStorageClass
    /// admission plugin would give them. With several marked the cluster picks the newest,
    /// which an offline check cannot tell, so none is assumed.
    var defaultStorageClassName: String?

    /// No other objects.
    public static let none = DecisionContext()

    /// The StorageClasses among `objects`.
    public init(objects: some Sequence<JSONValue>) {
        var defaults: [String] = []
        for object in objects {
            let type = ObjectType(of: object)
            guard type.group.bytesEqual("storage.k8s.io"), type.kind.bytesEqual("StorageClass"),
                let name = object["metadata"]?["name"]?.stringValue, !name.isEmpty, storageClasses[name] == nil
            else { continue }
            storageClasses[name] = object
            let annotations = object["metadata"]?["annotations"]
            if annotations?["storageclass.kubernetes.io/is-default-class"]?.stringValue == "true"
                || annotations?["storageclass.beta.kubernetes.io/is-default-class"]?.stringValue == "true"
            {
                defaults.append(name)
            }
        }
        defaultStorageClassName = defaults.count == 1 ? defaults[0] : nil
    }

    init() {}

    /// The class a claim asks for, when it is among the objects: `spec.storageClassName`, else
    /// the legacy annotation `volume.beta.kubernetes.io/storage-class`, else the default class.
    /// An empty `storageClassName` asks for no class at all.
    ///
    /// The claim is read in place; the classes stay values (the CLI's objects are), and the
    /// caller reads the one found as a view (`JSONValue.withView`).
    func storageClass(forClaim claim: JSONView) -> JSONValue? {
        let name: String?
        if let explicit = claim["spec"]?["storageClassName"]?.string {
            name = explicit
        } else if let annotated = claim["metadata"]?["annotations"]?["volume.beta.kubernetes.io/storage-class"]?.string
        {
            name = annotated
        } else {
            name = defaultStorageClassName
        }
        guard let name, !name.isEmpty else { return nil }
        return storageClasses[name]
    }
}
