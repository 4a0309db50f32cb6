import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Fields } from '../../../src/problems/fields.ts';
import { loadProblems } from '../../../src/problems/load.ts';
import { problemToJsonLine, rlefProblem } from '../../../src/problems/rlef-jsonl.ts';
import type { Problem, Test } from '../../../src/problems/problem.ts';
import { InputError } from '../../../src/runtime/errors.ts';
import { fixture } from './fixtures.ts';

const testArb: fc.Arbitrary<Test> = fc.oneof(
  fc.record({ kind: fc.constant('stdio' as const), input: fc.string(), output: fc.string() }, { noNullPrototype: true }),
  fc.record({ kind: fc.constant('call' as const), code: fc.string(), display: fc.string() }, { requiredKeys: ['kind', 'code', 'display'], noNullPrototype: true }),
  fc.record({ kind: fc.constant('call' as const), code: fc.string(), display: fc.string(), expected: fc.string() }, { noNullPrototype: true }),
);

const problemArb: fc.Arbitrary<Problem> = fc.record(
  {
    id: fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
    source: fc.constantFrom('codecontests', 'humaneval', 'evalplus', 'mbpp', 'rlef'),
    description: fc.string(),
    tests: fc.record({ public: fc.array(testArb, { maxLength: 3 }), private: fc.array(testArb, { maxLength: 3 }), generated: fc.array(testArb, { maxLength: 2 }) }, { noNullPrototype: true }),
    timeLimitMs: fc.integer({ min: 1, max: 100_000 }),
    memoryLimitBytes: fc.integer({ min: 1, max: 2 ** 40 }),
    solutions: fc.array(fc.string(), { maxLength: 2 }),
    incorrectSolutions: fc.array(fc.string(), { maxLength: 2 }),
    entryPoint: fc.string(),
    solutionPrefix: fc.string(),
    meta: fc.dictionary(fc.string().filter((k) => k !== '__proto__'), fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxKeys: 3, noNullPrototype: true }),
  },
  { requiredKeys: ['id', 'source', 'description', 'tests', 'solutions', 'incorrectSolutions'], noNullPrototype: true },
);

test('a Problem written as a line of the project JSONL reads back equal', () => {
  fc.assert(
    fc.property(problemArb, (problem) => {
      const line = problemToJsonLine(problem);
      assert.ok(!line.includes('\n'));
      const back = rlefProblem(new Fields({ file: 'p.jsonl', line: 1 }, JSON.parse(line) as Record<string, unknown>));
      assert.deepEqual(back, problem);
    }),
    { numRuns: 200 },
  );
});

test('the project JSONL fills in defaults for the optional fields', async () => {
  const [echo, add] = await loadProblems(fixture('rlef-tiny.jsonl'));
  assert.ok(echo && add);
  assert.equal(echo.source, 'rlef');
  assert.deepEqual(echo.tests.generated, []);
  assert.deepEqual(echo.incorrectSolutions, []);
  assert.equal(echo.timeLimitMs, 2000);
  assert.equal(add.source, 'humaneval');
  assert.deepEqual(add.tests.public[0], { kind: 'call', code: 'assert add(1, 2) == 3\n', display: 'add(1, 2)', expected: '3' });
  assert.deepEqual(add.meta, { level: 1 });
});

test('a test of unknown kind or a non-positive limit is an input error at its line', () => {
  const read = (record: Record<string, unknown>): Problem => rlefProblem(new Fields({ file: 'p.jsonl', line: 7 }, record));
  const base = { id: 'x', description: 'd', tests: { public: [] } };
  assert.throws(() => read({ ...base, tests: { public: [{ kind: 'http' }] } }), (error: unknown) =>
    error instanceof InputError && error.message === 'p.jsonl:7: tests.public[0]: "kind" must be "stdio" or "call", got "http"');
  assert.throws(() => read({ ...base, timeLimitMs: 0 }), /p\.jsonl:7: field "timeLimitMs" must be positive, got 0/);
  assert.throws(() => read({ ...base, source: 'leetcode' }), /p\.jsonl:7: field "source" must be one of/);
  assert.throws(() => read({ id: 'x', description: 'd', tests: {} }), /p\.jsonl:7: field "tests.public" must be an array of tests/);
});
