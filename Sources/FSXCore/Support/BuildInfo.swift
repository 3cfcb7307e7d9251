/// What this build is: printed by `fsx-webhook version` and exported as
/// `fsx_webhook_build_info{version}`, so a dashboard shows which version each pod runs.
public enum BuildInfo {
    /// The release version (the Helm chart's appVersion).
    public static let version = "0.1.0"
}
