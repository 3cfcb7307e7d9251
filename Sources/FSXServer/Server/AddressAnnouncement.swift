import NIOConcurrencyHelpers
import NIOCore

/// The address a server bound, awaited by whoever needs it (tests bind port 0 and must
/// learn the real port; the executable logs it).
public final class AddressAnnouncement: Sendable {
    private enum State {
        case waiting([CheckedContinuation<SocketAddress, any Error>])
        case bound(SocketAddress)
        case failed(any Error)
    }

    private let state = NIOLockedValueBox(State.waiting([]))

    public init() {}

    /// The bound address, once the server has bound; throws if binding failed.
    public var address: SocketAddress {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let immediate: Result<SocketAddress, any Error>? = state.withLockedValue { state in
                    switch state {
                    case .waiting(var waiters):
                        waiters.append(continuation)
                        state = .waiting(waiters)
                        return nil
                    case .bound(let address): return .success(address)
                    case .failed(let error): return .failure(error)
                    }
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        }
    }

    func announce(_ result: Result<SocketAddress, any Error>) {
        let waiters: [CheckedContinuation<SocketAddress, any Error>] = state.withLockedValue { state in
            guard case .waiting(let waiters) = state else { return [] }
            switch result {
            case .success(let address): state = .bound(address)
            case .failure(let error): state = .failed(error)
            }
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}
