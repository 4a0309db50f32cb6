/**
 * Regenerates the built-in task suite: `node --import tsx pipelines/generate-suite.ts [--seed 1] [--out data/suite]`.
 * Writes train.jsonl, heldout.jsonl, smoke.jsonl, novel.jsonl (training templates with parameter
 * values of neither split, for RL), fresh.jsonl (templates of neither split with the novel
 * values, for RL) and grammar.jsonl (paraphrases of the training templates drawn from the phrasing
 * grammar, with the training values); the same seed gives the same bytes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateFresh, generateGrammar, generateNovel, generateSuite, toJsonl, type SuiteSplit } from '../src/suite/generate.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'data/suite' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
/** Grammar problems per family in grammar.jsonl (more with pipelines/generate-grammar.ts). */
const GRAMMAR_PER_FAMILY = 20;
const seed = Number(values.seed);
if (!Number.isInteger(seed)) {
  console.error(`--seed must be an integer, got ${values.seed}`);
  process.exit(64);
}
const suite = await generateSuite({ seed, python: values.python });
await mkdir(values.out, { recursive: true });
for (const split of ['train', 'heldout', 'smoke'] as const satisfies readonly SuiteSplit[]) {
  const path = join(values.out, `${split}.jsonl`);
  const text = toJsonl(suite[split]);
  await writeFile(path, text);
  console.log(`${path}: ${suite[split].length} problems, ${Buffer.byteLength(text)} bytes`);
}
for (const [name, problems] of [
  ['novel', await generateNovel({ seed, python: values.python })],
  ['fresh', await generateFresh({ seed, python: values.python })],
  ['grammar', await generateGrammar({ seed, perFamily: GRAMMAR_PER_FAMILY, python: values.python })],
] as const) {
  const path = join(values.out, `${name}.jsonl`);
  const text = toJsonl(problems);
  await writeFile(path, text);
  console.log(`${path}: ${problems.length} problems, ${Buffer.byteLength(text)} bytes`);
}
