/**
 * The default pipeline on novel parameter values with whole statements (session 9): the training
 * problems are `data/suite/novel.jsonl` (the training templates with values of neither the
 * training nor the held-out split) and no statement words are dropped, so the reward goes to
 * programs that read the task and its values from the statement — the skill the held-out split
 * asks for — instead of guessing a half-read statement from the feedback. Everything else is
 * `rlef-ppo`'s. Results in the README (session 9).
 */
import { definePipeline } from '../src/pipeline/pipeline-config.ts';
import rlef from './rlef-ppo.ts';

export default definePipeline({
  ...rlef,
  name: 'rlef-novel-whole',
  description: 'the default RLEF on novel parameter values, statements whole',
  data: { ...rlef.data, train: 'data/suite/novel.jsonl', statementDropout: 0 },
  // The session-9 setting (the default before session 10).
  training: { ...rlef.training, iterations: 5, lr: 2e-4, checkpointEvery: 5 },
});
