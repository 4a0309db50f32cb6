#!/usr/bin/env bash
# The shipped warm start's two-stage recipe (data/warmstart-gpu's base training, then
# data/warmstart's wide-value fine-tune) at three model sizes side by side on one GPU, from the
# same exported ids. Usage (on the GPU machine; commands before it: pipelines/sft-scale-gpu.ts):
#
#   bash pipelines/gpu/scale.sh SEQ OUT [SIZES]
#
# SEQ holds seq-base/ and seq-wide/ (the two exports) or seq.tar.xz with them; OUT gets one
# Hugging Face folder per size (OUT/s, OUT/m, OUT/l: config.json, F16 model.safetensors,
# train.json) and OUT/logs. SIZES defaults to "s m l"; shapes as SCALE_MODELS in
# src/policy/demo-config.ts. Each stage stops by its time limit (STAGE1_S, STAGE2_S seconds) if
# it has not finished; train.json records whether it did. Other settings by environment:
# EPOCHS1/EPOCHS2 (2, 3), LR1/LR2 (2e-3, 1e-3), BATCH_TOKENS (65536), SEED (1), FUSED (default
# --fused-attention; FUSED= for torch < 2). STAGES ("1 2") runs one stage alone: the base
# weights go to BASE/<size>-base (BASE defaults to a temporary folder), so "STAGES=1" and a
# later "STAGES=2" with the same BASE split the recipe across two calls. SAVE_EVERY=N also keeps
# stage 2's weights every N steps (OUT/<size>/step-NNNNNN, each importable with --import-hf).
set -euo pipefail
seq=$1 out=$2 sizes=${3:-s m l}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
base=${BASE:-$work} stages=${STAGES:-1 2}
if [ -f "$seq/seq.tar.xz" ]; then tar -xJf "$seq/seq.tar.xz" -C "$work"; seq=$work; fi
for d in seq-base seq-wide; do [ -f "$seq/$d/index.json" ] || { echo "scale.sh: $seq/$d/index.json missing" >&2; exit 64; }; done
mkdir -p "$out/logs"
shape() {
  case $1 in
    s) echo '{}' ;;
    m) echo '{"dModel":256,"nLayers":6,"nHeads":8,"nKvHeads":8,"ffnDim":1024}' ;;
    l) echo '{"dModel":384,"nLayers":8,"nHeads":12,"nKvHeads":12,"ffnDim":1536}' ;;
    *) echo "scale.sh: unknown size $1" >&2; exit 64 ;;
  esac
}
common=(--seed "${SEED:-1}" --plain ${FUSED---fused-attention} --batch-tokens "${BATCH_TOKENS:-65536}" --log-every 50)
for k in $sizes; do
  sh=$(shape "$k")
  (
    if [[ " $stages " == *" 1 "* ]]; then
      python3 "$here/sft_torch.py" --data "$seq/seq-base" --out "$base/$k-base" --shape "$sh" "${common[@]}" \
        --epochs "${EPOCHS1:-2}" --lr "${LR1:-2e-3}" --warmup 100 --max-seconds "${STAGE1_S:-150}" &&
      cp "$base/$k-base/train.json" "$out/logs/$k-base.json"
    fi &&
    if [[ " $stages " == *" 2 "* ]]; then
      python3 "$here/sft_torch.py" --data "$seq/seq-wide" --init "$base/$k-base" --out "$out/$k" --shape "$sh" "${common[@]}" \
        --epochs "${EPOCHS2:-3}" --lr "${LR2:-1e-3}" --warmup 50 --max-seconds "${STAGE2_S:-240}" --save-dtype F16 \
        ${SAVE_EVERY:+--save-every "$SAVE_EVERY"}
    fi
  ) > "$out/logs/$k-stage${stages// /}.log" 2>&1 &
done
status=0
for job in $(jobs -p); do wait "$job" || status=1; done
for k in $sizes; do tail -n 3 "$out/logs/$k-stage${stages// /}.log"; done
exit $status
