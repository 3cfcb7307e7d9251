"""The Dockerfile, the chart and docs/install.md agree with each other.

No container engine runs in CI, so the image is checked by reading: the build
command the docs show, the user the chart runs as, the ports it exposes."""

from __future__ import annotations

import json
import re

from conftest import REPO, release

DOCKERFILE = (REPO / "Dockerfile").read_text()
INSTALL_DOC = (REPO / "docs" / "install.md").read_text()
DOCKERIGNORE = (REPO / ".dockerignore").read_text().split()


def instructions(name: str) -> list[str]:
    """Arguments of every instruction `name`, with continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [m.group(1).strip() for m in re.finditer(rf"^{name}\s+(.*)$", joined, re.MULTILINE)]


def arg_default(name: str) -> str:
    [value] = [a.split("=", 1)[1] for a in instructions("ARG") if a.startswith(name + "=")]
    return value


def test_multi_stage_build_from_an_official_swift_image_onto_distroless():
    froms = instructions("FROM")
    assert len(froms) == 2 and froms[0].endswith(" AS build")
    swift_image = arg_default("SWIFT_IMAGE")
    assert re.fullmatch(r"swift:6\.\d+(\.\d+)?-bookworm", swift_image), swift_image
    # Built on Debian 12 and run on distroless cc for Debian 12, so the glibc
    # matches; pinned by digest.
    runtime = arg_default("RUNTIME_IMAGE")
    assert re.fullmatch(r"gcr\.io/distroless/cc-debian12:nonroot@sha256:[0-9a-f]{64}", runtime), runtime
    assert any(c.startswith("--from=build ") for c in instructions("COPY"))
    # No RUN in the run stage: it has no shell.
    run_stage = DOCKERFILE.split("FROM ${RUNTIME_IMAGE}", 1)[1]
    assert not re.search(r"^RUN ", run_stage, re.MULTILINE)
    # The docs name the images and say what the digest rests on.
    assert f"`{swift_image}`" in INSTALL_DOC
    assert runtime.split("@")[1] in INSTALL_DOC


def test_chart_needs_no_shell_in_the_image():
    for hook in release({}).container.get("lifecycle", {}).values():
        assert "exec" not in hook, hook


def test_release_build_with_static_stdlib_of_the_product():
    [build] = [r for r in instructions("RUN") if "swift build" in r and "--product" in r]
    assert "-c release" in build and "--static-swift-stdlib" in build and "--product fsx-webhook" in build
    assert "swift build -c release --static-swift-stdlib --product fsx-webhook" in INSTALL_DOC
    assert "docker build -t $REPO:$TAG ." in INSTALL_DOC


def test_runs_as_the_non_root_user_the_chart_expects():
    [user] = instructions("USER")
    uid, gid = (int(x) for x in user.split(":"))
    psc = release({}).pod["securityContext"]
    assert uid != 0 and (uid, gid) == (psc["runAsUser"], psc["runAsGroup"])


def test_entrypoint_is_the_binary_and_serve_is_the_default_command():
    [entrypoint] = instructions("ENTRYPOINT")
    [cmd] = instructions("CMD")
    assert json.loads(entrypoint) == ["/usr/local/bin/fsx-webhook"]
    assert json.loads(cmd) == ["serve"]
    # The chart supplies arguments only, so the ENTRYPOINT stays in force.
    assert release({}).container["args"][0] == "serve"


def test_exposes_the_chart_default_ports():
    [expose] = instructions("EXPOSE")
    server = release({}).merged["server"]
    assert sorted(int(p) for p in expose.split()) == sorted([server["port"], server["metricsPort"]])


def test_build_context_leaves_out_build_folders_and_keys():
    for pattern in (".build", ".build-*", ".git", "*.key", "certs/out"):
        assert pattern in DOCKERIGNORE, pattern
    # Package.swift declares the test targets, so their sources must stay in.
    assert "Tests" not in DOCKERIGNORE and "Sources" not in DOCKERIGNORE
