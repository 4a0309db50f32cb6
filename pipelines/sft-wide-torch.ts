/**
 * Session 8's warm start (shipped in data/warmstart until session 9 replaced it with
 * pipelines/sft-wide-gpu.ts; its weights are in git history): the GPU warm start (data/warmstart-gpu) fine-tuned
 * with PyTorch on problems whose parameter values come from wide ranges outside the training and
 * held-out pools (every problem its own value, so copying the value from the statement is the
 * only way to a low loss), plus the whole training split so the families are not forgotten.
 * Commands: generate-wide.ts 120 .tmp/wide120.jsonl 7, then export, `sft_torch.py --init
 * data/warmstart-gpu --seed 1 --threads 2 --micro-tokens 8192 --batch-tokens 16384 --epochs 1.25
 * --lr 5e-4 --warmup 20` (≈ 1 h on 2 CPU cores), import; its numbers: data/warmstart/README.md.
 */
import { defineSftPipeline } from '../src/runtime/sft-config.ts';
import gpu from './sft-warmstart-gpu.ts';

export default defineSftPipeline({
  ...gpu,
  name: 'sft-wide-torch',
  description: 'fine-tune of data/warmstart-gpu on wide-range parameter values plus the training split',
  data: { train: ['.tmp/wide120.jsonl', 'data/suite/train.jsonl'], heldout: 'data/suite/heldout.jsonl' },
  init: 'data/warmstart-gpu',
  repairShare: 0.3,
  augment: { copies: 0, wordDropout: 0 },
  out: 'runs/warmstart-s8',
  feedbackCache: 'runs/sft-wide-cache.jsonl',
  exec: { workers: 2 },
  evaluation: { problems: 30, maxNewTokens: 128 },
});
