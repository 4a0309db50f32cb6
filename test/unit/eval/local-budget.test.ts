import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localDefaultBudget } from '../../../src/runtime/evaluate-run.ts';

test("a local model's default response budget leaves room for multi-turn prompts", () => {
  assert.equal(localDefaultBudget(1024), 128); // the demo model: turn-3 prompts of ~900 ids still fit whole
  assert.equal(localDefaultBudget(8192), 512);
  assert.equal(localDefaultBudget(131072), 512);
  assert.equal(localDefaultBudget(256), 64);
  assert.equal(localDefaultBudget(100), 64);
});
