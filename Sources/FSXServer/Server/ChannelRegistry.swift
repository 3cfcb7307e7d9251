import NIOConcurrencyHelpers
import NIOCore

/// The open connections, so the ones still open when the shutdown grace period ends can
/// be closed by force.
final class ChannelRegistry: Sendable {
    private let channels = NIOLockedValueBox([ObjectIdentifier: any Channel]())

    func add(_ channel: any Channel) {
        _ = add(channel, limit: .max)
    }

    /// Registers `channel` unless `limit` channels are already open; checked and added under
    /// one lock, so connections accepted at once on several event loops cannot pass the limit.
    func add(_ channel: any Channel, limit: Int) -> Bool {
        let id = ObjectIdentifier(channel)
        let added = channels.withLockedValue { channels in
            guard channels.count < limit else { return false }
            channels[id] = channel
            return true
        }
        guard added else { return false }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.channels.withLockedValue { _ = $0.removeValue(forKey: id) }
        }
        return true
    }

    var count: Int { channels.withLockedValue { $0.count } }

    func closeAll() {
        let open = channels.withLockedValue { Array($0.values) }
        for channel in open { channel.close(promise: nil) }
    }
}
