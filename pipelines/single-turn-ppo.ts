/**
 * Ablation: the same PPO setup with one turn per episode (no execution feedback reaches the
 * model), i.e. single-turn RL on the final reward (RLEF.md §4, "single-turn vs multi-turn").
 */
import { definePipeline } from '../src/pipeline/pipeline-config.ts';
import rlef from './rlef-ppo.ts';

export default definePipeline({
  ...rlef,
  name: 'single-turn-ppo',
  description: 'Single-turn RL: one answer per episode, PPO on the final grade',
  rollout: { ...rlef.rollout, maxTurns: 1 },
});
