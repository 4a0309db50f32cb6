/**
 * Session 8 experiment (issue 8): fine-tune the shipped warm start with PyTorch on the CPU on
 * problems whose parameter values come from wide ranges outside the training and held-out pools
 * (every problem its own value, so copying the value from the statement is the only way to a low
 * loss), mixed with the whole training split so the families are not forgotten.
 *
 *   node --import tsx pipelines/generate-wide.ts 120 .tmp/wide120.jsonl
 *   (cat .tmp/wide120.jsonl; cat data/suite/train.jsonl) > .tmp/sft-wide-mix.jsonl
 *   node bin/rlef sft --pipeline pipelines/sft-wide-torch.ts --export-sequences .tmp/sft-wide-seq
 *   /usr/bin/python3 pipelines/gpu/sft_torch.py --data .tmp/sft-wide-seq --init data/warmstart --out .tmp/sft-wide-hf ...
 *   node bin/rlef sft --pipeline pipelines/sft-wide-torch.ts --import-hf .tmp/sft-wide-hf
 */
import { defineSftPipeline } from '../src/runtime/sft-config.ts';
import gpu from './sft-warmstart-gpu.ts';

export default defineSftPipeline({
  ...gpu,
  name: 'sft-wide-torch',
  description: 'fine-tune of data/warmstart on wide-range parameter values mixed with the training split',
  data: { train: ['.tmp/wide120.jsonl', 'data/suite/train.jsonl'], heldout: 'data/suite/heldout.jsonl' },
  init: 'data/warmstart-gpu',
  repairShare: 0.3,
  augment: { copies: 0, wordDropout: 0 },
  out: 'data/warmstart',
  feedbackCache: 'runs/sft-wide-cache.jsonl',
  exec: { workers: 2 },
  evaluation: { problems: 30, maxNewTokens: 128 },
});
