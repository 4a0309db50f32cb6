/**
 * Writes problems whose parameter values come from wide ranges outside the training and held-out
 * pools (`src/suite/wide.ts`), for the warm start's fine-tune (`pipelines/sft-wide-torch.ts`).
 * Deterministic: the same count and seed give the same bytes (about 4 s for 120 per family).
 *
 *   node --import tsx pipelines/generate-wide.ts [PER_FAMILY=120] [OUT=.tmp/wide120.jsonl] [SEED=7] [--broad-strings]
 *
 * `--broad-strings` (session 13): only the families whose parameters are all strings, with the
 * broad values of `broadValues` (every letter, 22 symbols, 100 verdict pairs, less the held-out ones).
 */
import { writeFileSync } from 'node:fs';
import { toJsonl } from '../src/suite/generate.ts';
import { generateWide } from '../src/suite/wide.ts';

const broadStrings = process.argv.includes('--broad-strings');
const args = process.argv.slice(2).filter((a) => a !== '--broad-strings');
const perFamily = Number(args[0] ?? 120);
const out = args[1] ?? '.tmp/wide120.jsonl';
const problems = await generateWide({ seed: Number(args[2] ?? 7), perFamily, broadStrings });
writeFileSync(out, toJsonl(problems));
console.log(`${problems.length} problems (${perFamily} per family with ${broadStrings ? 'only string parameters, broad values' : 'parameters'}) -> ${out}`);
