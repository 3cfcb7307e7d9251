// PLACEHOLDER: replaced by the static PersistentVolume rules implementation.
public enum PersistentVolumeValidator {
    public static func validate(_ persistentVolume: JSONValue) -> [Violation] { [] }
}
