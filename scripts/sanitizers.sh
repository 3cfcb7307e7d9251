#!/usr/bin/env bash
# The test suite under AddressSanitizer and ThreadSanitizer.
#
#   scripts/sanitizers.sh [address|thread|all] [core|full]     default: all core
#
# core: FSX_CORE_ONLY=1, FSXCore and its tests only (no dependency is built), the bounded
#       form for CI. full: the whole package, server tests included; the first build
#       compiles SwiftNIO, swift-nio-ssl and BoringSSL with the sanitizer and takes long.
#
# Each sanitizer and mode has its own scratch path: instrumented objects cannot be mixed
# with plain ones, and FSX_CORE_ONLY changes the package graph.
set -euo pipefail
cd "$(dirname "$0")/.."

which=${1:-all}
mode=${2:-core}
case "$which" in
address | thread) sanitizers=("$which") ;;
all) sanitizers=(address thread) ;;
*)
    echo "usage: scripts/sanitizers.sh [address|thread|all] [core|full]" >&2
    exit 2
    ;;
esac
case "$mode" in
core) export FSX_CORE_ONLY=1 ;;
full) unset FSX_CORE_ONLY ;;
*)
    echo "usage: scripts/sanitizers.sh [address|thread|all] [core|full]" >&2
    exit 2
    ;;
esac

# Fail on the first report rather than carrying on: a sanitizer report is a bug. Leaks are
# checked too, less those of XCTest's own runner (lsan-suppressions.txt).
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/scripts/lsan-suppressions.txt:print_suppressions=0}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1}

status=0
for sanitizer in "${sanitizers[@]}"; do
    scratch=".build-${sanitizer:0:1}san"
    [[ $mode == core ]] && scratch+="-core"
    log="$scratch/sanitizer.log"
    mkdir -p "$scratch"
    echo "== $sanitizer sanitizer, $mode tests (scratch $scratch, log $log)"
    started=$(date +%s)
    set +e
    swift test --sanitize="$sanitizer" --scratch-path "$scratch" >"$log" 2>&1
    result=$?
    set -e
    grep -E 'Test run with|Executed [0-9]+ tests|SUMMARY: .*Sanitizer|WARNING: ThreadSanitizer|ERROR: AddressSanitizer' \
        "$log" | tail -n 5 || true
    echo "$sanitizer: exit $result after $(($(date +%s) - started))s"
    if ((result != 0)) || grep -qE 'SUMMARY: .*Sanitizer' "$log"; then
        grep -E -B 2 -A 30 'ERROR: AddressSanitizer|WARNING: ThreadSanitizer|error:' "$log" | head -n 80 || true
        status=1
    fi
done
exit $status
