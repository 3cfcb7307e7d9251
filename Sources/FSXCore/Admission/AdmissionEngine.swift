import FSXJSON

/// The one decision path shared by the server (`POST /validate`, `POST /mutate`) and the
/// CLI (`check`, `mutate`, `review`).
///
/// Pure: a value from (configuration, request) to a decision, with no sockets, files or
/// clocks, so the transport can change without touching it.
public struct AdmissionEngine: Sendable {
    /// Which webhook endpoint a review arrived on.
    public enum Endpoint: String, Sendable {
        /// Validating webhook: never answers with a patch.
        case validate
        /// Mutating webhook: answers with a JSON Patch when something is missing.
        case mutate
    }

    public let configuration: WebhookConfiguration

    /// The endpoint the Helm chart routes an object of this type to: StorageClasses,
    /// PersistentVolumes and VolumeAttributesClasses to the validating webhook, everything
    /// else to the mutating one. The one place that says so: the CLI's `review` uses it as
    /// its default, so it prints what the cluster would get.
    public static func endpoint(for type: ObjectType) -> Endpoint {
        switch (type.group, type.kind) {
        case ("storage.k8s.io", "StorageClass"), ("", "PersistentVolume"), ("storage.k8s.io", "VolumeAttributesClass"):
            return .validate
        default:
            return .mutate
        }
    }

    /// The file systems of the configured `fileSystemId` volumes: asked for every workload,
    /// since which volumes one selects is read later; they are few and always cached.
    let fileSystemLookups: AWSLookups

    public init(configuration: WebhookConfiguration = .default) {
        self.configuration = configuration
        fileSystemLookups = AWSLookups(fileSystemIds: configuration.volumes.compactMap(\.fileSystemId))
    }

    /// Judges one request.
    ///
    /// - StorageClass with provisioner `fsx.csi.aws.com`: the rules of docs/rules.md.
    /// - PersistentVolume with `spec.csi.driver: fsx.csi.aws.com`: the static-PV rules.
    /// - VolumeAttributesClass with `driverName: fsx.csi.aws.com`: a warning (no ModifyVolume).
    /// - PersistentVolumeClaim whose FSx StorageClass is in `context` (the CLI's input): the
    ///   claim rules.
    /// - An opted-in workload of a `WorkloadKind.builtIn` kind (Job, CronJob, JobSet, Kubeflow
    ///   and Ray jobs, Pod) on CREATE: volumes, mounts and placement.
    /// - Anything else, and DELETE/CONNECT: allowed, untouched.
    ///
    /// With an `aws:` section, `facts` are what the edge gathered for `awsLookups(for:)`
    /// (`nil`: nothing could be gathered): StorageClasses get the `aws-` rules on CREATE, and
    /// `fileSystemId` volumes their zone. The decision reads them; it never asks AWS.
    public func decide(
        _ request: AdmissionRequest, context: DecisionContext = .none, facts: AWSFacts? = nil
    ) -> Decision {
        let route = Route(of: request)
        return withViews(of: request) { object, oldObject in
            decide(request, route: route, object: object, oldObject: oldObject, context: context, facts: facts)
        }
    }

    /// `decide` on the objects read in place, on the route they take (`Route(of:)`), found
    /// once by the caller: the server's decoding finds it while reading the body.
    func decide(
        _ request: AdmissionRequest, route: Route, object: JSONView?, oldObject: JSONView?,
        context: DecisionContext = .none, facts: AWSFacts? = nil
    ) -> Decision {
        guard let object else {
            return .allowed(Self.subject(kind: request.kind, namespace: request.namespace, name: request.name))
        }
        let subject = Self.subject(of: object, kind: route.type.kind, request: request)

        switch route.destination {
        case .storageClass:
            let aws = request.operation == .create ? awsFacts(facts) : nil
            return validated(request, subject: subject, object: object, oldObject: oldObject) { object in
                StorageClassValidator.validate(object, unknownParameters: configuration.unknownParameters, aws: aws)
            }
        case .persistentVolume:
            return validated(request, subject: subject, object: object, oldObject: oldObject) { object in
                PersistentVolumeValidator.validate(object)
            }
        case .volumeAttributesClass:
            return validated(request, subject: subject, object: object, oldObject: oldObject) { object in
                VolumeAttributesClassValidator.validate(object)
            }
        case .persistentVolumeClaim:
            guard let storageClass = context.storageClass(forClaim: object) else { return .allowed(subject) }
            // The context's classes are values (the CLI's); the one judged against is read as a
            // view like the claim. One that cannot be read back (deeper than
            // `JSONParser.maximumDepth`, which the CLI's reader refuses first) is no class.
            return storageClass.withView { storageClass in
                validated(request, subject: subject, object: object, oldObject: oldObject) { object in
                    PersistentVolumeClaimValidator.validate(object, storageClass: storageClass)
                }
            } ?? .allowed(subject)
        case .workload(let kind):
            let result = WorkloadMutator.mutate(
                object, kind: kind, configuration: configuration, facts: configuration.aws == nil ? nil : facts)
            return Decision(subject: subject, violations: result.violations, patch: result.patch)
        case .untouched:
            return .allowed(subject)
        }
    }

    /// Calls `body` with views of a built request's objects (`nil` for an absent one): the
    /// CLI's objects are values, written and scanned so the decision reads them as the
    /// server's. An object that cannot be read back (nested deeper than
    /// `JSONParser.maximumDepth`) is treated as absent; the CLI's reader refuses such
    /// manifests before they get here.
    func withViews<Result>(
        of request: AdmissionRequest, _ body: (_ object: JSONView?, _ oldObject: JSONView?) -> Result
    ) -> Result {
        func withOld(_ object: JSONView?) -> Result {
            guard let old = request.oldObject else { return body(object, nil) }
            return old.withView { body(object, $0) } ?? body(object, nil)
        }
        guard let object = request.object else { return withOld(nil) }
        return object.withView { withOld($0) } ?? withOld(nil)
    }

    /// The AWS facts a request needs before `decide`, for the edge to gather first (within
    /// the lookup budget): the subnet and security groups of a StorageClass being created,
    /// the file systems of the configured `fileSystemId` volumes for a workload being created.
    /// Empty without an `aws:` section.
    public func awsLookups(for request: AdmissionRequest) -> AWSLookups {
        let route = Route(of: request)
        return withViews(of: request) { object, _ in awsLookups(for: request, route: route, object: object) }
    }

    /// `awsLookups(for:)` on the route the decoding found.
    func awsLookups(for request: AdmissionRequest, route: Route, object: JSONView?) -> AWSLookups {
        guard configuration.aws != nil, request.operation == .create, let object else { return .none }
        switch route.destination {
        case .storageClass: return StorageClassValidator.awsLookups(object)
        case .workload: return fileSystemLookups
        default: return .none
        }
    }

    /// The facts the `aws-` rules run on: none without an `aws:` section, and none when the
    /// edge did not ask AWS (the CLI without `--aws` stays offline and says nothing of AWS).
    /// An edge that asked and got no answer passes facts whose `reason` says why.
    func awsFacts(_ facts: AWSFacts?) -> AWSFacts? {
        configuration.aws == nil ? nil : facts
    }

    /// Where `decide` sends an object, and so what it reads of the request: `oldObject` only
    /// when `readsOldObject` (AdmissionReview+Envelope.swift). Found once per review.
    struct Route: Equatable {
        /// The object's type; the request's when the object names none.
        var type: ObjectType
        var destination: Destination

        enum Destination: Equatable {
            case storageClass
            case persistentVolume
            case volumeAttributesClass
            /// Judged only against a StorageClass of the same input (`DecisionContext`).
            case persistentVolumeClaim
            case workload(WorkloadKind)
            /// Allowed as it is; only its name is read.
            case untouched
        }

        /// The route of an object of type `type` (read from the object) in `request`.
        init(type: ObjectType, request: AdmissionRequest) {
            var type = type
            if type.kind.isEmpty {
                type = ObjectType(group: request.group, version: request.version, kind: request.kind)
            }
            self.type = type
            switch (type.group, type.kind) {
            case ("storage.k8s.io", "StorageClass"): destination = .storageClass
            case ("", "PersistentVolume"): destination = .persistentVolume
            case ("storage.k8s.io", "VolumeAttributesClass"): destination = .volumeAttributesClass
            case ("", "PersistentVolumeClaim"): destination = .persistentVolumeClaim
            default:
                // Pod templates are immutable after creation, so workloads are mutated on
                // CREATE only.
                guard request.operation == .create, let kind = WorkloadKind.builtIn(for: type) else {
                    destination = .untouched
                    return
                }
                destination = .workload(kind)
            }
        }

        /// The route of a request whose object is built.
        init(of request: AdmissionRequest) {
            self.init(
                type: request.object.map { ObjectType(of: $0) } ?? ObjectType(group: "", version: "", kind: ""),
                request: request)
        }

        /// Whether `decide` reads `oldObject`: the validators do on UPDATE, to tell new
        /// problems from old ones.
        var readsOldObject: Bool {
            switch destination {
            case .storageClass, .persistentVolume, .volumeAttributesClass, .persistentVolumeClaim: return true
            case .workload, .untouched: return false
            }
        }
    }

    /// Applies a validator to the object; on UPDATE, problems the old object already had are
    /// reported as warnings, not denials, so an existing bad object can still be relabelled,
    /// have its finalizers removed, or be deleted (parameters of StorageClasses and the CSI
    /// source of PVs are immutable, so such problems cannot be fixed by an update anyway).
    ///
    /// Then the configuration's enforcement applies, here and only here, so the server and
    /// every CLI command agree: `validation.rules` overrides (off, warn, deny) on the old and
    /// new object alike, and under `validation.enforcement: warn` each remaining denial
    /// becomes a warning starting "would deny: ".
    func validated(
        _ request: AdmissionRequest, subject: String, object: JSONView, oldObject: JSONView?,
        _ rawValidate: (JSONView) -> [Violation]
    ) -> Decision {
        let rules = configuration.rules
        func validate(_ object: JSONView) -> [Violation] {
            rules.isEmpty ? rawValidate(object) : Self.applying(rules, to: rawValidate(object))
        }
        var violations = validate(object)
        if request.operation == .update, let old = oldObject {
            let before = Set(validate(old).filter { $0.severity == .deny }.map { Key(rule: $0.rule, field: $0.field) })
            violations = violations.map { violation in
                guard violation.severity == .deny, before.contains(Key(rule: violation.rule, field: violation.field))
                else { return violation }
                var softened = violation
                softened.severity = .warn
                softened.message = "already present: " + violation.message
                return softened
            }
        }
        if configuration.enforcement == .warn {
            violations = violations.map { violation in
                guard violation.severity == .deny else { return violation }
                var softened = violation
                softened.severity = .warn
                softened.wouldDeny = true
                softened.message = "would deny: " + violation.message
                return softened
            }
        }
        return Decision(subject: subject, violations: violations)
    }

    /// The `validation.rules` overrides: off drops a rule's violations, warn and deny set
    /// their severity.
    static func applying(
        _ rules: [RuleID: WebhookConfiguration.RuleSetting], to violations: [Violation]
    )
        -> [Violation]
    {
        violations.compactMap { violation in
            guard let setting = rules[violation.rule] else { return violation }
            var changed = violation
            switch setting {
            case .off: return nil
            case .warn: changed.severity = .warn
            case .deny: changed.severity = .deny
            }
            return changed
        }
    }

    struct Key: Hashable {
        var rule: RuleID
        var field: String
    }

    /// Decodes `body`, decides, and encodes the response AdmissionReview in the request's
    /// version. This is exactly what the server sends and what `fsx-webhook review` prints.
    ///
    /// The decision reads the objects in place, so `ReviewReply.request` holds neither
    /// `object` nor `oldObject`; `AdmissionReview.decode` gives the whole request.
    public func review(body: some Collection<UInt8>, endpoint: Endpoint) throws(ReviewError) -> ReviewReply {
        try withDecodedReview(body) { review($0, endpoint: endpoint, facts: nil) }
    }

    /// Decides an already decoded request and encodes the response.
    package func review(
        _ request: AdmissionRequest, version: AdmissionReview.Version, endpoint: Endpoint, facts: AWSFacts? = nil
    ) -> ReviewReply {
        let route = Route(of: request)
        return withViews(of: request) { object, oldObject in
            review(
                DecodedReview(version: version, request: request, route: route, object: object, oldObject: oldObject),
                endpoint: endpoint, facts: facts)
        }
    }

    func review(_ decoded: DecodedReview, endpoint: Endpoint, facts: AWSFacts?) -> ReviewReply {
        var decision = decide(
            decoded.request, route: decoded.route, object: decoded.object, oldObject: decoded.oldObject, facts: facts)
        if endpoint == .validate { decision.patch = [] }
        return ReviewReply(
            request: decoded.request, decision: decision, version: decoded.version, includePatch: endpoint == .mutate)
    }

    /// `Kind "namespace/name"`, or `Kind "name"` for cluster-scoped objects; a name still to
    /// be generated shows as its `generateName` prefix followed by `*`.
    static func subject(kind: String, namespace: String, name: String) -> String {
        let kindText = kind.isEmpty ? "object" : kind
        let nameText = name.isEmpty ? "(unnamed)" : name
        // Copied as bytes: interpolating or appending Strings checks grapheme boundaries at
        // every join and costs several times as much per review. The bytes are the same.
        let count = kindText.utf8.count + namespace.utf8.count + nameText.utf8.count + (namespace.isEmpty ? 3 : 4)
        return String(unsafeUninitializedCapacity: count) { buffer in
            var end = 0
            func put(_ text: String) {
                end += UnsafeMutableBufferPointer(rebasing: buffer[end...]).initialize(from: text.utf8).1
            }
            put(kindText)
            put(" \"")
            if !namespace.isEmpty {
                put(namespace)
                put("/")
            }
            put(nameText)
            put("\"")
            return end
        }
    }

    static func subject(of object: JSONView, kind: String, request: AdmissionRequest) -> String {
        let metadata = object["metadata"]
        var name = metadata?["name"]?.string ?? request.name
        if name.isEmpty, let prefix = metadata?["generateName"]?.string, !prefix.isEmpty { name = prefix + "*" }
        let namespace = metadata?["namespace"]?.string ?? request.namespace
        return subject(kind: kind, namespace: namespace, name: name)
    }
}
