# syntax=docker/dockerfile:1
#
# vinbot container image: the `vinbot` binary and the compiled vPIC snapshot on a slim Debian, run as a
# non-root user. Everything the server needs at start is inside the image (no network at start).
#
#   docker build -t vinbot .                     # API only (the page lives on Vercel)
#   docker build --target unified -t vinbot .    # API + the web page at / (FRONTEND_DIR)
#   docker run --rm -p 8080:8080 -e DASHBOARD_SECRET_KEY="$(openssl rand -hex 32)" vinbot
#     (APP_ENV=production is baked in, so the signing key is required; or -e APP_ENV=development)
#
# Stages: vpic-data (npm: fetch the vPIC SQLite) -> builder (cargo: the binary, then `vinbot data build`)
# -> runtime (binary + snapshot) -> unified (runtime + frontend/) -> api (the default, last stage).

ARG RUST_VERSION=1.95.0
ARG NODE_VERSION=22
# Builder and runtime must share the Debian release: a binary linked against a newer glibc
# (the plain rust:1.95 tag follows Debian's newest release) does not start on bookworm-slim.
ARG DEBIAN_RELEASE=bookworm

############################################################################################################
# 1. The vPIC data: scripts/fetch-vpic-data (pinned npm package, sha512-verified) into /data.
FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS vpic-data
# The script verifies the package hash with python3; node's slim image has none.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# Only the script: a code change must not invalidate this (slow, network-bound) layer.
COPY scripts/fetch-vpic-data /usr/local/bin/fetch-vpic-data
RUN VINBOT_DATA_DIR=/data fetch-vpic-data

############################################################################################################
# 2. The release binary, then the snapshot compiled from the SQLite.
FROM rust:${RUST_VERSION}-${DEBIAN_RELEASE} AS builder
WORKDIR /src
ENV CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0

# Dependency layer: manifests and the lock file only, with stub sources, so that editing our code does not
# recompile the ~400 dependencies. Every workspace member's Cargo.toml is listed here (scripts/check-deploy-config
# fails when a member is missing).
COPY Cargo.toml Cargo.lock rust-toolchain.toml ./
# Build settings (mimalloc's lazily committed arenas: ~20 MB less resident memory), before anything compiles.
COPY .cargo .cargo
COPY backend/decoder/Cargo.toml backend/decoder/Cargo.toml
COPY backend/migration/Cargo.toml backend/migration/Cargo.toml
COPY backend/server/Cargo.toml backend/server/Cargo.toml
COPY backend/vpic-dump/Cargo.toml backend/vpic-dump/Cargo.toml
COPY backend/testkit/Cargo.toml backend/testkit/Cargo.toml
# Stubs: a lib and a main per crate, plus any file a manifest names explicitly ([[bin]]/[[test]]/[[bench]]).
RUN set -eu; \
    for manifest in backend/*/Cargo.toml; do \
      dir="${manifest%/Cargo.toml}"; \
      mkdir -p "$dir/src"; \
      printf '' > "$dir/src/lib.rs"; \
      printf 'fn main() {}\n' > "$dir/src/main.rs"; \
      for target in $(sed -n 's/^path *= *"\(.*\.rs\)"$/\1/p' "$manifest"); do \
        mkdir -p "$dir/$(dirname "$target")"; \
        [ -f "$dir/$target" ] || printf 'fn main() {}\n' > "$dir/$target"; \
      done; \
    done; \
    cargo build --release --locked -p vinbot-server --bin vinbot; \
    rm -rf backend

# The real sources. COPY keeps the files' old modification times, which can be older than the stub build's
# outputs: touch them so cargo rebuilds our crates (dependencies stay cached).
COPY backend backend
RUN find backend -name '*.rs' -exec touch {} + \
 && cargo build --release --locked -p vinbot-server --bin vinbot \
 && install -m 0755 target/release/vinbot /usr/local/bin/vinbot

# Compile the snapshot (what the server loads in milliseconds) from the SQLite of stage 1.
COPY --from=vpic-data /data/vpic.lite.db /data/vpic.lite.db
RUN VINBOT_DATA_DIR=/data vinbot data build \
 && test -s /data/vpic.snapshot
# Optionally bake NHTSA's full monthly dump in instead (`--build-arg VPIC_MONTH=2026_10`; needs network
# to NHTSA at build time; VPIC_DOWNLOAD_URL overrides the download page). Empty: the npm file above.
ARG VPIC_MONTH=
ARG VPIC_DOWNLOAD_URL=https://vpic.nhtsa.dot.gov/api/
RUN if [ -n "$VPIC_MONTH" ]; then \
      VINBOT_DATA_DIR=/data vinbot data update --month "$VPIC_MONTH" --url "$VPIC_DOWNLOAD_URL" \
      && rm -f /data/vpic.snapshot.prev; \
    fi

############################################################################################################
# 3. Runtime: CA certificates (outbound TLS to Telegram, Sentry, Upstash, managed PostgreSQL) and nothing else.
FROM debian:${DEBIAN_RELEASE}-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 vinbot \
 && useradd --system --uid 10001 --gid vinbot --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin vinbot \
 && mkdir -p /data \
 && chown vinbot:vinbot /data

COPY --from=builder /usr/local/bin/vinbot /usr/local/bin/vinbot
# Snapshot only: the 70 MB SQLite stays in the build stage. Owned by root and read-only for the server;
# /data itself is writable so the default SQLite database (DATABASE_URL unset) can live there: the user has
# no home, so XDG_DATA_HOME puts it at /data/vinbot/vinbot.db (lost with the container; see docs/DEPLOY.md).
COPY --from=builder /data/vpic.snapshot /data/vpic.snapshot

ENV VINBOT_DATA_DIR=/data \
    XDG_DATA_HOME=/data \
    LOG_FORMAT=json \
    APP_ENV=production \
    PORT=8080 \
    METRICS_PORT=9091

USER vinbot:vinbot
WORKDIR /data
# 8080: HTTP (PORT); 9091: Prometheus /metrics (METRICS_PORT; keep it internal).
EXPOSE 8080 9091
# The server drains in-flight requests on SIGTERM (see fly.toml's kill_timeout).
STOPSIGNAL SIGTERM
# `vinbot healthcheck` GETs http://127.0.0.1:$PORT/health/live and exits 0 on a 2xx: no curl in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["vinbot", "healthcheck"]
CMD ["vinbot", "serve"]

############################################################################################################
# 4. Unified: the same image plus the static web page, served by `vinbot serve` at / (same origin, no CORS).
FROM runtime AS unified
COPY --chown=root:root frontend/index.html frontend/favicon.svg /srv/frontend/
COPY --chown=root:root frontend/css /srv/frontend/css
COPY --chown=root:root frontend/js /srv/frontend/js
ENV FRONTEND_DIR=/srv/frontend

############################################################################################################
# 5. The default target: API only (the page is on Vercel).
FROM runtime AS api
