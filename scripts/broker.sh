#!/usr/bin/env bash
# Provides the tansu broker (Kafka-compatible) used by the Kafka tests and the benchmark.
#
#   scripts/broker.sh path          print the binary's path, installing it when missing
#   scripts/broker.sh find          print the binary's path, fail when missing (no install)
#   scripts/broker.sh start [PORT]  run a broker in the foreground on 127.0.0.1:PORT
#                                   (default 9092), in-memory storage
#
# The binary is looked up in order: $TANSU_BIN; ../shared/bin/tansu (relative to the repo
# root); the cache ${CLAIMWIRE_CACHE:-$HOME/.cache/claimwire}/tansu/bin/tansu. `path` builds
# it into that cache when none is found (cargo install, 20-40 minutes on 2 cores).
set -euo pipefail

TANSU_VERSION=0.6.0
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache="${CLAIMWIRE_CACHE:-$HOME/.cache/claimwire}/tansu"

find_tansu() {
    if [[ -n "${TANSU_BIN:-}" ]]; then
        if [[ -x "$TANSU_BIN" ]]; then
            echo "$TANSU_BIN"
            return 0
        fi
        echo "broker.sh: TANSU_BIN=$TANSU_BIN is not an executable file" >&2
        return 1
    fi
    local candidate
    for candidate in "$root/../shared/bin/tansu" "$cache/bin/tansu"; do
        if [[ -x "$candidate" ]]; then
            (cd "$(dirname "$candidate")" && echo "$(pwd)/$(basename "$candidate")")
            return 0
        fi
    done
    return 1
}

install_tansu() {
    echo "broker.sh: tansu not found; installing tansu $TANSU_VERSION into $cache (this takes 20-40 minutes)" >&2
    mkdir -p "$cache"
    cargo install tansu --locked --version "$TANSU_VERSION" --features dynostore,libsql --root "$cache" >&2
    echo "$cache/bin/tansu"
}

cmd="${1:-path}"
case "$cmd" in
    find)
        find_tansu || {
            echo "broker.sh: no tansu binary: set TANSU_BIN, or run scripts/broker.sh path to install it" >&2
            exit 1
        }
        ;;
    path)
        find_tansu || install_tansu
        ;;
    start)
        port="${2:-9092}"
        bin=$(find_tansu || install_tansu)
        exec "$bin" broker \
            --listener-url "tcp://127.0.0.1:$port" \
            --advertised-listener-url "tcp://127.0.0.1:$port" \
            --storage-engine memory://tansu/
        ;;
    *)
        echo "usage: $0 [path|find|start [PORT]]" >&2
        exit 2
        ;;
esac
