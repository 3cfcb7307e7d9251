// PLACEHOLDER: replaced by the StorageClass rules implementation.
public enum StorageClassValidator {
    public static let provisioner = "fsx.csi.aws.com"
    public static func validate(
        _ storageClass: JSONValue, unknownParameters: WebhookConfiguration.UnknownParameterPolicy
    ) -> [Violation] { [] }
}
