#!/usr/bin/env bash
# End-to-end load test of the release server over TLS, HTTP/1.1 keep-alive (what the
# apiserver speaks), next to a bare SwiftNIO TLS responder that answers a fixed `allowed`
# without reading the body (Benchmarks/EndToEnd) and a plain Go webhook, net/http and
# encoding/json with the object kept raw (Benchmarks/EndToEnd/GoPeer, built with Debian's
# golang-go); a second Go peer also unmarshals and marshals the object, as a Go webhook
# that reads it must (its "x Go obj" column; the target is judged on the first). All run on this machine with fresh certificates; h2load (Debian's
# nghttp2-client) drives them from the same cores.
#
# Prints, per body: req/s of each server and the ratios (throughput at 16 connections);
# latency percentiles at a fixed rate; and the server's resident memory before and after.
#
# usage: scripts/load-test.sh [REQUESTS] [RATE_SECONDS]
#   REQUESTS      requests per throughput run (default 30000)
#   RATE_SECONDS  length of each fixed-rate run at 1,000 req/s (default 20; 600 is the soak)
# environment:
#   RATE_CONNECTIONS  connection counts of the fixed-rate runs (default "1 10"); the soak is
#                     RATE_CONNECTIONS=10 scripts/load-test.sh 30000 600
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requests=${1:-30000}
rate_seconds=${2:-20}
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

command -v h2load >/dev/null || { echo "h2load missing: apt-get install -y nghttp2-client" >&2; exit 2; }
command -v go >/dev/null || { echo "go missing: apt-get install -y golang-go" >&2; exit 2; }

echo "# building release binaries"
(cd "$root" && swift build -c release --product fsx-webhook 2>&1 | tail -n 1)
(cd "$root/Benchmarks/EndToEnd" && swift build -c release 2>&1 | tail -n 1)
server="$root/.build/release/fsx-webhook"
bare="$root/Benchmarks/EndToEnd/.build/release/BareResponder"
(cd "$root/Benchmarks/EndToEnd/GoPeer" && go build -o "$work/go-peer" .)

bash "$root/certs/make-certs.sh" --local fsx-webhook load-test "$work/certs" >/dev/null

# Bodies: the StorageClass reviews of the in-process benchmarks (~1.3 KB each: a valid
# PERSISTENT_1 class, allowed; the README's seed PERSISTENT_2 class, denied with three
# messages) and the realistic opted-in training Job
# of the tests (~12 KB: 4 containers x 25 env vars, init container, managedFields,
# last-applied annotation, tolerations, scheduling gates, instance-type affinity, 2 volumes).
cp "$root/Tests/FSXCoreTests/Fixtures/bench/storageclass-review.json" "$work/storageclass.json"
cp "$root/Tests/FSXCoreTests/Fixtures/bench/storageclass-denied-review.json" "$work/storageclass-denied.json"
python3 - "$root/Tests/FSXCoreTests/Fixtures/realistic-job.json" "$work/job.json" <<'PY'
import json, sys
job = json.load(open(sys.argv[1]))
review = {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
    "uid": "0f5c1d2e-3b4a-4c5d-8e9f-a0b1c2d3e4f5",
    "kind": {"group": "batch", "version": "v1", "kind": "Job"},
    "resource": {"group": "batch", "version": "v1", "resource": "jobs"},
    "requestKind": {"group": "batch", "version": "v1", "kind": "Job"},
    "requestResource": {"group": "batch", "version": "v1", "resource": "jobs"},
    "name": job["metadata"].get("name", ""), "namespace": job["metadata"].get("namespace", ""),
    "operation": "CREATE", "userInfo": {"username": "system:serviceaccount:ml:trainer"},
    "object": job, "oldObject": None, "dryRun": False,
    "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"}}}
json.dump(review, open(sys.argv[2], "w"), separators=(",", ":"))
PY

wait_for() { for _ in $(seq 1 100); do curl -s -o /dev/null --cacert "$work/certs/ca.crt" "$1" -X POST -H 'content-type: application/json' -d '{}' && return 0; sleep 0.1; done; echo "not up: $1" >&2; exit 1; }

"$server" serve --config "$root/examples/config.yaml" --tls-cert-file "$work/certs/tls.crt" \
  --tls-private-key-file "$work/certs/tls.key" --host 127.0.0.1 --port 18443 --metrics-port 19090 \
  --log-level warning >"$work/server.log" 2>&1 &
pids+=($!); server_pid=$!
"$bare" "$work/certs/tls.crt" "$work/certs/tls.key" 18444 >"$work/bare.log" 2>&1 &
pids+=($!); bare_pid=$!
"$work/go-peer" "$work/certs/tls.crt" "$work/certs/tls.key" 18450 >"$work/go.log" 2>&1 &
pids+=($!); go_pid=$!
"$work/go-peer" "$work/certs/tls.crt" "$work/certs/tls.key" 18451 object >"$work/go-object.log" 2>&1 &
pids+=($!); go_object_pid=$!
wait_for https://localhost:18443/validate
wait_for https://localhost:18444/
wait_for https://localhost:18450/
wait_for https://localhost:18451/
rss() { awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' "/proc/$1/status"; }
echo "# server RSS at start: $(rss "$server_pid")"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system CPU time, in 1/100 s
throughput() { # URL BODY PID -> "req/s µs-of-server-CPU-per-request"
  local before after rate
  before=$(ticks "$3")
  rate=$(h2load --h1 -n "$requests" -c 16 -t 1 -d "$2" -H 'content-type: application/json' "$1" 2>&1 |
    awk '/^finished in/ {gsub(",", "", $4); print $4}' | head -n 1)
  after=$(ticks "$3")
  echo "$rate $(((after - before) * 10000 / requests))"
}
failures() {
  h2load --h1 -n 2000 -c 16 -t 1 -d "$2" -H 'content-type: application/json' "$1" 2>&1 | awk '/^requests:/ {print $0}'
}

# Server CPU per request (user + system time of the server process over the run, divided by
# the requests) is printed next to the rate: on a shared machine it moves less than req/s.
# The last column is a second bare responder that sends fsx-webhook's own answer to the body
# (2.6 KB for the Job, with its patch) instead of a 100-byte one: the floor for that answer.
printf '\n%-40s %12s %12s %8s %16s %22s %10s %6s %12s %9s\n' "throughput (h2load --h1 -c 16)" "fsx-webhook" "bare NIO" "ratio" \
  "CPU µs/request" "bare, same answer" "Go peer" "x Go" "Go, object" "x Go obj"
port=18445
for body in storageclass storageclass-denied job; do
  path=$([ "$body" = job ] && echo mutate || echo validate)
  curl -s --cacert "$work/certs/ca.crt" -H 'content-type: application/json' --data-binary "@$work/$body.json" \
    -o "$work/$body.answer" "https://localhost:18443/$path"
  "$bare" "$work/certs/tls.crt" "$work/certs/tls.key" "$port" "$work/$body.answer" >/dev/null 2>&1 &
  pids+=($!); same_pid=$!
  wait_for "https://localhost:$port/"
  read -r ours ours_cpu < <(throughput "https://localhost:18443/$path" "$work/$body.json" "$server_pid")
  read -r theirs theirs_cpu < <(throughput "https://localhost:18444/$path" "$work/$body.json" "$bare_pid")
  read -r same same_cpu < <(throughput "https://localhost:$port/$path" "$work/$body.json" "$same_pid")
  read -r go go_cpu < <(throughput "https://localhost:18450/$path" "$work/$body.json" "$go_pid")
  read -r go_object go_object_cpu < <(throughput "https://localhost:18451/$path" "$work/$body.json" "$go_object_pid")
  ratio=$(python3 -c "print(f'{$ours / $theirs:.2f}')")
  over_go=$(python3 -c "print(f'{$ours / $go:.2f}')")
  over_go_object=$(python3 -c "print(f'{$ours / $go_object:.2f}')")
  printf '%-40s %12s %12s %8s %16s %22s %10s %6s %12s %9s\n' "$body review ($(wc -c <"$work/$body.json") bytes)" "$ours" "$theirs" \
    "$ratio" "$ours_cpu vs $theirs_cpu" "$same ($same_cpu µs)" "$go" "$over_go" "$go_object" "$over_go_object"
  port=$((port + 1))
done
echo "# every request answered 200? $(failures https://localhost:18443/mutate "$work/job.json")"

# Fixed rate: 10 clients x 100 req/s = 1,000 req/s for RATE_SECONDS, per-request times from
# h2load's log (column 3 is the duration in microseconds).
total=$((1000 * rate_seconds))
# h2load paces each connection on its own timer, and the timers of connections opened
# together fire together: 10 connections x 100 req/s arrive as bursts of 10 every 10 ms, the
# last of each burst queued behind nine reviews. One connection at 1,000 req/s is evenly
# spaced. The apiserver's calls are neither; both are run and printed (RATE_CONNECTIONS).
for connections in ${RATE_CONNECTIONS:-1 10}; do
  rm -f "$work/rss.txt" "$work/latency.log"
  # RSS sampled ten times over the run (every minute of the 10-minute soak), to show growth.
  sample_every=$(((rate_seconds + 9) / 10))
  (while sleep "$sample_every"; do rss "$server_pid" | awk '{printf "%s ", $1}' >>"$work/rss.txt"; done) &
  sampler=$!
  h2load --h1 -n "$total" -c "$connections" --rps $((1000 / connections)) -t 1 -d "$work/job.json" \
    -H 'content-type: application/json' --log-file "$work/latency.log" https://localhost:18443/mutate \
    >"$work/rate.out" 2>&1
  kill "$sampler" 2>/dev/null || true
  python3 - "$work/latency.log" "$rate_seconds" "$connections" <<'PY'
import sys
durations = sorted(int(line.split()[2]) for line in open(sys.argv[1]) if line.strip())
statuses = {}
for line in open(sys.argv[1]):
    if line.strip():
        statuses[line.split()[1]] = statuses.get(line.split()[1], 0) + 1
def pct(p):
    return durations[min(len(durations) - 1, int(p / 100 * len(durations)))] / 1000
connections = int(sys.argv[3])
print(f"\nfixed rate 1,000 req/s for {sys.argv[2]} s on {connections} connection(s) x {1000 // connections} req/s,"
      f" 12 KB Job reviews: {len(durations)} requests, statuses {statuses}")
print(f"latency ms: p50 {pct(50):.3f}  p99 {pct(99):.3f}  p99.9 {pct(99.9):.3f}  max {durations[-1]/1000:.3f}")
PY
  echo "# server RSS (MiB) every ${sample_every} s during the run: $(cat "$work/rss.txt" 2>/dev/null)"
done
echo "# server RSS after load: $(rss "$server_pid")"
