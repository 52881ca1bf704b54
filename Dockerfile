# Build: only the Rust toolchain and a C compiler (SQLite and libpq are bundled).
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin gatehouse

FROM debian:bookworm-slim
RUN useradd --system --home /var/lib/gatehouse --create-home gatehouse
COPY --from=build /src/target/release/gatehouse /usr/local/bin/gatehouse
USER gatehouse
WORKDIR /var/lib/gatehouse
ENV GATEHOUSE_LISTEN=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["gatehouse"]
CMD ["serve"]
