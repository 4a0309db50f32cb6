/**
 * The default pipeline with a penalty for retries that ignore the feedback: a non-final response
 * whose code is an earlier turn's code again scores r_t = −0.5 (`rl.repeatReward`; the paper has
 * no such term, RLEF.md §2). A repeated program cannot pass, yet the warm start repeats itself in
 * about 60 % of its retries (session 12), so the final reward alone says little about retries.
 * Writing something else after a failure does not depend on the statement's phrasing, so it may
 * carry over to the held-out split where the statement → program mapping does not.
 */
import { definePipeline } from '../src/pipeline/pipeline-config.ts';
import rlef from './rlef-ppo.ts';

export default definePipeline({
  ...rlef,
  name: 'rlef-norepeat',
  description: 'RLEF (the default) with r_t = −0.5 for a retry that repeats earlier code',
  training: { ...rlef.training, ppo: { ...rlef.training.ppo, rl: { ...rlef.training.ppo.rl, repeatReward: -0.5 } } },
});
