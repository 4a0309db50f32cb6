/**
 * The warm start (issue 8, item 2): supervised training of the demo policy on the suite's
 * reference solutions and on repair traces (a buggy attempt, its real execution feedback, the
 * fix), rendered exactly like RLEF rollouts. Writes the checkpoint `rlef train` starts from.
 */
import { defineSftPipeline } from '../src/runtime/sft-config.ts';
import { DEMO_MODEL_CONFIG } from '../src/policy/demo-config.ts';

export default defineSftPipeline({
  name: 'sft-warmstart',
  description: 'SFT warm start: reference solutions and repair traces with real execution feedback',
  data: { train: 'data/suite/train.jsonl', heldout: 'data/suite/heldout.jsonl' },
  model: DEMO_MODEL_CONFIG,
  seed: 1,
  repairShare: 0.3,
  training: {
    steps: 900,
    batchTokens: 4096,
    microTokens: 4096,
    lr: 2e-3,
    warmupSteps: 30,
    minLrRatio: 0.1,
    weightDecay: 0.1,
    maxGradNorm: 1.0,
    checkpointEvery: 50,
    logEvery: 10,
    saveOptimizer: true,
  },
  out: 'data/warmstart',
  feedbackCache: 'runs/sft-feedback-cache.jsonl',
  exec: { workers: 2 },
  evaluation: { problems: 30, maxNewTokens: 200 },
});
