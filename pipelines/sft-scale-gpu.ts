/**
 * Issue 8, the README's next step (1): does a larger policy carry the training phrasings to new
 * ones? The shipped warm start's two-stage recipe (pipelines/sft-warmstart-gpu.ts, then
 * pipelines/sft-wide-gpu.ts) for models of three sizes, trained side by side on one GPU from the
 * same exported ids (the byte tokenizer's ids do not depend on the model's shape;
 * `sft_torch.py --shape` sets it). This file is the import side (the shapes are `SCALE_MODELS` in
 * src/policy/demo-config.ts), and the default export imports the middle one (RLEF_SCALE=s|m|l picks another).
 *
 *   node bin/rlef sft --pipeline pipelines/sft-warmstart-gpu.ts --export-sequences .tmp/s14/seq-base
 *   node bin/rlef sft --pipeline pipelines/sft-wide-gpu.ts --export-sequences .tmp/s14/seq-wide
 *   bash pipelines/gpu/scale.sh .tmp/s14 OUT              # on the GPU machine: both stages, three sizes
 *   RLEF_SCALE=m node bin/rlef sft --pipeline pipelines/sft-scale-gpu.ts --import-hf OUT/m --out runs/scale-m
 *
 * Numbers and what they mean: README, "Session 14".
 */
import { defineSftPipeline } from '../src/runtime/sft-config.ts';
import { SCALE_MODELS } from '../src/policy/demo-config.ts';
import wide from './sft-wide-gpu.ts';

const size = (process.env['RLEF_SCALE'] ?? 'm') as keyof typeof SCALE_MODELS;
if (!(size in SCALE_MODELS)) throw new Error(`RLEF_SCALE=${size}: expected one of ${Object.keys(SCALE_MODELS).join(', ')}`);

const { init: _init, ...rest } = wide;

export default defineSftPipeline({
  ...rest,
  name: `sft-scale-${size}`,
  description: `the warm start's two-stage GPU recipe at model size ${size}`,
  model: SCALE_MODELS[size],
  out: `runs/scale-${size}`,
});
