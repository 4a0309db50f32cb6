/**
 * Writes the two crossed evaluation sets (`generateCrossed`): held-out templates with training
 * values, and training templates with held-out values, 2 per family each by default. Evaluating a
 * policy on both splits its held-out loss into phrasing and values (README, session 13). Never
 * train on them: each holds a held-out half. Deterministic for a seed.
 *
 *   node --import tsx pipelines/generate-crossed.ts [--per-family 2] [--seed 1] [--out-dir .tmp]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateCrossed, toJsonl } from '../src/suite/generate.ts';

const { values: args } = parseArgs({
  options: {
    'per-family': { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    'out-dir': { type: 'string', default: '.tmp' },
  },
});
const perFamily = Number(args['per-family']);
const seed = Number(args.seed);
if (!Number.isInteger(perFamily) || perFamily < 1 || !Number.isInteger(seed)) {
  console.error('usage: generate-crossed.ts [--per-family N>=1] [--seed INT] [--out-dir DIR]');
  process.exit(64);
}
for (const split of ['crossed-phrasing', 'crossed-values'] as const) {
  const problems = await generateCrossed({ seed, split, perFamily });
  const out = join(args['out-dir'], `${split}.jsonl`);
  writeFileSync(out, toJsonl(problems));
  console.log(`${problems.length} problems (${split}, ${perFamily} per family, seed ${seed}) -> ${out}`);
}
