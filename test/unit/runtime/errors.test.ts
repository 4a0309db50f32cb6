import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, UsageError, exitCodeOf, messageOf } from '../../../src/runtime/errors.ts';

test('an input error names the file and line and exits 65', () => {
  const error = new InputError('data.jsonl', 3, 'missing field "prompt"');
  assert.equal(messageOf(error), 'data.jsonl:3: missing field "prompt"');
  assert.equal(exitCodeOf(error), 65);
});

test('a usage error exits 64 and unknown errors exit 70', () => {
  assert.equal(exitCodeOf(new UsageError('bad flag')), 64);
  assert.equal(exitCodeOf(new Error('boom')), 70);
});
