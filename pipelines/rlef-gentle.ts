/**
 * The default pipeline with half its learning rate for twice as many iterations (session 9): a
 * test of whether the default's loss against a strong warm start is drift from noisy updates.
 * About 10 minutes of training here. Results in the README (session 9).
 */
import { definePipeline } from '../src/pipeline/pipeline-config.ts';
import rlef from './rlef-ppo.ts';

export default definePipeline({
  ...rlef,
  name: 'rlef-gentle',
  description: 'the default RLEF at lr 1e-4 for 10 iterations',
  training: { ...rlef.training, iterations: 10, lr: 1e-4, checkpointEvery: 5 },
});
