/**
 * RLEF on parameter values the warm start never saw (`data/suite/novel.jsonl`: the training
 * templates with values of neither the training nor the held-out split). Session 7 found that the
 * warm start's held-out failures are nearly all in families with parameters (1@3 10.6 % there vs
 * 79.5 % in the parameterless families, whose held-out problems differ in wording only): it writes
 * a constant it memorised instead of the one the statement names. On novel values the reward goes
 * to the programs that take the value from the statement — the skill the held-out split needs.
 * Otherwise `rlef-explore`'s settings: temperature 1.5, 4 rollouts per problem with a
 * leave-one-out baseline, 64 episodes per iteration; statements are shown whole.
 */
import { definePipeline } from '../src/pipeline/pipeline-config.ts';
import explore from './rlef-explore.ts';

export default definePipeline({
  ...explore,
  name: 'rlef-novel',
  description: 'RLEF on novel parameter values: temperature 1.5, 4 rollouts per problem (leave-one-out), 64 episodes per iteration',
  data: { ...explore.data, train: 'data/suite/novel.jsonl', statementDropout: 0 },
});
