/// An `s3://bucket[/prefix]` path as FSx takes it for `s3ImportPath` and `s3ExportPath`.
///
/// Parsed by hand over UTF-8 bytes (no Regex, no Foundation), once per value.
struct S3Path: Equatable {
    var bucket: Substring
    var prefix: Substring

    /// Why a path is refused, with the user's fix.
    enum Problem: Error, Equatable {
        case scheme
        case emptyBucket
        case bucketLength(Int)
        case bucketCharacter
        case bucketUppercase
        case bucketEdge
        case doubleDot
        case ipAddress
        case reservedName
        case controlCharacter
        case tooLong

        /// "why; fix", to follow the quoted value in a message.
        var explanation: String {
            switch self {
            case .scheme:
                return "is not an S3 URL; write s3://bucket or s3://bucket/prefix"
            case .emptyBucket:
                return "has no bucket name; write s3://bucket or s3://bucket/prefix"
            case .bucketLength(let length):
                return "has a bucket name of \(length) characters, but S3 bucket names have 3 to 63; check the name"
            case .bucketCharacter:
                return
                    "has a bucket name with characters S3 does not allow (only a-z, 0-9, '.' and '-'); check the name"
            case .bucketUppercase:
                return "has uppercase letters in the bucket name, which S3 does not allow; write it in lowercase"
            case .bucketEdge:
                return "has a bucket name that does not start and end with a letter or digit; check the name"
            case .doubleDot:
                return "has '..' in the bucket name, which S3 does not allow; check the name"
            case .ipAddress:
                return "has an IP address as bucket name, which S3 does not allow; use the bucket's name"
            case .reservedName:
                return "uses a bucket prefix or suffix S3 reserves (xn--, sthree-, -s3alias, --ol-s3); check the name"
            case .controlCharacter:
                return "contains a control character or line break, which AWS refuses; remove it"
            case .tooLong:
                return "is longer than the 4357 characters AWS accepts; use a shorter prefix"
            }
        }
    }

    static let scheme = "s3://"
    static let maximumLength = 4357

    static func parse(_ text: String) -> Result<S3Path, Problem> {
        guard text.bytesHavePrefix(scheme) else { return .failure(.scheme) }
        if text.utf8.count > maximumLength { return .failure(.tooLong) }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x20 || v == 0x7F || v == 0x85 || v == 0x2028 || v == 0x2029 { return .failure(.controlCharacter) }
        }
        // Split on bytes: '/' is ASCII, so the parts are whole scalars.
        let rest = text.utf8.dropFirst(scheme.utf8.count)
        let slash = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
        let bucket = Substring(rest[..<slash])
        let prefix = Substring(slash == rest.endIndex ? rest[slash...] : rest[rest.index(after: slash)...])
        if let problem = bucketProblem(bucket) { return .failure(problem) }
        return .success(S3Path(bucket: bucket, prefix: prefix))
    }

    /// S3's bucket naming rules for general purpose buckets.
    static func bucketProblem(_ bucket: Substring) -> Problem? {
        let bytes = bucket.utf8
        if bytes.isEmpty { return .emptyBucket }
        var previous: UInt8 = 0
        for byte in bytes {
            let lower = byte >= 0x61 && byte <= 0x7A
            if !(lower || Patterns.isDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")) {
                return byte >= 0x41 && byte <= 0x5A ? .bucketUppercase : .bucketCharacter
            }
            if byte == UInt8(ascii: "."), previous == UInt8(ascii: ".") { return .doubleDot }
            previous = byte
        }
        if bytes.count < 3 || bytes.count > 63 { return .bucketLength(bytes.count) }
        func alphanumeric(_ b: UInt8) -> Bool { Patterns.isDigit(b) || (b >= 0x61 && b <= 0x7A) }
        if !alphanumeric(bytes.first!) || !alphanumeric(bytes.last!) { return .bucketEdge }
        if isIPv4(bucket) { return .ipAddress }
        if bucket.bytesHavePrefix("xn--") || bucket.bytesHavePrefix("sthree-") || bucket.bytesHaveSuffix("-s3alias")
            || bucket.bytesHaveSuffix("--ol-s3")
        {
            return .reservedName
        }
        return nil
    }

    /// Four dot-separated groups of 1–3 digits, the shape S3 refuses as a bucket name.
    static func isIPv4(_ text: Substring) -> Bool {
        let groups = text.splitBytes(UInt8(ascii: "."))
        return groups.count == 4
            && groups.allSatisfy { !$0.isEmpty && $0.utf8.count <= 3 && $0.utf8.allSatisfy(Patterns.isDigit) }
    }
}
