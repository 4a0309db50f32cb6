import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProblems } from '../../../src/problems/load.ts';
import { InputError } from '../../../src/runtime/errors.ts';
import { fixture } from './fixtures.ts';
import { writeCodeContestsParquet } from '../../fixtures/problems/make-codecontests-parquet.ts';

test('the CodeContests parquet export and its JSONL give the same problems', async () => {
  const fromParquet = await loadProblems(fixture('codecontests-tiny.parquet'));
  const fromJsonl = await loadProblems(fixture('codecontests-tiny.jsonl'));
  assert.equal(fromParquet.length, 2);
  assert.deepEqual(fromParquet, fromJsonl);
});

test('a CodeContests row keeps stdio tests by role, Python 3 solutions only, and its limits', async () => {
  const [sum, float] = await loadProblems(fixture('codecontests-tiny.parquet'), { format: 'codecontests' });
  assert.ok(sum && float);
  assert.equal(sum.id, '1_A. Sum');
  assert.deepEqual(sum.tests.public, [{ kind: 'stdio', input: '1 2\n', output: '3\n' }]);
  assert.equal(sum.tests.private.length, 2);
  assert.equal(sum.tests.generated.length, 1);
  assert.deepEqual(sum.solutions, ['a, b = map(int, input().split())\nprint(a + b)\n', 'print(sum(map(int, input().split())))\n']);
  assert.deepEqual(sum.incorrectSolutions, ['print(0)\n']);
  assert.equal(sum.timeLimitMs, 2500);
  assert.equal(sum.memoryLimitBytes, 268435456);
  assert.equal(sum.meta?.['cf_tags'], 'math,implementation');
  assert.equal(sum.meta?.['cf_rating'], 800);
  // No time limit and a zero memory limit mean the defaults.
  assert.equal(float.timeLimitMs, undefined);
  assert.equal(float.memoryLimitBytes, undefined);
  assert.deepEqual(float.solutions, []);
});

test('a CodeContests record whose test inputs and outputs differ in number fails with its line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-cc-'));
  try {
    const file = join(dir, 'bad.jsonl');
    const good = { name: 'a', description: 'd', public_tests: { input: ['1'], output: ['1'] } };
    const bad = { name: 'b', description: 'd', public_tests: { input: ['1', '2'], output: ['1'] } };
    await writeFile(file, `${JSON.stringify(good)}\n${JSON.stringify(bad)}\n`);
    await assert.rejects(loadProblems(file), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.message, `${file}:2: field "public_tests" has 2 inputs but 1 outputs`);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a malformed CodeContests parquet row fails with the file and the row number', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-cc-'));
  try {
    const file = join(dir, 'bad.parquet');
    writeCodeContestsParquet([
      { name: 'a', description: 'd', public_tests: { input: ['1'], output: ['1'] } },
      { name: 'b', description: 'd', public_tests: { input: ['1'], output: ['1'] }, time_limit: { seconds: 1, nanos: 0 }, solutions: { language: [3, 3], solution: ['print(1)'] } },
    ], file);
    await assert.rejects(loadProblems(file), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.message, `${file}: row 2: field "solutions.language" must be an array of numbers as long as "solutions.solution"`);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
