/**
 * The default pipeline on novel parameter values (session 11): training problems from
 * `data/suite/novel.jsonl` (the 33 families with parameters, training templates, values of neither
 * the training nor the held-out split), statements thinned as the default thins them (80 % of the
 * words dropped). Question: session 11's long default run gained on its own training distribution
 * (+7.6 points of 1@3 on thinned training problems) but lost on the held-out split (−2.9); is the
 * loss the training values, which the warm start has memorised and RL on the training split
 * rewards it for writing? Here no value can be memorised. Everything else is `rlef-ppo`'s.
 * Results in the README (session 11).
 */
import { definePipeline } from '../src/pipeline/pipeline-config.ts';
import rlef from './rlef-ppo.ts';

export default definePipeline({
  ...rlef,
  name: 'rlef-novel-thinned',
  description: 'the default RLEF on novel parameter values, statements thinned as the default thins them',
  data: { ...rlef.data, train: 'data/suite/novel.jsonl' },
});
