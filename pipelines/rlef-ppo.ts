/**
 * The default pipeline: multi-turn RLEF with PPO (RLEF.md §1–3) on the built-in task suite,
 * starting from the shipped warm-start checkpoint. Sized to finish on a 2-core machine.
 */
import { definePipeline } from '../src/pipeline/pipeline-config.ts';
import { DEMO_MODEL_CONFIG } from '../src/policy/demo-config.ts';

export default definePipeline({
  name: 'rlef-ppo',
  description: 'RLEF: up to 3 turns with execution feedback, PPO with a turn-level critic',
  data: { train: 'data/suite/train.jsonl', heldout: 'data/suite/heldout.jsonl' },
  model: { checkpoint: 'data/warmstart', fallback: { config: DEMO_MODEL_CONFIG, seed: 1 } },
  rollout: {
    maxTurns: 3,
    temperature: 1.0,
    topP: 1.0,
    maxNewTokens: 160,
    concurrency: 32,
    maxGenerationBatch: 32,
    feedback: 'real',
  },
  training: {
    iterations: 12,
    episodesPerIteration: 64,
    maxPolicyLag: 0,
    lr: 2e-5,
    criticLr: 1e-4,
    weightDecay: 0.1,
    warmupSteps: 4,
    maxGradNorm: 1.0,
    ppo: { epochs: 1, minibatches: 4, microBatch: 16 },
    checkpointEvery: 4,
  },
  exec: { workers: 1 },
  evaluation: { rollouts: 1, temperature: 0.2, topP: 0.95, maxTurns: 3 },
});
