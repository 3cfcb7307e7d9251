"""The three TLS modes: where the certificate comes from, that the API server
will trust it, and that the pods mount it so renewals reach the server."""

from __future__ import annotations

import base64
import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

from conftest import MODES, TEST_CA_PEM, all_releases, dns_sans, load_cert

RELEASES = all_releases()
INJECT = "cert-manager.io/inject-ca-from"


def service_names(rel):
    svc = rel.one("Service")["metadata"]["name"]
    return f"{svc}.{rel.namespace}.svc", f"{svc}.{rel.namespace}.svc.cluster.local"


def tls_volume(rel):
    [vol] = [v for v in rel.pod["volumes"] if v["name"] == "tls"]
    return vol


def test_helm_mode_generates_a_ca_and_a_serving_certificate_for_the_service():
    rel = RELEASES["helm"]
    [secret] = rel.all("Secret")
    assert secret["type"] == "kubernetes.io/tls"
    assert tls_volume(rel)["secret"]["secretName"] == secret["metadata"]["name"]
    data = {k: base64.b64decode(v) for k, v in secret["data"].items()}
    ca = load_cert(data["ca.crt"])
    cert = load_cert(data["tls.crt"])
    key = serialization.load_pem_private_key(data["tls.key"], password=None)

    short, long = service_names(rel)
    sans = dns_sans(cert)
    print(f"serving certificate SANs: {sans}")
    assert short in sans and long in sans
    # Signed by the CA that goes into caBundle, usable for TLS serving, valid now.
    cert.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert ExtendedKeyUsageOID.SERVER_AUTH in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    now = datetime.datetime.now(datetime.timezone.utc)
    assert cert.not_valid_before_utc <= now < cert.not_valid_after_utc
    assert cert.not_valid_after_utc - now > datetime.timedelta(days=365)
    assert cert.signature_hash_algorithm.name == "sha256"
    assert key.public_key().public_numbers() == cert.public_key().public_numbers()

    # Every webhook trusts exactly that CA; nothing waits for cert-manager.
    for _, cfg, hook in rel.webhooks():
        assert base64.b64decode(hook["clientConfig"]["caBundle"]) == data["ca.crt"]
        assert INJECT not in cfg["metadata"].get("annotations", {})
    assert rel.all("Certificate") == [] and rel.all("Issuer") == []


def test_helm_mode_names_follow_release_and_namespace():
    rel = RELEASES["custom"]
    cert = load_cert(base64.b64decode(rel.one("Secret")["data"]["tls.crt"]))
    assert set(service_names(rel)) <= set(dns_sans(cert))
    assert "fsx-adm.ml-platform.svc" in dns_sans(cert)


@pytest.mark.parametrize("case", ["cert-manager", "cert-manager-issuer"])
def test_cert_manager_mode_requests_a_certificate_and_lets_cainjector_fill_the_ca(case):
    rel = RELEASES[case]
    certs = {c["metadata"]["name"]: c for c in rel.all("Certificate")}
    mounted = tls_volume(rel)["secret"]["secretName"]
    [serving] = [c for c in certs.values() if c["spec"]["secretName"] == mounted]
    short, long = service_names(rel)
    assert short in serving["spec"]["dnsNames"] and long in serving["spec"]["dnsNames"]
    assert "server auth" in serving["spec"]["usages"]
    assert not serving["spec"].get("isCA", False)
    for _, cfg, hook in rel.webhooks():
        assert cfg["metadata"]["annotations"][INJECT] == f"{rel.namespace}/{serving['metadata']['name']}"
        assert "caBundle" not in hook["clientConfig"]
    # cert-manager owns the Secret; the chart must not render one that fights it.
    assert rel.all("Secret") == []

    issuer_ref = serving["spec"]["issuerRef"]
    if case == "cert-manager-issuer":
        assert issuer_ref == MODES[case][0]["tls"]["certManager"]["issuerRef"]
        assert rel.all("Issuer") == [] and len(certs) == 1
    else:
        # The chart's own chain: self-signed root -> CA Certificate -> CA Issuer -> serving.
        issuers = {i["metadata"]["name"]: i for i in rel.all("Issuer")}
        ca_issuer = issuers[issuer_ref["name"]]
        assert issuer_ref["kind"] == "Issuer"
        ca_cert = [c for c in certs.values() if c["spec"]["secretName"] == ca_issuer["spec"]["ca"]["secretName"]][0]
        assert ca_cert["spec"]["isCA"] is True
        assert "selfSigned" in issuers[ca_cert["spec"]["issuerRef"]["name"]]["spec"]


def test_secret_mode_uses_the_given_secret_and_ca():
    rel = RELEASES["secret"]
    values = MODES["secret"][0]["tls"]
    assert tls_volume(rel)["secret"]["secretName"] == values["secretName"]
    assert rel.all("Secret") == [] and rel.all("Certificate") == []
    for _, cfg, hook in rel.webhooks():
        assert hook["clientConfig"]["caBundle"] == values["caBundle"]
        assert base64.b64decode(hook["clientConfig"]["caBundle"]) == TEST_CA_PEM
        assert INJECT not in cfg["metadata"].get("annotations", {})


@pytest.mark.parametrize("case", sorted(RELEASES))
def test_tls_secret_is_mounted_as_a_directory_so_renewals_reach_the_server(case):
    rel = RELEASES[case]
    [mount] = [m for m in rel.container["volumeMounts"] if m["name"] == "tls"]
    # A subPath mount is never updated by the kubelet: a renewed certificate
    # would not reach the server until the pod restarts.
    assert "subPath" not in mount and "subPathExpr" not in mount
    assert mount["readOnly"] is True
    args = rel.container["args"]
    for flag, file in (("--tls-cert-file", "tls.crt"), ("--tls-private-key-file", "tls.key")):
        assert args[args.index(flag) + 1] == f"{mount['mountPath']}/{file}"
    vol = tls_volume(rel)
    assert vol["secret"]["defaultMode"] & 0o007 == 0, "private key must not be world-readable"
