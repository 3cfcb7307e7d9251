import FSXCore
import FSXManifests

/// The verdicts of `check`: one decision per object, from the same engine as the server.
struct CheckReport {
    struct Result {
        var manifest: Manifest
        var decision: Decision
    }

    struct Summary: Equatable {
        var objects = 0
        /// Allowed with nothing to say (including Jobs that would be patched).
        var allowed = 0
        /// Allowed, with warnings.
        var withWarnings = 0
        var denied = 0
        /// Allowed Jobs the mutating webhook would patch.
        var patched = 0
    }

    var results: [Result]
    var summary: Summary

    init(manifests: [Manifest], engine: AdmissionEngine, facts: AWSFacts? = nil) {
        // Claims are judged against the StorageClasses of the same input (files, folders,
        // stdin and List items together), as they will meet in the cluster.
        let context = DecisionContext(objects: manifests.lazy.map(\.object))
        results = manifests.map { manifest in
            Result(
                manifest: manifest,
                decision: engine.decide(AdmissionRequest(creating: manifest.object), context: context, facts: facts))
        }
        summary = Summary()
        for result in results {
            let decision = result.decision
            summary.objects += 1
            if !decision.isAllowed {
                summary.denied += 1
            } else if !decision.warnings.isEmpty {
                summary.withWarnings += 1
            } else {
                summary.allowed += 1
            }
            if decision.isAllowed && !decision.patch.isEmpty { summary.patched += 1 }
        }
    }
}
