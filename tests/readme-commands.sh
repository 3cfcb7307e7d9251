#!/usr/bin/env bash
# Runs the README's commands as a user would and checks what they promise (exit codes and
# key lines). Each command is also looked up verbatim in README.md, so the two cannot drift.
# usage: tests/readme-commands.sh [path/to/fsx-webhook]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/fsx-webhook}
failures=0

# expect EXIT "COMMAND AS IN README" [grep pattern the output must contain]
expect() {
  local want=$1 command=$2 pattern=${3:-}
  if ! grep -qF -- "$command" README.md; then
    echo "FAIL not in README.md: $command"; failures=$((failures + 1)); return
  fi
  local run=${command/swift run fsx-webhook/$bin}
  set +e
  output=$(eval "$run" 2>&1)
  local got=$?
  set -e
  if [ "$got" != "$want" ]; then
    echo "FAIL exit $got, want $want: $command"; echo "$output" | tail -n 20; failures=$((failures + 1)); return
  fi
  if [ -n "$pattern" ] && ! grep -qE -- "$pattern" <<<"$output"; then
    echo "FAIL output lacks /$pattern/: $command"; echo "$output" | tail -n 20; failures=$((failures + 1)); return
  fi
  echo "ok   exit $got: $command"
}

# The quick start's first command, through `swift run` exactly as written.
first='swift run fsx-webhook check --config examples/config.yaml examples/manifests'
grep -qF -- "$first" README.md || { echo "FAIL quick start command not in README.md"; exit 1; }
out=$(swift run fsx-webhook check --config examples/config.yaml examples/manifests 2>/dev/null)
grep -qE '^[0-9]+ objects: .* 0 denied \([0-9]+ would be patched\)' <<<"$out" || { echo "FAIL quick start: $out"; exit 1; }
echo "ok   exit 0: $first"

expect 1 'swift run fsx-webhook check examples/broken' 'data repository association'
expect 0 'swift run fsx-webhook mutate --config examples/config.yaml examples/manifests/training-job.yaml' 'topology.kubernetes.io/zone'
expect 0 'swift run fsx-webhook mutate --config examples/config.yaml -o patch examples/manifests/training-job.yaml' '"op": ?"add"'
expect 0 'swift run fsx-webhook test examples/tests' '^7 passed, 0 failed$'
expect 0 'swift run fsx-webhook policy --config examples/config.yaml' '^kind: ValidatingAdmissionPolicyBinding$'

if [ "$failures" -gt 0 ]; then echo "$failures README command(s) failed"; exit 1; fi
echo "README commands: all passed"
