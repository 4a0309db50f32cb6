/**
 * The default pipeline on grammar statements (session 13): training problems from
 * `data/suite/grammar.jsonl` — paraphrases of the training templates drawn from the phrasing
 * grammar (`src/suite/grammar.ts`; never a held-out or fresh template) with the training values —
 * and no words dropped. Session 12's RL on one new set of phrasings gained on them (+8.3 points)
 * and not on the held-out ones (+0.8); the grammar's statements vary far more. Does RL on them
 * carry over to phrasings it has not seen? Everything else is `rlef-ppo`'s, the shipped warm
 * start included. Measured (session 13, seed 1, 60 iterations on the grammar of commit d270a58;
 * README): the warm start already solves 88 % of these statements and RL leaves that flat (88.3 →
 * 88.5 %, iterations 0–29 → 30–59); held-out 1@3 57.6 → 58.7 % (+1.1 [−1.1, +3.3]).
 */
import { definePipeline } from '../src/pipeline/pipeline-config.ts';
import rlef from './rlef-ppo.ts';

export default definePipeline({
  ...rlef,
  name: 'rlef-grammar',
  description: 'the default RLEF on phrasing-grammar statements with training values, statements whole',
  data: { ...rlef.data, train: 'data/suite/grammar.jsonl', statementDropout: 0 },
});
