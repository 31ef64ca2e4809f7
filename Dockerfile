# claimwire: multi-stage build. The builder compiles librdkafka (bundled, via cmake);
# the runtime image holds the binary, the default config and the example articles.

FROM rust:1-bookworm AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends cmake build-essential pkg-config zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
# Declared as targets in Cargo.toml; not built here.
COPY benches benches
COPY tests tests
RUN cargo build --release --locked --bin claimwire \
    && strip target/release/claimwire

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/claimwire claimwire \
    && mkdir -p /var/lib/claimwire/state \
    && chown -R claimwire /var/lib/claimwire
COPY --from=builder /src/target/release/claimwire /usr/local/bin/claimwire
COPY config/claimwire.toml /etc/claimwire/claimwire.toml
COPY examples /usr/share/claimwire/examples
USER claimwire
WORKDIR /var/lib/claimwire
ENV CLAIMWIRE_STATE=/var/lib/claimwire/state \
    CLAIMWIRE_TELEMETRY_METRICS_ADDR=0.0.0.0:9464
VOLUME /var/lib/claimwire
EXPOSE 9464
STOPSIGNAL SIGTERM
ENTRYPOINT ["claimwire"]
CMD ["run", "--config", "/etc/claimwire/claimwire.toml"]
