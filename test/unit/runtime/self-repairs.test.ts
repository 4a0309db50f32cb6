/** Self-repairs: the policy's own failed first turns, made repair dialogs for a fine-tune. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractSelfRepairs, readSelfRepairs, selfRepairExamples, selfRepairsJsonl } from '../../../src/runtime/self-repairs.ts';
import { InputError } from '../../../src/runtime/errors.ts';
import { episode } from '../report/rows.ts';
import type { Problem } from '../../../src/problems/problem.ts';

const rows = [
  // Failed with code: a record (its prompt, code and the feedback it was shown).
  ...episode({ id: 'a', problem: 'train/x/0', iteration: 0, verdicts: ['wrong_answer', 'passed'], solved: true, codes: ['print(2)', 'print(1)'] }),
  // The same problem and program again (up to blank lines): one record is enough.
  ...episode({ id: 'b', problem: 'train/x/0', iteration: 1, verdicts: ['runtime_error', 'wrong_answer'], solved: false, codes: ['print(2)\n\n', 'print(3)'] }),
  // Another program for the same problem: a second record.
  ...episode({ id: 'c', problem: 'train/x/0', iteration: 1, verdicts: ['wrong_answer', 'wrong_answer'], solved: false, codes: ['print(4)', 'print(4)'] }),
  // Left out: turn 1 passed, no code, a problem outside the training files, an evaluation episode, no turn 2 (no feedback).
  ...episode({ id: 'd', problem: 'train/x/1', iteration: 0, verdicts: ['passed'], solved: true }),
  ...episode({ id: 'e', problem: 'train/x/1', iteration: 0, verdicts: ['invalid', 'passed'], solved: true }),
  ...episode({ id: 'f', problem: 'heldout/x/0', iteration: 0, verdicts: ['wrong_answer', 'passed'], solved: true, codes: ['print(5)', 'print(1)'] }),
  ...episode({ id: 'g', problem: 'train/x/1', iteration: 0, split: 'eval', verdicts: ['wrong_answer', 'passed'], solved: true, codes: ['print(6)', 'print(1)'] }),
  ...episode({ id: 'h', problem: 'train/x/1', iteration: 0, verdicts: ['wrong_answer'], solved: false, codes: ['print(7)'] }),
];

test('failed first turns of training episodes on training problems, one per distinct program', () => {
  const records = extractSelfRepairs(rows, new Set(['train/x/0', 'train/x/1']));
  assert.deepEqual(records, [
    { problemId: 'train/x/0', prompt: 'Solve a.', attempt: 'print(2)', feedback: 'feedback 1' },
    { problemId: 'train/x/0', prompt: 'Solve c.', attempt: 'print(4)', feedback: 'feedback 1' },
  ]);
});

test('a record becomes a repair dialog whose only target is the reference; unknown problems are counted, not guessed', () => {
  const problem = { id: 'train/x/0', solutions: ['print(1)\n'] } as unknown as Problem;
  const records = extractSelfRepairs(rows, new Set(['train/x/0']));
  const { examples, skipped } = selfRepairExamples([problem], [...records, { problemId: 'train/y/9', prompt: 'p', attempt: 'a', feedback: 'f' }]);
  assert.equal(skipped, 1);
  assert.equal(examples.length, 2);
  assert.deepEqual(examples[0], {
    problemId: 'train/x/0',
    kind: 'self-repair',
    dialog: [
      { role: 'user', content: 'Solve a.' },
      { role: 'assistant', content: '```python\nprint(2)\n```' },
      { role: 'user', content: 'feedback 1' },
      { role: 'assistant', content: '```python\nprint(1)\n```' },
    ],
    trained: [3],
  });
});

test('the JSONL round-trips, and a bad line is one error naming the file and line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-self-repairs-'));
  try {
    const records = extractSelfRepairs(rows, new Set(['train/x/0']));
    const file = join(dir, 'ok.jsonl');
    await writeFile(file, selfRepairsJsonl(records));
    assert.deepEqual(await readSelfRepairs(file), records);
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, `${JSON.stringify(records[0])}\n\n{"problemId":"p","prompt":"q","attempt":"","feedback":"f"}\n`);
    await assert.rejects(readSelfRepairs(bad), (error: unknown) => error instanceof InputError && error.message === `${bad}:3: "attempt" must be a non-empty string`);
    await writeFile(bad, '{oops\n');
    await assert.rejects(readSelfRepairs(bad), (error: unknown) => error instanceof InputError && error.message.startsWith(`${bad}:1: not JSON`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the shipped self-repairs come from training and novel problems only, never a held-out one', async () => {
  const root = new URL('../../../', import.meta.url).pathname;
  const { loadProblems } = await import('../../../src/problems/load.ts');
  const allowed = new Set((await Promise.all(['train', 'novel'].map((s) => loadProblems(join(root, 'data', 'suite', `${s}.jsonl`))))).flat().map((p) => p.id));
  const heldout = await loadProblems(join(root, 'data', 'suite', 'heldout.jsonl'));
  const heldoutStatements = heldout.map((p) => p.description.split('\n')[0]!);
  const records = await readSelfRepairs(join(root, 'data', 'sft', 'self-repairs.jsonl'));
  assert.ok(records.length > 1000);
  for (const r of records) {
    assert.ok(allowed.has(r.problemId), r.problemId);
    assert.ok(!heldoutStatements.some((s) => r.prompt.includes(s)), `${r.problemId}: a held-out statement`);
  }
});
