/// A set of AWS credentials: long-lived keys, or temporary ones with a session token and an
/// expiry (IRSA, Pod Identity, IMDS).
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials stop working, in seconds since 1970; `nil` for keys that
    /// do not expire.
    public var expiration: Double?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Double? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }
}
