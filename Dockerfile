# syntax=docker/dockerfile:1
# privpath in a container: a static musl binary on distroless, run as the image's
# non-root user. Build:  docker build -t privpath .
# Run (README.md, "Install"):
#   docker run --rm -v "$PWD":/work privpath check --snapshot /work/fixtures/seed/healthy.json
#
# The build stage compiles natively for the platform it runs on (x86_64 or aarch64
# musl); release.yml builds each platform on its own runner and joins them under one tag.

FROM rust:1.95.0-bookworm AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# musl-gcc compiles ring, the C and assembly under the TLS stack (rustls on ring).
RUN apt-get update \
 && apt-get install -y --no-install-recommends musl-tools=1.2.3-1 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN --mount=type=cache,id=privpath-cargo-registry,target=/usr/local/cargo/registry \
    --mount=type=cache,id=privpath-target,target=/src/target \
    target="$(uname -m)-unknown-linux-musl" \
 && export "CC_${target//-/_}=musl-gcc" \
 && rustup target add "$target" \
 && cargo build --release --locked --target "$target" \
 && install -D -m 0755 "target/$target/release/privpath" /out/privpath

FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.title="privpath" \
      org.opencontainers.image.description="Read-only preflight checker for a private API Gateway path on AWS" \
      org.opencontainers.image.source="https://github.com/privpath/privpath" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/privpath /usr/local/bin/privpath
# distroless nonroot user (numeric, so that runAsNonRoot can verify it); HOME is /home/nonroot
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["privpath"]
