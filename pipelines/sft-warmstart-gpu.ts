/**
 * The warm start trained on a GPU (issue 8, item 2): the same dialogs as `sft-warmstart.ts`
 * (reference solutions, and repair traces with real execution feedback rendered like RLEF
 * rollouts), with more repair traces and statement noise against memorising the training
 * phrasings, trained far longer than 2 CPU cores allow by `pipelines/gpu/sft_torch.py`.
 *
 *   node bin/rlef sft --pipeline pipelines/sft-warmstart-gpu.ts --export-sequences .tmp/sft-seq
 *   python3 pipelines/gpu/sft_torch.py --data .tmp/sft-seq --out .tmp/sft-hf --seed 1   # on a GPU
 *   node bin/rlef sft --pipeline pipelines/sft-warmstart-gpu.ts --import-hf .tmp/sft-hf
 *
 * `training` below is what the Node trainer would use if run on this pipeline (`rlef sft`
 * without the two flags); the GPU trainer's settings are its command-line arguments, recorded in
 * the checkpoint's state (data/warmstart-gpu/README.md gives the ones used).
 */
import { defineSftPipeline } from '../src/runtime/sft-config.ts';
import { DEMO_MODEL_CONFIG } from '../src/policy/demo-config.ts';
import base from './sft-warmstart.ts';

export default defineSftPipeline({
  ...base,
  name: 'sft-warmstart-gpu',
  description: 'SFT warm start on a GPU: reference solutions, repair traces with real feedback, statement word dropout',
  model: DEMO_MODEL_CONFIG,
  seed: 1,
  repairShare: 0.5,
  // Seven more copies of every dialog, each statement with 15 % of its words dropped. Tried and
  // not better on held-out problems (data/warmstart-gpu/README.md): `confusions: 2` with copies: 5,
  // repairWordDropout: 0.4.
  augment: { copies: 7, wordDropout: 0.15 },
  // The base of the shipped warm start, which fine-tunes it (pipelines/sft-wide-torch.ts).
  out: 'data/warmstart-gpu',
});
