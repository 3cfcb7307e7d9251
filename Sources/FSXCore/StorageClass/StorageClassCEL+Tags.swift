/// CEL renderings of the rule in `StorageClassValidator+Tags.swift`.
extension StorageClassCEL {
    /// AWS's tag text (`StorageClassValidator.isTagText`): letters, numbers, separators and
    /// `_ . : / = + - @`, as RE2's Unicode classes.
    static let tagTextPattern = "^[\\\\p{L}\\\\p{Z}\\\\p{N}_.:/=+@-]*$"
    /// The longest valid `extraTags`, in characters (CEL's `size`): 49 tags of a 128-character
    /// key, '=', a 256-character value, and 48 commas. Longer is surely invalid, so the guard
    /// keeps the rule exact while it bounds the cost of splitting and matching.
    static let maximumTagsLength =
        StorageClassValidator.maximumExtraTags
        * (StorageClassValidator.maximumTagKeyLength + 1 + StorageClassValidator.maximumTagValueLength)
        + StorageClassValidator.maximumExtraTags - 1

    static var tagValidations: [Validation] {
        let tags = FSxParameter.extraTags
        let key = "i.split('=')[0]"
        // One predicate per `TagProblem`, over an item `i`, in the order the webhook reports them.
        let problems: [(StorageClassValidator.TagProblem, String)] = [
            (.format, "size(i.split('=')) != 2"),
            (.keyLength, "size(i.split('=')) == 2 && (size(\(key)) == 0 || size(\(key)) > 128)"),
            (.valueLength, "size(i.split('=')) == 2 && size(i.split('=')[1]) > 256"),
            (
                .characters,
                "size(i.split('=')) == 2 && !(\(key).matches('\(tagTextPattern)') "
                    + "&& i.split('=')[1].matches('\(tagTextPattern)'))"
            ),
            (.awsPrefix, "size(i.split('=')) == 2 && \(key).matches('^[aA][wW][sS]:')"),
            (.driverKey, "size(i.split('=')) == 2 && \(key) == '\(StorageClassValidator.driverTagKey)'"),
            // The webhook names the later item of a duplicate pair; the first item whose key an
            // earlier item has (or that appears twice whole) is that item or one of the same text.
            (
                .duplicate,
                "size(i.split('=')) == 2 && (keys.indexOf(\(key)) < items.indexOf(i) "
                    + "|| size(items.filter(j, j == i)) > 1)"
            ),
        ]
        let countMessage = message(
            tags, value: nil,
            CEL.concat(
                CEL.string("has "), "string(size(items))",
                CEL.string(
                    " tags; AWS allows 50 per file system and the driver adds CSIVolumeName, so at most 49; remove some"
                )))
        // Each kind names its first offending item, as the webhook does; the text around the
        // item comes from `TagProblem.explanation` itself, so the two cannot drift apart.
        var itemMessages = countMessage
        for (problem, predicate) in problems.reversed() {
            let marker = "ITEM_MARKER"
            let explanation = problem.explanation(Substring(marker))
            let quoted = Violation.quote(marker)
            guard let range = explanation.firstRange(of: quoted) else {
                preconditionFailure("\(problem) names no item")
            }
            let text = CEL.concat(
                CEL.string(String(explanation[..<range.lowerBound])), CEL.quote("f[0]"),
                CEL.string(String(explanation[range.upperBound...])))
            itemMessages = CEL.bind(
                "f", "items.filter(i, \(predicate))",
                "size(f) > 0 ? \(message(tags, value: nil, text)) : \(itemMessages)")
        }
        // Valid: every item is key=value with the lengths, characters and keys AWS accepts,
        // and no key twice (a second pass over the keys alone, so each item is split once).
        // The size test sits inside the binding, so that no step of a macro can fail (an
        // error inside `map` escapes `&&` in cel-python, which the agreement test runs on).
        let itemValid =
            CEL.bind(
                "kv", "i.split('=')",
                "size(kv) == 2 && size(kv[0]) >= 1 && size(kv[0]) <= \(StorageClassValidator.maximumTagKeyLength) "
                    + "&& size(kv[1]) <= \(StorageClassValidator.maximumTagValueLength) "
                    + "&& kv[0].matches('\(tagTextPattern)') && kv[1].matches('\(tagTextPattern)') "
                    + "&& !kv[0].matches('^[aA][wW][sS]:') && kv[0] != '\(StorageClassValidator.driverTagKey)'")
        return [
            Validation(
                rule: "extra-tags",
                expression:
                    "!\(tags.celSet) || (size(\(tags.cel)) <= \(maximumTagsLength) && "
                    + CEL.bind(
                        "items", "\(tags.cel).split(',')",
                        "size(items) <= \(StorageClassValidator.maximumExtraTags) && items.all(i, \(itemValid)) && "
                            + CEL.bind(
                                "keys", "items.map(i, i.split('=')[0])",
                                "keys.all(k, size(keys.filter(x, x == k)) == 1)"))
                    + ")",
                // The first offending item of the first kind of problem, as the webhook reports it.
                // Past 49 tags the count is the message (the webhook gives it too), and a value
                // longer than any valid one gets the length message, which keeps the search short.
                messageExpression:
                    "size(\(tags.cel)) <= \(maximumTagsLength) ? "
                    + CEL.bind(
                        "items", "\(tags.cel).split(',')",
                        "size(items) <= \(StorageClassValidator.maximumExtraTags) ? "
                            + CEL.bind(
                                "keys", "items.map(j, size(j.split('=')) == 2 ? j.split('=')[0] : '=')", itemMessages)
                            + " : \(countMessage)")
                    + " : "
                    + CEL.bind(
                        "items", "\(tags.cel).split(',')",
                        "size(items) > \(StorageClassValidator.maximumExtraTags) ? \(countMessage) : "
                            + message(
                                tags, value: nil,
                                CEL.string(
                                    "is longer than 49 tags of a 128-character key and a 256-character value can be; "
                                        + "AWS refuses it; shorten it"))))
        ]
    }
}
