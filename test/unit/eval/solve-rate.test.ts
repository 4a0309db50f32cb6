import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { solveRateByTurn, turnLimitSweep } from '../../../src/eval/solve-rate.ts';

const rollout = fc.record({ turns: fc.integer({ min: 1, max: 5 }), solved: fc.boolean() });

test('the solve rate by turn never falls and ends at the plain solve rate', () => {
  fc.assert(
    fc.property(fc.array(rollout, { minLength: 1, maxLength: 30 }), (rollouts) => {
      const rates = solveRateByTurn(rollouts, 5);
      assert.equal(rates.length, 5);
      for (let t = 1; t < rates.length; t++) assert.ok(rates[t]! >= rates[t - 1]!);
      assert.equal(rates[4], rollouts.filter((r) => r.solved).length / rollouts.length);
    }),
  );
});

test('a rollout counts as solved from the turn it stopped on', () => {
  const rollouts = [
    { turns: 1, solved: true },
    { turns: 2, solved: true },
    { turns: 3, solved: false },
    { turns: 3, solved: true },
  ];
  assert.deepEqual(solveRateByTurn(rollouts, 3), [0.25, 0.5, 0.75]);
  assert.throws(() => solveRateByTurn(rollouts, 2), RangeError);
});

test('a turn-limit sweep averages problems equally and refuses limits beyond the collected one', () => {
  const problems = [
    [{ turns: 1, solved: true }, { turns: 3, solved: false }],
    [{ turns: 2, solved: true }, { turns: 2, solved: true }, { turns: 3, solved: false }, { turns: 3, solved: true }],
  ];
  const sweep = turnLimitSweep(problems, [1, 2, 3], 3, { iterations: 500, seed: 3 });
  assert.deepEqual(sweep.map((p) => p.turnLimit), [1, 2, 3]);
  assert.deepEqual(sweep.map((p) => p.mean), [0.25, 0.5, 0.625]);
  for (const point of sweep) assert.ok(point.lower <= point.mean && point.mean <= point.upper);
  assert.throws(() => turnLimitSweep(problems, [4], 3), RangeError);
});
