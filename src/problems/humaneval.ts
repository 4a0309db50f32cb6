/**
 * HumanEval (`.jsonl` or `.jsonl.gz`): `task_id, prompt, canonical_solution, test, entry_point`.
 * One call test per problem runs the record's `test` code and then `check(entry_point)`, as the
 * original harness does. The description is the prompt; the reference solution is
 * prompt + canonical_solution; the prompt is also the `solutionPrefix` (see solution.ts).
 */
import type { Problem } from './problem.ts';
import type { Fields } from './fields.ts';

/** The keys that identify a HumanEval record (format detection). */
export const HUMANEVAL_KEYS = ['task_id', 'prompt', 'canonical_solution', 'test', 'entry_point'] as const;

/** One HumanEval record as a Problem. */
export function humanEvalProblem(fields: Fields): Problem {
  const id = fields.nonEmptyString('task_id');
  const prompt = fields.nonEmptyString('prompt');
  const entryPoint = fields.nonEmptyString('entry_point');
  if (!/^[A-Za-z_]\w*$/.test(entryPoint)) throw fields.error(`field "entry_point" must be a Python name, got ${JSON.stringify(entryPoint)}`);
  const test = fields.nonEmptyString('test');
  return {
    id,
    source: 'humaneval',
    description: prompt,
    tests: {
      public: [{ kind: 'call', code: `${test}\n\ncheck(${entryPoint})\n`, display: `check(${entryPoint})` }],
      private: [],
      generated: [],
    },
    solutions: [prompt + fields.string('canonical_solution')],
    incorrectSolutions: [],
    entryPoint,
    solutionPrefix: prompt,
  };
}
