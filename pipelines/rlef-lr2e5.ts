/**
 * The default pipeline at a tenth of its learning rate (session 9). From the session-9 warm start
 * the default's lr 2e-4 lost held-out points on every seed, and so did every other variant tried;
 * at 2e-5 the held-out result stayed at or a little above the warm start. The README (session 9)
 * has the numbers. This may become the default once single-turn RL and the feedback ablations
 * have been run at the same learning rate.
 */
import { definePipeline } from '../src/pipeline/pipeline-config.ts';
import rlef from './rlef-ppo.ts';

export default definePipeline({
  ...rlef,
  name: 'rlef-lr2e5',
  description: 'the default RLEF at lr 2e-5',
  training: { ...rlef.training, lr: 2e-5 },
});
