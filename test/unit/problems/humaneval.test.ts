import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProblems } from '../../../src/problems/load.ts';
import { fixture } from './fixtures.ts';

test('a HumanEval record becomes one public call test that runs check(entry_point)', async () => {
  const [first] = await loadProblems(fixture('humaneval-tiny.jsonl'), { format: 'humaneval' });
  assert.ok(first);
  assert.equal(first.id, 'Tiny/0');
  assert.equal(first.source, 'humaneval');
  assert.equal(first.tests.public.length, 1);
  assert.deepEqual(first.tests.private, []);
  const [call] = first.tests.public;
  assert.equal(call?.kind, 'call');
  assert.ok(call.kind === 'call' && call.code.endsWith('\n\ncheck(total)\n') && call.code.includes('def check(candidate):'));
  assert.equal(call.display, 'check(total)');
});

test('the description is the prompt and the reference solution is prompt + canonical_solution', async () => {
  const problems = await loadProblems(fixture('humaneval-tiny.jsonl'));
  const second = problems[1];
  assert.ok(second);
  assert.ok(second.description.startsWith('def is_even(n: int) -> bool:'));
  assert.equal(second.solutions[0], `${second.description}    return len([x for x in xs if is_even(x)])\n`);
  assert.equal(second.entryPoint, 'count_even');
  assert.equal(second.solutionPrefix, second.description);
});
