/**
 * Session 16 experiment (issue 8): fine-tune the shipped warm start (data/warmstart) on repair
 * dialogs whose first attempt crashes (`src/suite/crash.ts`: another separator, a stray quote, a
 * dropped bracket, an unknown name, numbers left as text), so the feedback it learns to answer
 * includes real tracebacks, mixed with the training split's own solve and repair dialogs so nothing
 * is forgotten. The crash file is made from 30 wide-value problems per family (seed 10, no
 * held-out value) and the training split:
 *
 *   node --import tsx pipelines/generate-wide.ts 30 .tmp/wide30-s10.jsonl 10
 *   node --import tsx pipelines/generate-crash-repairs.ts --out .tmp/crash.jsonl .tmp/wide30-s10.jsonl data/suite/train.jsonl
 *   node bin/rlef sft --pipeline pipelines/sft-ft-crash.ts --export-sequences .tmp/sft-ft-crash-seq
 *   /usr/bin/python3 pipelines/gpu/sft_torch.py --data .tmp/sft-ft-crash-seq --init data/warmstart --out .tmp/sft-ft-crash-hf \
 *     --seed 1 --epochs 0.25 --lr 5e-5 --warmup 10 --batch-tokens 8192 --micro-tokens 8192 --threads 2 --log-every 20 --plain
 *   node bin/rlef sft --pipeline pipelines/sft-ft-crash.ts --import-hf .tmp/sft-ft-crash-hf
 *
 * (≈ 13 min of training on this machine's 2 cores; session 16 also ran it at --lr 2e-4.) Tried, not
 * shipped: results in the README (session 16); pipelines/sft-ft-nocrash.ts is its control.
 */
import { defineSftPipeline } from '../src/runtime/sft-config.ts';
import wide from './sft-wide-gpu.ts';

export default defineSftPipeline({
  ...wide,
  name: 'sft-ft-crash',
  description: 'fine-tune of data/warmstart on repair dialogs after crashes, plus the training split',
  data: { train: ['.tmp/crash.jsonl', 'data/suite/train.jsonl'], heldout: 'data/suite/heldout.jsonl' },
  init: 'data/warmstart',
  repairShare: 0.5,
  // Repairs are trained as the decoder shows them at evaluation (at most 128 new tokens): after a
  // traceback the failed program usually no longer fits and appears as '[earlier answer omitted]'.
  fitToGeneration: 128,
  out: 'runs/sft-ft-crash',
  feedbackCache: 'runs/sft-ft-crash-cache.jsonl',
});
