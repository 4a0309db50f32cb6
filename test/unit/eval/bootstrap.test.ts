import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bootstrapCI, pairedBootstrapCI } from '../../../src/eval/bootstrap.ts';
import { seededRandom } from '../../../src/eval/seeded-random.ts';

const values = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 40 });

test('a bootstrap interval is ordered, inside the range of the values, and repeatable from its seed', () => {
  fc.assert(
    fc.property(values, fc.integer(), (xs, seed) => {
      const ci = bootstrapCI(xs, { iterations: 200, seed });
      assert.ok(ci.lower <= ci.upper);
      assert.ok(ci.lower >= Math.min(...xs) - 1e-12 && ci.upper <= Math.max(...xs) + 1e-12);
      assert.ok(Math.abs(ci.mean - xs.reduce((a, x) => a + x, 0) / xs.length) < 1e-12);
      assert.deepEqual(bootstrapCI(xs, { iterations: 200, seed }), ci);
    }),
    { numRuns: 50 },
  );
});

test('identical values give a zero-width interval at that value', () => {
  const ci = bootstrapCI([0.25, 0.25, 0.25], { iterations: 100 });
  assert.equal(ci.lower, 0.25);
  assert.equal(ci.upper, 0.25);
});

test('the 95% interval of a mean of 0/1 values has the normal-theory width', () => {
  // 400 problems, 30% solved: the standard error of the mean is √(0.3·0.7/400) ≈ 0.0229.
  const xs = Array.from({ length: 400 }, (_, i) => (i % 10 < 3 ? 1 : 0));
  const ci = bootstrapCI(xs, { iterations: 4000, seed: 1 });
  const halfWidth = 1.96 * Math.sqrt((0.3 * 0.7) / 400);
  assert.ok(Math.abs(ci.upper - ci.lower - 2 * halfWidth) < 0.15 * 2 * halfWidth, `${ci.lower}..${ci.upper}`);
  assert.ok(ci.lower < 0.3 && 0.3 < ci.upper);
  const wider = bootstrapCI(xs, { iterations: 4000, seed: 1, alpha: 0.01 });
  assert.ok(wider.lower <= ci.lower && wider.upper >= ci.upper);
});

test('the seeded generator is uniform enough and differs between seeds', () => {
  const random = seededRandom(42);
  const buckets = new Array<number>(10).fill(0);
  for (let i = 0; i < 10_000; i++) buckets[Math.floor(random() * 10)]! += 1;
  for (const count of buckets) assert.ok(count > 900 && count < 1100, String(count));
  assert.notEqual(seededRandom(1)(), seededRandom(2)());
});

test('bootstrap rejects empty input and bad options', () => {
  assert.throws(() => bootstrapCI([]), RangeError);
  assert.throws(() => bootstrapCI([1, Number.NaN]), RangeError);
  assert.throws(() => bootstrapCI([1], { alpha: 1 }), RangeError);
  assert.throws(() => bootstrapCI([1], { iterations: 0 }), RangeError);
});

test('a paired interval takes per-problem differences over the problems both sides hold', () => {
  const before = new Map([['a', 1], ['b', 0], ['c', 0.5], ['only-before', 1]]);
  const after = new Map([['a', 1], ['b', 1], ['c', 0.5], ['only-after', 0]]);
  const ci = pairedBootstrapCI(before, after, { iterations: 500, seed: 1 });
  assert.ok(ci !== null);
  assert.equal(ci.problems, 3);
  assert.equal(ci.mean, 1 / 3);
  assert.deepEqual(
    { lower: ci.lower, upper: ci.upper },
    (({ lower, upper }) => ({ lower, upper }))(bootstrapCI([0, 1, 0], { iterations: 500, seed: 1 })),
  );
  assert.equal(pairedBootstrapCI(new Map([['x', 1]]), new Map([['y', 1]])), null);
});
