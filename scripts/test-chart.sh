#!/usr/bin/env bash
# Tests charts/fsx-webhook and certs/ with Helm's real engine, offline.
#
# No helm binary is needed: helm-python-sdk bundles Helm's Go library, so
# rendering, values.schema.json checks and `helm lint` are Helm's own code.
# cel-python evaluates the webhooks' CEL matchConditions; promtool checks the
# PrometheusRule and runs a unit test per alert.
# kubernetes-validate checks every rendered object against the Kubernetes
# OpenAPI schemas (strict). Everything is installed from PyPI into
# .build-chart/venv; a second run reuses it.
#
# Also writes .build-chart/rendered-config.yaml (the chart's ConfigMap rendered
# with tests/chart/values-config.yaml) for `fsx-webhook check --config`.
#
# usage: scripts/test-chart.sh [pytest arguments]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/.build-chart"
venv="$build/venv"
# Pinned so that a new release of any of them cannot change what CI checks.
requirements=(
  helm-python-sdk==0.2.2
  kubernetes-validate==1.37.0
  jsonschema==4.26.0
  cryptography==50.0.2
  PyYAML==6.0.4
  pytest==9.2.0
  cel-python==0.5.0
)

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null; then
  echo "test-chart.sh: $python not found (Debian: apt-get install python3)" >&2
  exit 2
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  echo "test-chart.sh: helm-python-sdk needs Python 3.10 or newer; $python is $("$python" -V 2>&1)" >&2
  exit 2
fi

# Debian splits out venv, ensurepip and openssl; promtool (Debian's prometheus
# package) checks and unit-tests the rendered alerts. Installed only when missing.
need_apt=()
"$python" -c 'import venv, ensurepip' 2>/dev/null || need_apt+=("python3-venv")
command -v openssl >/dev/null || need_apt+=("openssl")
command -v promtool >/dev/null || need_apt+=("prometheus")
if [[ ${#need_apt[@]} -gt 0 ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "test-chart.sh: please install ${need_apt[*]}" >&2
    exit 2
  fi
fi

mkdir -p "$build"
stamp="$venv/.requirements"
wanted="$("$python" -V 2>&1) ${requirements[*]}"
if [[ ! -x "$venv/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$wanted" ]]; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}"
  echo "$wanted" > "$stamp"
fi

cd "$root"
# -p no:cacheprovider: nothing written into the source tree; -ra: list every
# non-passing outcome at the end. tests/chart/conftest.py turns a skipped test
# into a failure, and pytest exits 5 when it collects none.
exec "$venv/bin/python" -m pytest tests/chart -ra -p no:cacheprovider "$@"
