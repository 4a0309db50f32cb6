/**
 * The default pipeline with its retries sampled hotter: turns 2 and 3 at temperature 1.5 during
 * training (turn 1 stays at 1.0; `rollout.retryTemperature`, beyond the paper). After a failure
 * the warm start samples its failed program again with a mean token probability of 0.998 at
 * temperature 1 (session 15), so RL almost never sees a different retry to reinforce; a hotter
 * retry explores away from it. The PPO ratios use temperature-1 log-probabilities, as in
 * `rlef-explore.ts`: a biased, exploring update. Evaluation is unchanged (temperature 0.2 throughout).
 */
import { definePipeline } from '../src/pipeline/pipeline-config.ts';
import rlef from './rlef-ppo.ts';

export default definePipeline({
  ...rlef,
  name: 'rlef-hot-retry',
  description: 'RLEF (the default) with turns 2 and 3 sampled at temperature 1.5 in training',
  rollout: { ...rlef.rollout, retryTemperature: 1.5 },
});
