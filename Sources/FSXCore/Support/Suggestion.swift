/// "Did you mean" for misspelt keys.
public enum Suggestion {
    /// The candidate nearest to `word`, when it is near enough to be a plausible typo:
    /// a case-insensitive match, or an edit distance of at most a third of the word (min 2).
    public static func nearest(to word: String, among candidates: some Sequence<String>) -> String? {
        let lowered = word.lowercased()
        let length = lowered.unicodeScalars.count
        let allowed = max(2, word.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let other = candidate.lowercased()
            if other == lowered { return candidate }
            // The distance is at least the difference in length, so a candidate that far off
            // can never be suggested; skipping it keeps a hostile 3 MiB key from costing
            // (key length × candidate length) per candidate.
            if abs(other.unicodeScalars.count - length) > allowed { continue }
            let distance = editDistance(lowered, other)
            if best == nil || distance < best!.distance || (distance == best!.distance && candidate < best!.name) {
                best = (candidate, distance)
            }
        }
        guard let best else { return nil }
        return best.distance <= allowed ? best.name : nil
    }

    /// Levenshtein distance over Unicode scalars.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
