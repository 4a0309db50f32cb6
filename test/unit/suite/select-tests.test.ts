import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Draft } from '../../../src/suite/family.ts';
import type { BatchRun } from '../../../src/suite/python-batch.ts';
import { selectTests } from '../../../src/suite/select-tests.ts';

// Ten inputs: two edge cases, then eight random ones.
const inputs = Array.from({ length: 10 }, (_, i) => `${i}\n`);
const draft: Draft = {
  family: 'toy',
  group: 'toy',
  templateId: 't0',
  params: { K: 2 },
  description: 'Print the number.\nInput: one integer. Output: one integer',
  reference: 'ref',
  bugs: ['bugA', 'bugB', 'bugC', 'ref'],
  inputs,
  edgeCount: 2,
};
const ok = (stdout: string): BatchRun => ({ ok: true, stdout });
const reference = inputs.map((input) => ok(input));
/** A bug that prints `wrong` on the inputs listed and the right answer elsewhere. */
const wrongOn = (...at: number[]): BatchRun[] => inputs.map((input, i) => ok(at.includes(i) ? 'wrong\n' : input));

test('public tests catch every kept bug and bugs nothing catches are dropped', () => {
  const runs = [reference, wrongOn(3), wrongOn(5, 6), wrongOn(), reference];
  const selection = selectTests('toy/0', 'train', draft, runs);
  assert.ok(selection.ok);
  const { problem } = selection;
  assert.deepEqual(problem.incorrectSolutions, ['bugA', 'bugB']);
  const publicInputs = problem.tests.public.map((t) => (t.kind === 'stdio' ? t.input : ''));
  assert.ok(publicInputs.includes('3\n'));
  assert.ok(publicInputs.includes('5\n') || publicInputs.includes('6\n'));
  assert.equal(problem.tests.private.length, 8);
  assert.deepEqual(problem.meta, { family: 'toy', group: 'toy', split: 'train', template: 't0', K: 2 });
});

test('edge cases go to the private tests even when they would catch a bug', () => {
  const runs = [reference, wrongOn(0, 4), wrongOn(1, 7), wrongOn(9), reference];
  const selection = selectTests('toy/0', 'train', draft, runs);
  assert.ok(selection.ok);
  const publicInputs = selection.problem.tests.public.map((t) => (t.kind === 'stdio' ? t.input : ''));
  assert.ok(!publicInputs.includes('0\n') && !publicInputs.includes('1\n'));
  assert.equal(selection.problem.incorrectSolutions.length, 3);
});

test('a crash counts as a failure and inputs that crash the reference are never tests', () => {
  const crashedReference = reference.map((run, i) => (i === 8 ? { ok: false, stdout: 'ValueError' } : run));
  const crash = inputs.map((input, i) => (i === 2 ? { ok: false, stdout: 'IndexError' } : ok(input)));
  const runs = [crashedReference, crash, wrongOn(4), wrongOn(), crashedReference];
  const selection = selectTests('toy/0', 'train', draft, runs);
  assert.ok(selection.ok);
  const all = [...selection.problem.tests.public, ...selection.problem.tests.private];
  assert.ok(all.every((t) => t.kind === 'stdio' && t.input !== '8\n'));
  assert.deepEqual(selection.problem.incorrectSolutions, ['bugA', 'bugB']);
});

test('a draft with fewer than two catchable bugs makes no problem', () => {
  const runs = [reference, wrongOn(3), wrongOn(), wrongOn(), reference];
  const selection = selectTests('toy/0', 'train', draft, runs);
  assert.equal(selection.ok, false);
});
