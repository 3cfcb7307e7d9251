#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's open-file limit (`RLIMIT_NOFILE`): every connection takes a descriptor.
public enum FileDescriptorLimit {
    /// Descriptors kept for everything that is not a webhook connection: the listening
    /// sockets, the operations server's connections, certificate reads, logs, the runtime.
    public static let reserve = 64

    /// The soft and hard limits, or `nil` when they cannot be read.
    public static func current() -> (soft: Int, hard: Int)? {
        var limit = rlimit()
        guard getrlimit(Self.resource, &limit) == 0 else { return nil }
        return (Self.clamp(limit.rlim_cur), Self.clamp(limit.rlim_max))
    }

    /// Raises the soft limit to the hard one, as the Go runtime does at start since Go 1.19:
    /// container runtimes often set a soft limit of 1,024 under a hard one of 500,000 or
    /// more, and the soft one is what `accept` runs into. Returns the limits now in force.
    @discardableResult
    public static func raiseSoftLimitToHardLimit() -> (soft: Int, hard: Int)? {
        var limit = rlimit()
        guard getrlimit(Self.resource, &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            // Refused on macOS above OPEN_MAX when the hard limit is unlimited: keep the old one.
            _ = setrlimit(Self.resource, &raised)
        }
        return current()
    }

    private static func clamp(_ value: rlim_t) -> Int {
        value >= rlim_t(Int.max) ? Int.max : Int(value)
    }

    #if canImport(Glibc)
        private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let resource = RLIMIT_NOFILE
    #endif
}
