/**
 * Writes grammar problems (`generateGrammar`, `src/suite/grammar.ts`): paraphrases of the training
 * templates, never a held-out or fresh one, with the training values, or with `--wide` the wide
 * values of `src/suite/wide.ts` (outside the training and held-out pools). Deterministic: the same
 * arguments give the same bytes.
 *
 *   node --import tsx pipelines/generate-grammar.ts [--per-family 40] [--seed 1] [--wide] --out FILE
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateGrammar, toJsonl } from '../src/suite/generate.ts';
import { valuesOf } from '../src/suite/wide.ts';

const { values: args } = parseArgs({
  options: {
    'per-family': { type: 'string', default: '40' },
    seed: { type: 'string', default: '1' },
    wide: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const perFamily = Number(args['per-family']);
const seed = Number(args.seed);
if (args.out === undefined || !Number.isInteger(perFamily) || perFamily < 1 || !Number.isInteger(seed)) {
  console.error('usage: generate-grammar.ts [--per-family N>=1] [--seed INT] [--wide] --out FILE');
  process.exit(64);
}
const problems = await generateGrammar({ seed, perFamily, ...(args.wide ? { values: (family) => valuesOf(family) } : {}) });
writeFileSync(args.out, toJsonl(problems));
console.log(`${problems.length} grammar problems (${perFamily} per family${args.wide ? ', wide values' : ''}, seed ${seed}) -> ${args.out}`);
