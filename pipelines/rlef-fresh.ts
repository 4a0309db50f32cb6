/**
 * The default pipeline on fresh statements (session 12): training problems from
 * `data/suite/fresh.jsonl` — every family's third set of phrasings (in neither the training nor the
 * held-out split) with novel parameter values — and no words dropped. These statements are new to
 * the warm start in phrasing and value, as the held-out ones are, without being held out. Question:
 * session 11's RL gained on its own training distribution (+6.5 points of 1@3) and not on the
 * held-out split; does RL on unmemorised phrasings carry over to other unseen phrasings?
 * Everything else is `rlef-ppo`'s. Results in the README (session 12).
 */
import { definePipeline } from '../src/pipeline/pipeline-config.ts';
import rlef from './rlef-ppo.ts';

export default definePipeline({
  ...rlef,
  name: 'rlef-fresh',
  description: 'the default RLEF on fresh phrasings with novel values, statements whole',
  data: { ...rlef.data, train: 'data/suite/fresh.jsonl', statementDropout: 0 },
});
