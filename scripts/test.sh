#!/usr/bin/env bash
# The whole test suite, the Kafka broker included: `scripts/test.sh`.
# Provides a broker binary for the Kafka tests (see scripts/broker.sh: cached, built only when
# missing), then runs every test of the crate. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${TANSU_BIN:-}" ]; then
    TANSU_BIN="$(scripts/broker.sh path)"
    export TANSU_BIN
fi
echo "test.sh: broker binary ${TANSU_BIN}" >&2

cargo test --locked "$@"
