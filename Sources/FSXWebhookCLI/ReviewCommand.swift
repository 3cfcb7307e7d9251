import ArgumentParser
import FSXCore
import FSXManifests

/// `fsx-webhook review`: one AdmissionReview in, exactly the server's response out.
struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer one AdmissionReview request (JSON) exactly as the server would.",
        discussion: """
            Prints the response body the server would send, as compact JSON. Without --endpoint, the \
            review goes where the Helm chart routes its kind: StorageClass and PersistentVolume to \
            validate, everything else to mutate.

            Exit status: 0 allowed; 1 denied; 2 bad input, bad configuration or usage error.
            """)

    enum Endpoint: String, ExpressibleByArgument, CaseIterable {
        case validate, mutate

        var engineEndpoint: AdmissionEngine.Endpoint {
            switch self {
            case .validate: return .validate
            case .mutate: return .mutate
            }
        }
    }

    @OptionGroup var options: ConfigOptions

    @Option(help: "The webhook path to answer as: validate or mutate.")
    var endpoint: Endpoint?

    @Argument(help: ArgumentHelp("The AdmissionReview file, or - for standard input.", valueName: "file"))
    var file: String = "-"

    func run() throws {
        let configuration = try options.load()
        let body: [UInt8]
        do {
            body = try FileReader.readBytes(file)
        } catch {
            throw CLIFailure(error.message)
        }
        let source = file == "-" ? FileReader.standardInputName : file
        let engine = AdmissionEngine(configuration: configuration)
        let reply: ReviewReply
        do throws(ReviewError) {
            let target: AdmissionEngine.Endpoint
            if let endpoint { target = endpoint.engineEndpoint } else { target = try Self.routedEndpoint(body) }
            reply = try engine.review(body: body, endpoint: target)
        } catch {
            throw CLIFailure("\(source): \(error.message)")
        }
        Output.write(String(decoding: reply.body, as: UTF8.self) + "\n")
        if !reply.decision.isAllowed { throw ExitCode(1) }
    }

    /// The endpoint the Helm chart sends this review's kind to.
    static func routedEndpoint(_ body: [UInt8]) throws(ReviewError) -> AdmissionEngine.Endpoint {
        let (_, request) = try AdmissionReview.decode(body)
        var type = ObjectType(group: request.group, version: request.version, kind: request.kind)
        if type.kind.isEmpty, let object = request.object ?? request.oldObject { type = ObjectType(of: object) }
        return AdmissionEngine.endpoint(for: type)
    }
}
