/**
 * rlef-explore with a KL coefficient (β) of 0.5 instead of 0.05: does holding the policy nearer the
 * warm start keep its held-out score while it learns on the training episodes?
 */
import { definePipeline } from '../src/pipeline/pipeline-config.ts';
import explore from './rlef-explore.ts';

export default definePipeline({
  ...explore,
  name: 'rlef-explore-kl',
  description: 'rlef-explore with a KL coefficient of 0.5 (10x the default)',
  training: { ...explore.training, ppo: { ...explore.training.ppo, rl: { ...explore.training.ppo.rl, beta: 0.5 } } },
});
