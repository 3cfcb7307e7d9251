# syntax=docker/dockerfile:1
# fsx-webhook container image.
#
#   docker build -t fsx-webhook:0.1.0 .
#
# Build stage: the official Swift image on Ubuntu 24.04 (noble). 6.3 is the
# toolchain the project is developed and tested with (Package.swift needs 6.1
# or newer); override with --build-arg SWIFT_IMAGE=... to pin a patch release.
ARG SWIFT_IMAGE=swift:6.3-noble
# Run stage: the same Ubuntu release as the build stage, so the glibc the
# binary was linked against is the one it runs on.
ARG RUNTIME_IMAGE=ubuntu:noble

FROM ${SWIFT_IMAGE} AS build
WORKDIR /src
# Resolve dependencies on their own layer: it is rebuilt only when the
# manifest changes, not on every source edit.
COPY Package.swift ./
RUN swift package resolve
COPY . .
# --static-swift-stdlib links the Swift runtime, Foundation and the
# dependencies (swift-nio, swift-crypto's BoringSSL, ...) into the binary, so
# the run stage needs only glibc, libstdc++ and libgcc_s.
RUN swift build -c release --static-swift-stdlib --product fsx-webhook \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/fsx-webhook" /out/fsx-webhook

FROM ${RUNTIME_IMAGE}
COPY --from=build /out/fsx-webhook /usr/local/bin/fsx-webhook
# Fail the build, not the rollout, if a shared library is missing: list what
# the binary links and run it once. (libstdc++6 and libgcc-s1 are part of the
# base image because apt itself needs them. coreutils' `sleep` is used by the
# chart's preStop hook.)
RUN if ldd /usr/local/bin/fsx-webhook | grep "not found"; then exit 1; fi \
 && /usr/local/bin/fsx-webhook version
# Non-root, matching the chart's runAsUser/runAsGroup; no home directory or
# shell login is needed.
USER 65532:65532
# 8443: HTTPS for POST /validate and /mutate. 9090: plain HTTP for /metrics,
# /healthz and /readyz.
EXPOSE 8443 9090
ENTRYPOINT ["/usr/local/bin/fsx-webhook"]
# Without certificate flags, `serve` makes a self-signed pair for localhost
# (local use only); the Helm chart passes its own arguments.
CMD ["serve"]
