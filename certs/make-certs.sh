#!/usr/bin/env bash
# Makes a CA and a serving certificate for fsx-webhook, for local runs and for
# installs with `tls.mode=secret`. See certs/README.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: certs/make-certs.sh [options] SERVICE NAMESPACE [OUTDIR]

Writes ca.crt, ca.key, tls.crt and tls.key to OUTDIR (default: certs/out).
The serving certificate names SERVICE.NAMESPACE.svc and
SERVICE.NAMESPACE.svc.cluster.local, the names kube-apiserver uses for a
Service webhook, and is signed by the new CA.

options:
  --local             also name localhost, 127.0.0.1 and ::1 (fsx-webhook serve on this machine)
  --rsa               RSA 2048 keys instead of ECDSA P-256
  --days N            validity of the serving certificate (default 365)
  --ca-days N         validity of the CA (default 3650)
  --secret-name NAME  Secret name used in the printed kubectl command (default SERVICE-tls)
  --force             overwrite existing files in OUTDIR
  -h, --help          this text
USAGE
}

local_names=false
key_type=ec
days=365
ca_days=3650
secret_name=""
force=false
positional=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --local) local_names=true ;;
    --rsa) key_type=rsa ;;
    --days) days="${2:?--days needs a number}"; shift ;;
    --ca-days) ca_days="${2:?--ca-days needs a number}"; shift ;;
    --secret-name) secret_name="${2:?--secret-name needs a name}"; shift ;;
    --force) force=true ;;
    -h|--help) usage; exit 0 ;;
    --) shift; positional+=("$@"); break ;;
    -*) echo "make-certs.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) positional+=("$1") ;;
  esac
  shift
done

if [[ ${#positional[@]} -lt 2 || ${#positional[@]} -gt 3 ]]; then
  usage >&2
  exit 2
fi
service="${positional[0]}"
namespace="${positional[1]}"
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
outdir="${positional[2]:-$script_dir/out}"
secret_name="${secret_name:-$service-tls}"

# Service and namespace names are DNS-1123 labels; anything else could never be
# the host name kube-apiserver checks the certificate against.
dns_label='^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'
for pair in "SERVICE:$service" "NAMESPACE:$namespace"; do
  what="${pair%%:*}" value="${pair#*:}"
  if [[ ! "$value" =~ $dns_label ]]; then
    echo "make-certs.sh: $what '$value' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)" >&2
    exit 2
  fi
done
for pair in "--days:$days" "--ca-days:$ca_days"; do
  what="${pair%%:*}" value="${pair#*:}"
  if [[ ! "$value" =~ ^[1-9][0-9]*$ ]]; then
    echo "make-certs.sh: $what needs a positive number of days, got '$value'" >&2
    exit 2
  fi
done

command -v openssl >/dev/null || { echo "make-certs.sh: openssl is not installed (apt-get install openssl)" >&2; exit 2; }

mkdir -p "$outdir"
if ! $force; then
  for f in ca.crt ca.key tls.crt tls.key; do
    if [[ -e "$outdir/$f" ]]; then
      echo "make-certs.sh: $outdir/$f exists; pass --force to replace the pair (the old CA stops being trusted)" >&2
      exit 1
    fi
  done
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Private keys are never readable by anyone else, not even briefly.
umask 077

new_key() {
  if [[ $key_type == ec ]]; then
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
  else
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
  fi
}

# keyEncipherment only means something for RSA key exchange.
if [[ $key_type == ec ]]; then leaf_usage="critical,digitalSignature"; else leaf_usage="critical,digitalSignature,keyEncipherment"; fi

dns_names=("$service.$namespace.svc" "$service.$namespace.svc.cluster.local")
ip_names=()
if $local_names; then
  dns_names+=("localhost")
  ip_names+=("127.0.0.1" "::1")
fi
san=""
for n in "${dns_names[@]}"; do san+="${san:+,}DNS:$n"; done
for n in "${ip_names[@]}"; do san+="${san:+,}IP:$n"; done

cat > "$work/ca.ext" <<EXT
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
EXT
cat > "$work/leaf.ext" <<EXT
basicConstraints = critical,CA:FALSE
keyUsage = $leaf_usage
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $san
EXT

# kube-apiserver checks the SAN, never the CN (CN-only certificates are
# refused); the CN just makes the files readable in `openssl x509 -text`.
new_key "$work/ca.key"
openssl req -new -sha256 -key "$work/ca.key" -subj "/CN=$service.$namespace fsx-webhook CA" -out "$work/ca.csr"
openssl x509 -req -sha256 -days "$ca_days" -in "$work/ca.csr" -signkey "$work/ca.key" \
  -extfile "$work/ca.ext" -out "$work/ca.crt" 2>/dev/null

new_key "$work/tls.key"
openssl req -new -sha256 -key "$work/tls.key" -subj "/CN=${dns_names[0]}" -out "$work/tls.csr"
openssl x509 -req -sha256 -days "$days" -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
  -set_serial "0x$(openssl rand -hex 16)" -extfile "$work/leaf.ext" -out "$work/tls.crt" 2>/dev/null

openssl verify -CAfile "$work/ca.crt" "$work/tls.crt" >/dev/null

for f in ca.key tls.key; do install -m 0600 "$work/$f" "$outdir/$f"; done
for f in ca.crt tls.crt; do install -m 0644 "$work/$f" "$outdir/$f"; done

ca_bundle="$(base64 < "$outdir/ca.crt" | tr -d '\n')"
cat <<MSG
Wrote $outdir/{ca.crt,ca.key,tls.crt,tls.key}
Serving certificate names: ${san//,/ }
Keep ca.key private (or delete it): anyone holding it can impersonate the webhook.

caBundle (base64 of ca.crt):
$ca_bundle

Create the TLS Secret:
kubectl -n $namespace create secret generic $secret_name --type=kubernetes.io/tls \\
  --from-file=tls.crt=$outdir/tls.crt --from-file=tls.key=$outdir/tls.key --from-file=ca.crt=$outdir/ca.crt

Install the chart with it:
helm upgrade --install $service charts/fsx-webhook -n $namespace \\
  --set fullnameOverride=$service --set tls.mode=secret --set tls.secretName=$secret_name \\
  --set tls.caBundle=$ca_bundle
MSG
