/**
 * Variant of the default pipeline *(beyond the paper)*: the same multi-turn RLEF, but each drawn
 * problem gets 4 episodes in a row and the advantage baseline is the leave-one-out mean return of
 * the other three (RLOO) instead of the fresh turn-level critic. No critic is evaluated or
 * trained, so an update costs less and more iterations fit in the same time; a group whose
 * episodes all pass or all fail teaches nothing.
 */
import { definePipeline } from '../src/pipeline/pipeline-config.ts';
import rlef from './rlef-ppo.ts';

export default definePipeline({
  ...rlef,
  name: 'rlef-group',
  description: 'RLEF with 4 rollouts per problem and a leave-one-out baseline (no critic)',
  training: {
    ...rlef.training,
    iterations: 8,
    lr: 2e-4,
    rolloutsPerProblem: 4,
    checkpointEvery: 8,
    ppo: { ...rlef.training.ppo, rl: { baseline: 'leave-one-out' } },
  },
});
