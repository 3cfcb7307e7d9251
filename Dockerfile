# syntax=docker/dockerfile:1
# fsx-webhook container image.
#
#   docker build -t fsx-webhook:0.1.0 .
#
# Build stage: the official Swift image on Debian 12 (bookworm). 6.3 is the
# toolchain the project is developed and tested with (Package.swift needs 6.1
# or newer); override with --build-arg SWIFT_IMAGE=... to pin a patch release.
ARG SWIFT_IMAGE=swift:6.3-bookworm
# Run stage: distroless cc on the same Debian release as the build stage (so
# the glibc the binary was linked against is the one it runs on): glibc,
# libstdc++, libgcc_s, CA certificates, tzdata and the nonroot user 65532, and
# no shell, package manager or coreutils. Pinned by digest so a rebuild gets
# the same bytes; the chart's preStop wait is the kubelet's own `sleep`
# action, so nothing in the image has to run besides fsx-webhook.
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot@sha256:9dac0a79194e45a7da0158a9c6da57b217585af0786db3845d1f0ec1a0dd182f

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
# Fail the build, not the rollout, if the binary needs a shared library that
# distroless cc does not have (the run stage has no shell to check it in), and
# run it once.
RUN ldd /out/fsx-webhook \
 | awk '{print $1}' \
 | grep -vE '^(linux-vdso\.so|/lib64/ld-linux|/lib/ld-linux|ld-linux|libc\.so|libm\.so|libstdc\+\+\.so|libgcc_s\.so|libpthread\.so|libdl\.so|librt\.so|libutil\.so)' \
 | tee /tmp/unexpected-libraries \
 && test ! -s /tmp/unexpected-libraries \
 && /out/fsx-webhook version

FROM ${RUNTIME_IMAGE}
COPY --from=build /out/fsx-webhook /usr/local/bin/fsx-webhook
# Non-root, matching the chart's runAsUser/runAsGroup (distroless' nonroot).
USER 65532:65532
# 8443: HTTPS for POST /validate and /mutate. 9090: plain HTTP for /metrics,
# /healthz and /readyz.
EXPOSE 8443 9090
ENTRYPOINT ["/usr/local/bin/fsx-webhook"]
# Without certificate flags, `serve` makes a self-signed pair for localhost
# (local use only); the Helm chart passes its own arguments.
CMD ["serve"]
