#!/usr/bin/env bash
# Smoke run of the in-process benchmarks (docs/performance.md), for CI: builds the
# Benchmarks package in release mode and runs every benchmark a handful of times. It checks
# that they build, run, and still measure what they claim (each review must end with the
# outcome its input is built for); it asserts no timing, since a shared 2-core machine would
# make any threshold flaky.
#
#   scripts/bench-smoke.sh            the profiling driver, then ordo-one/benchmark (5 runs each)
#   scripts/bench-smoke.sh --driver   the profiling driver only (quicker: no benchmark plugin)
#
# The full run is `cd Benchmarks && FSX_CORE_ONLY=1 swift package --disable-sandbox benchmark`.
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"

# The root package then declares FSXCore alone, so none of the server's dependencies is
# resolved or built for the benchmarks.
export FSX_CORE_ONLY=1

started=$(date +%s)
swift build -c release --product review-profile 2>&1 | tail -n 3
for input in job job-aws storageclass storageclass-denied big-update; do
  .build/release/review-profile "$input" 5
done

if [[ "${1:-}" != "--driver" ]]; then
  FSX_BENCH_SMOKE=1 swift package --disable-sandbox benchmark --no-progress 2>&1 | tail -n 45
fi
echo "bench smoke: done in $(( $(date +%s) - started ))s"
