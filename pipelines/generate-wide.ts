/**
 * Writes problems whose parameter values come from wide ranges outside the training and held-out
 * pools (`src/suite/wide.ts`), for the warm start's fine-tune (`pipelines/sft-wide-torch.ts`).
 * Deterministic: the same count and seed give the same bytes (about 4 s for 120 per family).
 *
 *   node --import tsx pipelines/generate-wide.ts [PER_FAMILY=120] [OUT=.tmp/wide120.jsonl] [SEED=7]
 */
import { writeFileSync } from 'node:fs';
import { toJsonl } from '../src/suite/generate.ts';
import { generateWide } from '../src/suite/wide.ts';

const perFamily = Number(process.argv[2] ?? 120);
const out = process.argv[3] ?? '.tmp/wide120.jsonl';
const problems = await generateWide({ seed: Number(process.argv[4] ?? 7), perFamily });
writeFileSync(out, toJsonl(problems));
console.log(`${problems.length} problems (${perFamily} per family with parameters) -> ${out}`);
