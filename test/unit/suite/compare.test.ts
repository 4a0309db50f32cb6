import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { outputsMatch } from '../../../src/suite/compare.ts';

test('outputs match token by token whatever the whitespace between tokens', () => {
  assert.ok(outputsMatch('1 2\n3\n', '1\n2 3'));
  assert.ok(!outputsMatch('1 2 3\n', '1 2\n'));
  assert.ok(!outputsMatch('a-b\n', 'a b\n'));
  assert.ok(!outputsMatch('[1, 2]\n', '1 2\n'));
});

test('a float matches a number within 1e-5 but integers must be equal as integers', () => {
  assert.ok(outputsMatch('3\n', '3.0\n'));
  assert.ok(outputsMatch('0.1\n', '0.100001\n'));
  assert.ok(!outputsMatch('3\n', '3.5\n'));
  assert.ok(outputsMatch('007\n', '7\n'));
  assert.ok(!outputsMatch('12345678901234567890\n', '12345678901234567891\n'));
  assert.ok(!outputsMatch('True\n', '1\n'));
});

test('any output matches itself with its whitespace changed', () => {
  fc.assert(
    fc.property(fc.array(fc.stringMatching(/^\S{1,5}$/)), fc.constantFrom(' ', '\n', '  ', '\t'), (tokens, gap) => {
      return outputsMatch(tokens.join(' ') + '\n', tokens.join(gap));
    }),
  );
});
