"""The committed SigV4 vectors are what botocore's own signer computes today.

Tests/FSXAWSTests checks the Swift signer against the same file, so the two agree.
"""
import json
import pathlib
import runpy

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_committed_vectors_match_botocore():
    generator = runpy.run_path(str(ROOT / "scripts" / "sigv4-vectors.py"))
    fresh = generator["vectors"]()
    committed = json.loads((ROOT / "Tests/FSXAWSTests/Fixtures/sigv4-botocore.json").read_text())
    assert len(committed["cases"]) >= 20
    assert [c["authorization"] for c in committed["cases"]] == [c["authorization"] for c in fresh["cases"]]
