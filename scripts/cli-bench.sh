#!/usr/bin/env bash
# Times `fsx-webhook check` (release build) over many manifests in one file: COUNT documents,
# half the example StorageClass, half the example opted-in training Job, each with its own
# name. Prints the wall time, CPU time and peak memory of three runs per output format; the
# targets are under 2 s for 10,000 with -o text, and -o sarif (which also records where every
# node is written) within 1.5x of -o text (docs/performance.md).
#
# usage: scripts/cli-bench.sh [COUNT] [FORMAT...]   (default 10000 text)
#   e.g. scripts/cli-bench.sh 10000 text sarif
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
count=${1:-10000}
shift || true
formats=("$@")
[ ${#formats[@]} -gt 0 ] || formats=(text)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$root" && swift build -c release --product fsx-webhook 2>&1 | tail -n 1)
python3 - "$root" "$count" "$work/manifests.yaml" <<'PY'
import sys
root, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
storage_class = open(f"{root}/examples/manifests/storageclass-persistent2.yaml").read()
job = open(f"{root}/examples/manifests/training-job.yaml").read()
with open(out, "w") as f:
    for i in range(count):
        if i % 2 == 0:
            f.write(storage_class.replace("name: fsx-lustre-persistent2", f"name: fsx-lustre-{i}", 1))
        else:
            f.write(job.replace("name: training-job", f"name: training-job-{i}", 1))
        f.write("\n---\n")
PY
echo "# $count manifests, $(wc -c <"$work/manifests.yaml") bytes"
for format in "${formats[@]}"; do
  echo "## -o $format"
  for run in 1 2 3; do
    /usr/bin/time -f "run $run: %e s wall, %U s user + %S s sys, %M KB max RSS" "$root/.build/release/fsx-webhook" \
      check -o "$format" --config "$root/examples/config.yaml" "$work/manifests.yaml" >"$work/out.txt" \
      2>"$work/time.txt" || {
      status=$?
      [ "$status" -eq 1 ] || { cat "$work/time.txt" >&2; exit "$status"; }
    }
    tail -n 1 "$work/time.txt"
  done
  echo "output: $(wc -c <"$work/out.txt") bytes"
done
[ "${formats[-1]}" != text ] || tail -n 1 "$work/out.txt"
