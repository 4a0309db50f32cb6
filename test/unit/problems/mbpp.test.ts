import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProblems } from '../../../src/problems/load.ts';
import { calledFunction } from '../../../src/problems/mbpp.ts';
import { fixture } from './fixtures.ts';

test('MBPP asserts become call tests: test_list public, challenge_test_list private', async () => {
  const [first, second] = await loadProblems(fixture('mbpp-tiny.jsonl'));
  assert.ok(first && second);
  assert.equal(first.id, 'Mbpp/2');
  assert.equal(first.source, 'mbpp');
  assert.equal(first.tests.public.length, 2);
  assert.equal(first.tests.private.length, 1);
  const [call] = first.tests.public;
  assert.ok(call?.kind === 'call');
  assert.equal(call.display, 'similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)');
  assert.ok(call.code.includes('_rlef_assert("assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)")'));
  assert.equal(first.entryPoint, 'similar_elements');
  assert.equal(first.solutions[0], 'def similar_elements(a, b):\r\n  return tuple(sorted(set(a) & set(b)))');
});

test('the MBPP description is the text followed by the public asserts, and setup code precedes each test', async () => {
  const [, second] = await loadProblems(fixture('mbpp-tiny.jsonl'), { format: 'mbpp' });
  assert.ok(second);
  assert.equal(second.description, 'Write a python function to identify non-prime numbers.\nYour code should pass these tests:\n\nassert is_not_prime(2) == False\nassert is_not_prime(10) == True');
  for (const test of [...second.tests.public, ...second.tests.private]) {
    assert.ok(test.kind === 'call' && test.code.startsWith('LIMIT = 10\n'));
  }
});

test('the function an assert calls is read through not, set( and math.isclose(', () => {
  assert.equal(calledFunction('assert f(1) == 2'), 'f');
  assert.equal(calledFunction('assert not is_ok(3)'), 'is_ok');
  assert.equal(calledFunction('assert set(g([1])) == set([1])'), 'g');
  assert.equal(calledFunction('assert math.isclose(area(1), 3.14)'), 'area');
  assert.equal(calledFunction('x = 1'), undefined);
});
