import ArgumentParser

/// The manifest inputs shared by `check` and `mutate`: files, folders, or `-`.
struct ManifestPaths: ParsableArguments {
    @Argument(help: ArgumentHelp("Files, folders, or - for standard input.", valueName: "path"))
    var paths: [String] = []

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one file, folder, or - for standard input") }
    }
}
