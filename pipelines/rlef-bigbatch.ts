/**
 * Variant of the default pipeline: 64 episodes per iteration instead of 16 (4 PPO updates of 16
 * episodes each, as the paper splits 1024 into 4 × 256) at half the learning rate, for 3
 * iterations — the same number of episodes as 12 default iterations, in about 8 minutes of
 * training here. Tried in session 4 to see whether larger batches stop the drift that more small
 * iterations cause (README, built-in demo results). It decodes 32 episodes at a time, so its
 * held-out evaluation of the start policy does not match the cached one (`heldout-eval.json`
 * is keyed by the settings, concurrency included): it is played again and the cache replaced.
 */
import { definePipeline } from '../src/pipeline/pipeline-config.ts';
import rlef from './rlef-ppo.ts';

export default definePipeline({
  ...rlef,
  name: 'rlef-bigbatch',
  description: 'RLEF with 64 episodes per iteration, 4 updates each, lr 1e-4',
  rollout: { ...rlef.rollout, concurrency: 32, maxGenerationBatch: 32 },
  training: {
    ...rlef.training,
    iterations: 3,
    episodesPerIteration: 64,
    lr: 1e-4,
    checkpointEvery: 3,
    ppo: { ...rlef.training.ppo, minibatches: 4 },
  },
});
