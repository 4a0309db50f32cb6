/**
 * Session 7 experiment (issue 8): fine-tune the then-shipped warm start (now data/warmstart-gpu) on CPU with problems whose
 * parameter values it never saw (data/suite/novel.jsonl) mixed with a third of the training split
 * (so the training values stay): does more variety of values teach it to take the value from the
 * statement, which the held-out split needs?
 *
 *   (cat data/suite/novel.jsonl; awk 'NR%3==1' data/suite/train.jsonl) > .tmp/sft-novel-mix.jsonl
 *   node bin/rlef sft --pipeline pipelines/sft-ft-novel.ts --no-tui       # 150 steps, ≈ 15 min here
 */
import { defineSftPipeline } from '../src/runtime/sft-config.ts';
import gpu from './sft-warmstart-gpu.ts';

export default defineSftPipeline({
  ...gpu,
  name: 'sft-ft-novel',
  description: 'fine-tune of data/warmstart-gpu on novel parameter values mixed with training problems',
  data: { train: '.tmp/sft-novel-mix.jsonl', heldout: 'data/suite/heldout.jsonl' },
  init: 'data/warmstart-gpu',
  repairShare: 0.3,
  augment: { copies: 1, wordDropout: 0.15 },
  training: {
    steps: 150, batchTokens: 4096, microTokens: 4096, lr: 3e-4, warmupSteps: 10, minLrRatio: 0.1,
    weightDecay: 0.1, maxGradNorm: 1.0, checkpointEvery: 50, logEvery: 10, saveOptimizer: true,
  },
  out: 'runs/sft-ft-novel',
  feedbackCache: 'runs/sft-ft-novel-cache.jsonl',
  exec: { workers: 2 },
  evaluation: { problems: 0, maxNewTokens: 128 },
});
