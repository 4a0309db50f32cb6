/**
 * Writes the problems of the given files again with crashing buggy variants (`src/suite/crash.ts`)
 * in place of their own, for a fine-tune whose repair dialogs show a real traceback
 * (`pipelines/sft-ft-crash.ts`). A variant is kept only when it raises on the problem's first
 * public input (checked by running it with the system python3), at most PER_PROBLEM of them per
 * problem, drawn at random among the kinds that crash. Deterministic: the same files and seed give the same bytes.
 *
 *   node --import tsx pipelines/generate-crash-repairs.ts --out .tmp/crash.jsonl [--per-problem 2] [--seed 1] FILE...
 */
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { loadProblems } from '../src/problems/load.ts';
import type { Problem } from '../src/problems/problem.ts';
import { toJsonl } from '../src/suite/generate.ts';
import { crashVariants, type CrashKind } from '../src/suite/crash.ts';
import { runBatch } from '../src/suite/python-batch.ts';
import { shuffle } from '../src/runtime/shuffle.ts';
import { rngFor } from '../src/suite/random.ts';

const count = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number ≥ 1');
  return n;
};

const program = new Command('generate-crash-repairs')
  .description('the problems of FILE... with crashing buggy variants in place of their own')
  .argument('<files...>', 'problem files (the project JSONL)')
  .requiredOption('--out <file>', 'where to write the problems')
  .option('--per-problem <n>', 'crashing variants kept per problem', count, 2)
  .option('--seed <n>', 'seed of the edits', count, 1)
  .parse();
const options = program.opts<{ out: string; perProblem: number; seed: number }>();

const problems: Problem[] = [];
for (const file of program.args) problems.push(...(await loadProblems(file)));
/** The first public stdin/stdout input: a kept variant raises on it, so its feedback is a traceback. */
const firstInput = (p: Problem): string | undefined => {
  const test = p.tests.public.find((t) => t.kind === 'stdio');
  return test?.kind === 'stdio' ? test.input : undefined;
};
const usable = problems.filter((p) => p.solutions.length > 0 && firstInput(p) !== undefined);

const candidates = usable.map((p) => crashVariants(p.solutions[0]!, rngFor(options.seed, 'crash', p.id)));
const results = await runBatch(usable.map((p, i) => ({ programs: candidates[i]!.map((c) => c.code), inputs: [firstInput(p)!] })));

const kinds = new Map<CrashKind, number>();
const out: Problem[] = [];
usable.forEach((problem, i) => {
  const crashing = candidates[i]!.filter((_, j) => results[i]![j]![0]!.ok === false);
  const kept = shuffle(crashing, rngFor(options.seed, 'pick', problem.id)).slice(0, options.perProblem);
  for (const c of kept) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
  if (kept.length > 0) out.push({ ...problem, id: `${problem.id}/crash`, incorrectSolutions: kept.map((c) => c.code) });
});
writeFileSync(options.out, toJsonl(out));
const byKind = [...kinds].map(([k, n]) => `${k} ${n}`).join(', ');
console.log(`${out.length} of ${problems.length} problems, ${[...kinds.values()].reduce((a, b) => a + b, 0)} crashing variants (${byKind}) -> ${options.out}`);
