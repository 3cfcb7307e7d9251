"""certs/make-certs.sh: a CA and a serving certificate the API server accepts."""

from __future__ import annotations

import ipaddress
import os
import stat
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from conftest import REPO, dns_sans, load_cert

SCRIPT = REPO / "certs" / "make-certs.sh"


def run(*args, check=True):
    proc = subprocess.run(["bash", str(SCRIPT), *map(str, args)], capture_output=True, text=True)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.mark.parametrize("key_flag,key_type", [([], ec.EllipticCurvePublicKey), (["--rsa"], rsa.RSAPublicKey)], ids=["ecdsa", "rsa"])
def test_makes_a_serving_certificate_for_the_service(tmp_path, key_flag, key_type):
    proc = run(*key_flag, "fsx-webhook", "fsx-system", tmp_path)
    ca = load_cert((tmp_path / "ca.crt").read_bytes())
    cert = load_cert((tmp_path / "tls.crt").read_bytes())
    sans = dns_sans(cert)
    print(f"SANs: {sans}")
    assert sans == ["fsx-webhook.fsx-system.svc", "fsx-webhook.fsx-system.svc.cluster.local"]
    assert not cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.IPAddress)
    cert.verify_directly_issued_by(ca)
    assert isinstance(cert.public_key(), key_type)
    if key_type is rsa.RSAPublicKey:
        assert cert.public_key().key_size == 2048
    else:
        assert cert.public_key().curve.name == "secp256r1"
    assert cert.signature_hash_algorithm.name == "sha256"
    assert ExtendedKeyUsageOID.SERVER_AUTH in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    key = serialization.load_pem_private_key((tmp_path / "tls.key").read_bytes(), password=None)
    assert key.public_key().public_numbers() == cert.public_key().public_numbers()
    # openssl agrees that the chain verifies, for the purpose of a TLS server.
    verify = subprocess.run(["openssl", "verify", "-purpose", "sslserver", "-CAfile", tmp_path / "ca.crt", tmp_path / "tls.crt"],
                            capture_output=True, text=True)
    assert verify.returncode == 0 and verify.stdout.strip().endswith("OK"), verify.stdout + verify.stderr
    for name in ("ca.key", "tls.key"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600
    # What the user needs next: the caBundle and the Secret command.
    import base64
    assert base64.b64encode((tmp_path / "ca.crt").read_bytes()).decode() in proc.stdout
    assert "kubectl -n fsx-system create secret generic fsx-webhook-tls --type=kubernetes.io/tls" in proc.stdout


def test_local_flag_adds_loopback_names(tmp_path):
    run("--local", "fsx-webhook", "default", tmp_path)
    cert = load_cert((tmp_path / "tls.crt").read_bytes())
    assert "localhost" in dns_sans(cert) and "fsx-webhook.default.svc" in dns_sans(cert)
    ips = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.IPAddress)
    assert ipaddress.ip_address("127.0.0.1") in ips


def test_refuses_to_overwrite_without_force(tmp_path):
    run("svc", "ns", tmp_path)
    before = (tmp_path / "ca.crt").read_bytes()
    proc = run("svc", "ns", tmp_path, check=False)
    assert proc.returncode == 1 and "--force" in proc.stderr
    assert (tmp_path / "ca.crt").read_bytes() == before
    run("--force", "svc", "ns", tmp_path)
    assert (tmp_path / "ca.crt").read_bytes() != before


@pytest.mark.parametrize("args", [["Bad_Name", "ns"], ["svc"], ["--days", "0", "svc", "ns"], ["--bogus", "svc", "ns"]],
                         ids=["invalid service name", "missing namespace", "zero days", "unknown option"])
def test_rejects_bad_arguments_with_usage_exit_code(tmp_path, args):
    proc = run(*args, tmp_path / "out", check=False)
    print(proc.stderr.strip().splitlines()[0])
    assert proc.returncode == 2
    assert not (tmp_path / "out" / "tls.key").exists()
