/**
 * MBPP (`.jsonl`): `task_id, text, code, test_list[], test_setup_code, challenge_test_list[]`.
 * Each assert is one call test: `test_list` are public (they are also shown in the description,
 * as in the MBPP paper's prompt), `challenge_test_list` private. Ids are `Mbpp/<task_id>`, the
 * same as MBPP+, so one solutions file serves both.
 */
import { readFileSync } from 'node:fs';
import type { CallTest, Problem } from './problem.ts';
import type { Fields } from './fields.ts';

/** The keys that identify an MBPP record (format detection). */
export const MBPP_KEYS = ['task_id', 'text', 'code', 'test_list'] as const;

const ASSERT_HELPER = readFileSync(new URL('./assert-check.py', import.meta.url), 'utf8');

/** A call test that runs one assert statement, reporting `A == B` mismatches precisely. */
export function assertTest(statement: string, setup = ''): CallTest {
  const display = statement.trim().replace(/^assert\s+/, '');
  const code = `${setup.trim() === '' ? '' : `${setup}\n`}${ASSERT_HELPER}\n_rlef_assert(${JSON.stringify(statement)})\n`;
  return { kind: 'call', code, display };
}

/** The function an assert calls first (`assert name(...)`), if it reads that way. */
export function calledFunction(statement: string): string | undefined {
  return /^\s*assert\s+(?:not\s+)?\(?\s*(?:set\(|math\.isclose\()?\s*([A-Za-z_]\w*)\s*\(/.exec(statement)?.[1];
}

/** One MBPP record as a Problem. */
export function mbppProblem(fields: Fields): Problem {
  const id = `Mbpp/${fields.id('task_id')}`;
  const text = fields.nonEmptyString('text');
  const tests = fields.stringArray('test_list');
  if (tests.length === 0) throw fields.error('field "test_list" must not be empty');
  const setup = fields.optionalString('test_setup_code') ?? '';
  const challenge = fields.optionalStringArray('challenge_test_list');
  const entryPoint = calledFunction(tests[0]!);
  return {
    id,
    source: 'mbpp',
    description: `${text}\nYour code should pass these tests:\n\n${tests.join('\n')}`,
    tests: {
      public: tests.map((test) => assertTest(test, setup)),
      private: challenge.map((test) => assertTest(test, setup)),
      generated: [],
    },
    solutions: [fields.string('code')],
    incorrectSolutions: [],
    ...(entryPoint === undefined ? {} : { entryPoint }),
  };
}
