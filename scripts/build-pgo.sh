#!/usr/bin/env bash
# A profile-guided release build of claimwire, for deployment: `scripts/build-pgo.sh`.
#
# 1. builds an instrumented binary (target/pgo-gen; `target` is $CARGO_TARGET_DIR when set);
# 2. runs it over generated wire articles (examples/wire_mix.rs, seed 7: not the benchmark's
#    seed 42), the bundled example articles and the seed story, lexical judgement, writing
#    raw profiles to target/pgo-gen/profiles (CLAIMWIRE_PGO_ARTICLES, default 10,000);
# 3. merges them (llvm-profdata, from rustup's llvm-tools component, added when missing);
# 4. builds the release binary with the profile: target/pgo/release/claimwire.
#
# Same source, same output: the profile only tells the compiler which paths are hot (its
# layout, inlining and branch order). It saves about 10% of the CPU per article on the wire
# mix (README, Quality and speed). The plain `cargo build --release` stays the default build;
# the Dockerfile uses this one. The instrumented build stays cached in its own target
# directory; the optimised one is rebuilt whole each time, since the profile it is built
# with is part of its flags. Extra arguments go to both builds (e.g. `--no-default-features`).
set -euo pipefail
cd "$(dirname "$0")/.."

articles="${CLAIMWIRE_PGO_ARTICLES:-10000}"
host="$(rustc -vV | sed -n 's/^host: //p')"
profdata="$(rustc --print sysroot)/lib/rustlib/${host}/bin/llvm-profdata"
if [ ! -x "$profdata" ]; then
    echo "build-pgo.sh: adding rustup's llvm-tools component (llvm-profdata)" >&2
    rustup component add llvm-tools
fi

target="$(realpath -m "${CARGO_TARGET_DIR:-target}")"
gen="$target/pgo-gen"
out="$target/pgo"
profiles="$gen/profiles"
rm -rf "$profiles"
mkdir -p "$profiles"

echo "build-pgo.sh: 1/4 instrumented build" >&2
RUSTFLAGS="${RUSTFLAGS:-} -Cprofile-generate=$profiles" \
    cargo build --release --locked --bin claimwire --target-dir "$gen" "$@"

echo "build-pgo.sh: 2/4 training run over ${articles} generated articles" >&2
# The generator needs neither Kafka nor an optimised build: `--no-default-features` spares
# a second build of librdkafka.
training="$(mktemp -d)"
trap 'rm -rf "$training"' EXIT
cargo run --quiet --locked --no-default-features --example wire_mix -- "$articles" 7 > "$training/wire.jsonl"
RUST_LOG=error "$gen/release/claimwire" process --state "$training/state" \
    --model-dir "$training/no-model" \
    "$training/wire.jsonl" examples/articles.jsonl examples/seed-article.txt > /dev/null

echo "build-pgo.sh: 3/4 merging the profiles" >&2
"$profdata" merge -o "$gen/claimwire.profdata" "$profiles"

echo "build-pgo.sh: 4/4 optimised build" >&2
RUSTFLAGS="${RUSTFLAGS:-} -Cprofile-use=$gen/claimwire.profdata" \
    cargo build --release --locked --bin claimwire --target-dir "$out" "$@"
echo "build-pgo.sh: built $out/release/claimwire" >&2
