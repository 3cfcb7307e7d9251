#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer (swiftc -sanitize=fuzzer,address), bounded in time.
#
#   scripts/fuzz.sh [seconds] [review|json|manifest|all]     default: 60 review
#
# review:   Fuzz/ReviewFuzzer, request bodies through AdmissionEngine.review on both endpoints,
#           with the apiserver's checks on every response (docs/reliability.md).
# json:     Fuzz/JSONFuzzer, bytes through FSXJSON's scanner and view, against the reference
#           parser of the tests (same value, or the same error at the same offset).
# manifest: Fuzz/ManifestFuzzer, YAML text through FSXManifests' YAMLDocuments.parse.
# all:      all three, each for the given number of seconds.
#
# The corpus grows in .build-fuzz/corpus/<target> from run to run; crashes, leaks, timeouts
# and out-of-memory inputs land in .build-fuzz/artifacts/<target>/. The script exits 1 when
# a run found any. Long run (documented in docs/reliability.md):
#
#   scripts/fuzz.sh 3600 all
#
# Reproduce one finding: .build-fuzz/review-fuzzer <artifact file>
# A finding, once fixed, is kept in Fuzz/regressions/<target>/ (seeds for every later run)
# and replayed by a test (Tests/FSXManifestsTests/ManifestFuzzRegressionTests.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Swift's crash backtracer reads the stack in ways ASan reports as an underflow, which would
# bury the real message after a fatalError; libFuzzer prints its own stack trace.
export SWIFT_BACKTRACE=enable=no
# Leaks are findings, less the one-time allocations of global initializers.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/scripts/lsan-suppressions.txt:print_suppressions=0}

seconds=${1:-60}
which=${2:-review}
out="$root/.build-fuzz"
mkdir -p "$out/modules"

# -O: speed matters more than debuggability here; -gline-tables-only keeps stack traces
# symbolized. Every Swift file of a target is instrumented for coverage (fuzzer) and
# memory errors (address).
swift_flags=(-O -gline-tables-only -sanitize=fuzzer,address -parse-as-library)

# Rebuilds `output` only when one of the inputs is newer, so a second run starts at once.
stale() {
    local output=$1
    shift
    [[ ! -e "$output" ]] && return 0
    [[ -n "$(find "$@" -newer "$output" -print -quit)" ]]
}

# The linker warns about ASan's local symbols on every link; the warnings are noise.
quiet_link() { grep -v "Cannot export local symbol" || true; }

# One package name for FSXJSON and FSXCore, so FSXCore reaches FSXJSON's `package` API.
# FSXCore is built for testing too, so the JSON fuzzer can use the reference parser of the
# tests, which reads FSXCore's internals.
package_flags=(-package-name fsx_webhook)

build_json() {
    local sources
    mapfile -t sources < <(find Sources/FSXJSON -name '*.swift' | sort)
    if stale "$out/libFSXJSON.a" Sources/FSXJSON; then
        echo "building FSXJSON (fuzzer, address)"
        swiftc "${swift_flags[@]}" "${package_flags[@]}" -module-name FSXJSON -emit-module \
            -emit-module-path "$out/modules/FSXJSON.swiftmodule" \
            -emit-library -static -o "$out/libFSXJSON.a" "${sources[@]}"
    fi
}

build_core() {
    build_json
    local sources
    mapfile -t sources < <(find Sources/FSXCore -name '*.swift' | sort)
    if stale "$out/libFSXCore.a" Sources/FSXCore "$out/libFSXJSON.a"; then
        echo "building FSXCore (fuzzer, address)"
        swiftc "${swift_flags[@]}" "${package_flags[@]}" -enable-testing -module-name FSXCore \
            -I "$out/modules" -emit-module -emit-module-path "$out/modules/FSXCore.swiftmodule" \
            -emit-library -static -o "$out/libFSXCore.a" "${sources[@]}"
    fi
}

build_json_fuzzer() {
    build_core
    local inputs=(Fuzz/JSONFuzzer Tests/FSXCoreTests/Support/ReferenceJSONParser.swift "$out/libFSXCore.a")
    if stale "$out/json-fuzzer" "${inputs[@]}"; then
        echo "building json-fuzzer"
        # The reference parser of the tests, the straightforward byte-by-byte parser the
        # differential tests hold the scanner to.
        swiftc "${swift_flags[@]}" "${package_flags[@]}" -module-name JSONFuzzer -I "$out/modules" \
            Fuzz/JSONFuzzer/main.swift Tests/FSXCoreTests/Support/ReferenceJSONParser.swift \
            "$out/libFSXCore.a" "$out/libFSXJSON.a" -o "$out/json-fuzzer" 2>&1 | quiet_link
    fi
}

build_review() {
    build_core
    local inputs=(Fuzz/ReviewFuzzer Tests/FSXCoreTests/Support/JSONPatchApplier.swift
        Tests/FSXCoreTests/Support/Base64+Tests.swift "$out/libFSXCore.a")
    if stale "$out/review-fuzzer" "${inputs[@]}"; then
        echo "building review-fuzzer"
        # The JSON Patch applier of the tests, written from RFC 6902 and sharing no code
        # with the patch builder, applies the webhook's patches the way the apiserver does;
        # the base64 decoder of the tests reads them.
        swiftc "${swift_flags[@]}" -module-name ReviewFuzzer -I "$out/modules" \
            Fuzz/ReviewFuzzer/main.swift Tests/FSXCoreTests/Support/JSONPatchApplier.swift \
            Tests/FSXCoreTests/Support/Base64+Tests.swift \
            "$out/libFSXCore.a" "$out/libFSXJSON.a" -o "$out/review-fuzzer" 2>&1 | quiet_link
    fi
}

# Yams is not a Swift-only package (its CYaml is C), so it is built here by hand from the
# checkout SwiftPM resolved for Package.swift: the same version the product uses.
build_manifest() {
    build_core
    local yams="$root/.build/checkouts/Yams"
    if [[ ! -d "$yams/Sources/CYaml" ]]; then
        echo "resolving packages for the Yams checkout"
        swift package resolve >/dev/null
    fi
    if stale "$out/libYams.a" "$yams/Sources"; then
        echo "building CYaml and Yams (fuzzer, address)"
        mkdir -p "$out/cyaml"
        local c
        for c in "$yams"/Sources/CYaml/src/*.c; do
            clang -O1 -g -fsanitize=fuzzer-no-link,address -DYAML_DECLARE_STATIC \
                -I "$yams/Sources/CYaml/include" -c "$c" -o "$out/cyaml/$(basename "$c" .c).o"
        done
        local sources
        mapfile -t sources < <(find "$yams/Sources/Yams" -name '*.swift' | sort)
        # SWIFT_PACKAGE and YAML_DECLARE_STATIC as Yams' own Package.swift sets them.
        swiftc "${swift_flags[@]}" -module-name Yams -D SWIFT_PACKAGE -Xcc -DYAML_DECLARE_STATIC \
            -I "$yams/Sources/CYaml/include" -emit-module -emit-module-path "$out/modules/Yams.swiftmodule" \
            -emit-library -static -o "$out/libYamsSwift.a" "${sources[@]}"
        rm -f "$out/libYams.a"
        ar rcs "$out/libYams.a" "$out"/cyaml/*.o
    fi
    if stale "$out/libFSXManifests.a" Sources/FSXManifests "$out/libYams.a" "$out/libFSXCore.a"; then
        echo "building FSXManifests (fuzzer, address)"
        local sources
        mapfile -t sources < <(find Sources/FSXManifests -name '*.swift' | sort)
        swiftc "${swift_flags[@]}" -module-name FSXManifests -I "$out/modules" \
            -Xcc -I"$yams/Sources/CYaml/include" -emit-module \
            -emit-module-path "$out/modules/FSXManifests.swiftmodule" \
            -emit-library -static -o "$out/libFSXManifests.a" "${sources[@]}"
    fi
    if stale "$out/manifest-fuzzer" Fuzz/ManifestFuzzer "$out/libFSXManifests.a"; then
        echo "building manifest-fuzzer"
        swiftc "${swift_flags[@]}" -module-name ManifestFuzzer -I "$out/modules" \
            -Xcc -I"$yams/Sources/CYaml/include" Fuzz/ManifestFuzzer/main.swift \
            "$out/libFSXManifests.a" "$out/libYamsSwift.a" "$out/libYams.a" "$out/libFSXCore.a" "$out/libFSXJSON.a" \
            -o "$out/manifest-fuzzer" 2>&1 | quiet_link
    fi
}

# run TARGET SEED_DIRS...: one bounded libFuzzer run, then its figures.
run() {
    local target=$1
    shift
    local corpus="$out/corpus/$target" artifacts="$out/artifacts/$target" log="$out/$target.log"
    mkdir -p "$corpus" "$artifacts"
    local before
    before=$(find "$artifacts" -type f | wc -l)
    echo "fuzzing $target for ${seconds}s (log: ${log#"$root"/})"
    # -max_len 64 KiB: real Jobs and StorageClasses are 1-25 KiB and 512 levels of nesting
    #   take ~1 KiB, so this reaches every code path; larger inputs only slow each mutation.
    #   Size itself (7 MiB bodies, 100,000 levels) is covered by HostileReviewTests.
    # -rss_limit_mb 2048: a 64 KiB input that needs 2 GiB is a memory blow-up worth reporting
    #   (the machine is shared, so no more than that).
    # -timeout 10: one input normally takes well under a millisecond; 10 s is super-linear.
    # The corpus directory comes first: libFuzzer writes new inputs only there; the seed
    # directories are read, never changed.
    local seeds=() dir
    for dir in "$@"; do [[ -d "$dir" ]] && seeds+=("$dir"); done
    local status=0
    "$out/$target-fuzzer" "$corpus" "${seeds[@]}" \
        -dict="Fuzz/$target.dict" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
        -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts/" \
        >"$log" 2>&1 || status=$?
    local executions corpus_size found
    executions=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
    corpus_size=$(find "$corpus" -type f | wc -l)
    found=$(($(find "$artifacts" -type f | wc -l) - before))
    echo "$target: $executions executions in ${seconds}s, corpus $corpus_size inputs," \
        "$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1), exit $status"
    if ((found > 0 || status != 0)); then
        echo "$target: FOUND $found new artifact(s) in ${artifacts#"$root"/}:"
        ls -t "$artifacts" | head -n "$((found > 0 ? found : 20))"
        grep -E -A 30 'ERROR|invariant broken|Fatal error' "$log" | head -n 60
        return 1
    fi
    echo "$target: no crash, leak, timeout or out-of-memory"
}

seed_review() {
    local seeds="$out/seeds/review"
    rm -rf "$seeds"
    mkdir -p "$seeds"
    local dir
    for dir in Tests/FSXCoreTests/Fixtures/golden/*/; do
        cp "$dir/request.json" "$seeds/golden-$(basename "$dir").json"
    done
    echo "$seeds"
}

status=0
case "$which" in
review | all)
    build_review
    run review "$(seed_review)" Fuzz/seeds/review Fuzz/regressions/review || status=1
    ;;&
json | all)
    build_json_fuzzer
    run json "$(seed_review)" Fuzz/seeds/review Fuzz/regressions/json || status=1
    ;;&
manifest | all)
    build_manifest
    run manifest Fuzz/seeds/manifest Fuzz/regressions/manifest examples/manifests examples/broken || status=1
    ;;
review | json) ;;
*)
    echo "usage: scripts/fuzz.sh [seconds] [review|json|manifest|all]" >&2
    exit 2
    ;;
esac
exit $status
