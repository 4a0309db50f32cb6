import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { groupAdvantages } from '../../../src/rl/group-advantages.ts';
import { normalizeAdvantages } from '../../../src/rl/normalize-advantages.ts';
import { returnsToGo } from '../../../src/rl/returns-to-go.ts';
import { turnAdvantages } from '../../../src/rl/turn-advantages.ts';
import { assertAllClose, assertClose, weightedStats } from './fixtures.ts';

const rewardsArb = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 8 });
const gammaArb = fc.double({ min: 0, max: 1, noNaN: true });

test('with γ = 1 the returns are the suffix sums of the rewards', () => {
  fc.assert(
    fc.property(rewardsArb, (rewards) => {
      const expected = rewards.map((_, t) => rewards.slice(t).reduce((s, r) => s + r, 0));
      assertAllClose(returnsToGo(rewards), expected, 1e-12);
    }),
    { numRuns: 300 },
  );
});

test('with γ < 1 the returns are the discounted suffix sums', () => {
  fc.assert(
    fc.property(rewardsArb, gammaArb, (rewards, gamma) => {
      const expected = rewards.map((_, t) => rewards.slice(t).reduce((s, r, k) => s + gamma ** k * r, 0));
      assertAllClose(returnsToGo(rewards, gamma), expected, 1e-12);
    }),
    { numRuns: 300 },
  );
});

test('the advantage is the return minus the value, and GAE with λ = 1 agrees with it', () => {
  fc.assert(
    fc.property(rewardsArb.chain((r) => fc.tuple(fc.constant(r), fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: r.length, maxLength: r.length }))), gammaArb, ([rewards, values], gamma) => {
      const g = returnsToGo(rewards, gamma);
      const mc = turnAdvantages(rewards, values, gamma, 1);
      assertAllClose(mc.advantages, values.map((v, t) => (g[t] ?? NaN) - v), 0);
      // λ just below 1 goes through the GAE recursion; it must converge to the Monte Carlo estimate.
      const gae = turnAdvantages(rewards, values, gamma, 1 - 1e-12);
      assertAllClose(gae.advantages, mc.advantages, 1e-9);
      assertAllClose(gae.valueTargets, g, 1e-9);
    }),
    { numRuns: 300 },
  );
});

test('GAE with λ = 0 is the one-step TD error', () => {
  const { advantages } = turnAdvantages([0, -0.2, 1], [0.5, 0.25, 0.75], 1, 0);
  assertAllClose(advantages, [0 + 0.25 - 0.5, -0.2 + 0.75 - 0.25, 1 - 0.75], 1e-12);
});

const weightedArb = fc
  .array(fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.integer({ min: 0, max: 6 })), { minLength: 1, maxLength: 30 })
  .map((pairs) => ({ values: pairs.map((p) => p[0]), weights: pairs.map((p) => p[1]) }));

test('normalised advantages have weighted mean 0 and std 1 unless the input is constant', () => {
  fc.assert(
    fc.property(weightedArb, ({ values, weights }) => {
      const result = normalizeAdvantages(values, weights);
      const before = weightedStats(values, weights);
      fc.pre(weights.some((w) => w > 0));
      const after = weightedStats(result.advantages, weights);
      assertClose(after.mean, 0, 1e-9, 'mean');
      if (before.std > 1e-6) {
        assert.ok(result.scaled);
        assertClose(after.std, 1, 1e-9, 'std');
      }
    }),
    { numRuns: 400 },
  );
});

test('constant advantages are centred to zero instead of divided by a zero std', () => {
  const result = normalizeAdvantages([0.3, 0.3, 0.3], [2, 1, 5]);
  assert.equal(result.scaled, false);
  assert.deepEqual([...result.advantages].map((a) => Math.abs(a) < 1e-15), [true, true, true]);
  assert.ok([...normalizeAdvantages([1, 2], [0, 0]).advantages].every(Number.isFinite));
});

const groupsArb = fc
  .array(fc.tuple(fc.double({ min: -2, max: 2, noNaN: true }), fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 24 })
  .map((pairs) => ({ returns: pairs.map((p) => p[0]), ids: pairs.map((p) => p[1]) }));

test('group-mean and leave-one-out advantages sum to zero within every group', () => {
  fc.assert(
    fc.property(groupsArb, fc.constantFrom('group-mean' as const, 'leave-one-out' as const), fc.constantFrom('none' as const, 'std' as const), ({ returns, ids }, baseline, scale) => {
      const advantages = groupAdvantages(returns, ids, baseline, scale);
      for (const id of new Set(ids)) {
        const sum = ids.reduce((s, g, i) => (g === id ? s + (advantages[i] ?? NaN) : s), 0);
        assertClose(sum, 0, 1e-6, `group ${id}`);
      }
    }),
    { numRuns: 400 },
  );
});

test('leave-one-out subtracts the mean of the other members of the group', () => {
  fc.assert(
    fc.property(groupsArb, ({ returns, ids }) => {
      const advantages = groupAdvantages(returns, ids, 'leave-one-out');
      returns.forEach((g, i) => {
        const others = returns.filter((_, j) => j !== i && ids[j] === ids[i]);
        const expected = others.length === 0 ? 0 : g - others.reduce((s, x) => s + x, 0) / others.length;
        assertClose(advantages[i] ?? NaN, expected, 1e-9);
      });
    }),
    { numRuns: 300 },
  );
});
