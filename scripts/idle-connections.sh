#!/usr/bin/env bash
# Opens many idle kept-alive TLS connections to a locally started `fsx-webhook serve` and
# reports what they cost the server: resident memory and file descriptors, read from its
# /proc entries. Each connection sends one review, reads the 200, and then idles, as the
# apiserver leaves its connections. A few connections past --max-connections are tried too,
# to show they are refused and that the server still answers afterwards.
#
# Loopback only; the server is started and stopped by the script. Linux (needs /proc).
#
# usage: scripts/idle-connections.sh [connections] [fsx-webhook binary] [max-connections]
#   defaults: 10000, .build/debug/fsx-webhook, 10000 (the server's own default is 2048: pass it
#   to see connections past the limit refused)
# The open-file limit of this shell must allow the client ends: `ulimit -n` above the count.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
count="${1:-10000}"
binary="${2:-$root/.build/debug/fsx-webhook}"
max="${3:-10000}"
work="$(mktemp -d)"
pid=
trap 'if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

# The client holds one descriptor per connection; raise the soft limit if the hard one allows.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (( $(ulimit -n) < count + 200 )); then
  echo "ulimit -n is $(ulimit -n); $count connections need at least $((count + 200))" >&2
  exit 1
fi

"$binary" serve --host 127.0.0.1 --port 0 --metrics-port 0 --log-format json \
  --max-connections "$max" --dev-ca-file "$work/ca.pem" 2>"$work/server.log" &
pid=$!
for _ in $(seq 100); do
  grep -q '"webhook server listening"' "$work/server.log" 2>/dev/null && \
    grep -q '"operations server listening"' "$work/server.log" && break
  sleep 0.1
done
port=$(grep '"webhook server listening"' "$work/server.log" | sed -E 's/.*"port":"([0-9]+)".*/\1/')
ops=$(grep '"operations server listening"' "$work/server.log" | sed -E 's/.*"port":"([0-9]+)".*/\1/')
echo "server pid $pid, webhook port $port, operations port $ops, --max-connections $max"
echo "open-file limit of the server: $(grep 'Max open files' "/proc/$pid/limits" | awk '{print $4" soft, "$5" hard"}')"

python3 - "$port" "$ops" "$count" "$max" "$pid" "$work/ca.pem" <<'PY'
import os, socket, ssl, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor

port, ops, count, limit, pid, ca = (int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]),
                                    int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
context = ssl.create_default_context(cafile=ca)
context.set_alpn_protocols(["http/1.1"])
body = (b'{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"idle",'
        b'"kind":{"group":"","version":"v1","kind":"ConfigMap"},"operation":"CREATE",'
        b'"namespace":"default","name":"settings","object":{"apiVersion":"v1","kind":"ConfigMap",'
        b'"metadata":{"name":"settings"},"data":{"a":"b"}},"oldObject":null,"dryRun":false}}')
request = (b"POST /validate?timeout=10s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
           b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)

def rss_kib():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

def fds():
    return len(os.listdir(f"/proc/{pid}/fd"))

def metric(name):
    text = urllib.request.urlopen(f"http://127.0.0.1:{ops}/metrics", timeout=10).read().decode()
    return next(l.split()[1] for l in text.splitlines() if l.startswith(name + " "))

def exchange(conn):
    """One review on `conn`; returns the status line, or raises if the server closed."""
    conn.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("closed before a response")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    length = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
    while len(rest) < length:
        rest += conn.recv(65536)
    status = head.split(b"\r\n")[0].decode()
    if not status.startswith("HTTP/1.1 200"):
        raise RuntimeError(status)
    return status

def open_one(_):
    """A new TLS connection that answered one review, or None if the server refused it."""
    try:
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        conn = context.wrap_socket(raw, server_hostname="localhost")
        exchange(conn)
        return conn
    except (ConnectionError, ssl.SSLError, OSError):
        return None

warm = open_one(0); warm.close(); time.sleep(0.5)
base_rss, base_fds = rss_kib(), fds()
print(f"baseline: RSS {base_rss} KiB, {base_fds} fds")

# In parallel, so all are open well within the server's 120 s idle timeout.
tried = count + min(20, count)
started = time.monotonic()
with ThreadPoolExecutor(max_workers=32) as pool:
    results = list(pool.map(open_one, range(tried)))
held = [c for c in results if c is not None]
refused = tried - len(held)
elapsed = time.monotonic() - started
time.sleep(1)
rss, files = rss_kib(), fds()
print(f"{len(held)} idle connections open (tried {tried}, refused {refused}) in {elapsed:.1f} s")
print(f"server RSS {base_rss} KiB -> {rss} KiB: +{(rss - base_rss) / 1024:.1f} MiB, "
      f"{(rss - base_rss) / max(1, len(held)):.1f} KiB per connection")
print(f"server fds {base_fds} -> {files}: +{files - base_fds}")
print(f"/metrics: fsx_webhook_open_connections {metric('fsx_webhook_open_connections')}, "
      f"fsx_webhook_connections_refused_total {metric('fsx_webhook_connections_refused_total')}")

# With all of them open, a new connection (below the limit) is answered at once.
held.pop().close()
time.sleep(0.2)
t = time.monotonic(); conn = open_one(0)
print(f"review on a new connection with {len(held)} idle ones open: "
      f"{'200' if conn else 'FAILED'} in {(time.monotonic() - t) * 1000:.0f} ms")
if conn: conn.close()

# Every kept-alive connection still answers a second review.
started = time.monotonic()
with ThreadPoolExecutor(max_workers=32) as pool:
    def again(conn):
        try:
            exchange(conn); return True
        except (ConnectionError, ssl.SSLError, OSError, RuntimeError):
            return False
    ok = sum(pool.map(again, held))
print(f"second review on each kept-alive connection: {ok} of {len(held)} answered "
      f"in {time.monotonic() - started:.1f} s; server RSS {rss_kib()} KiB")

for conn in held:
    conn.close()
deadline = time.monotonic() + 30
while fds() > base_fds + 4 and time.monotonic() < deadline:
    time.sleep(0.2)
print(f"after closing: {fds()} fds, RSS {rss_kib()} KiB, "
      f"open connections {metric('fsx_webhook_open_connections')}")
PY

kill -TERM "$pid"
wait "$pid" && echo "server exited 0 after SIGTERM"
