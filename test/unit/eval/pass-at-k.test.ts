import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { passAtK } from '../../../src/eval/pass-at-k.ts';

/** Fraction of k-subsets of n samples (the first c correct) holding a correct one, by enumeration. */
function bruteForcePassAtK(n: number, c: number, k: number): number {
  let hits = 0;
  let subsets = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let size = 0;
    let hit = false;
    for (let i = 0; i < n; i++) {
      if ((mask >> i) & 1) {
        size++;
        if (i < c) hit = true;
      }
    }
    if (size !== k) continue;
    subsets++;
    if (hit) hits++;
  }
  return hits / subsets;
}

const nck = fc
  .integer({ min: 1, max: 200 })
  .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }), fc.integer({ min: 1, max: n })));

test('pass@k matches enumeration of all k-subsets for small n', () => {
  for (let n = 1; n <= 10; n++) {
    for (let c = 0; c <= n; c++) {
      for (let k = 1; k <= n; k++) {
        assert.ok(Math.abs(passAtK(n, c, k) - bruteForcePassAtK(n, c, k)) < 1e-12, `n=${n} c=${c} k=${k}`);
      }
    }
  }
});

test('pass@k lies in [0, 1] and never falls as k grows', () => {
  fc.assert(
    fc.property(nck, ([n, c, k]) => {
      const p = passAtK(n, c, k);
      assert.ok(p >= 0 && p <= 1);
      if (k < n) assert.ok(passAtK(n, c, k + 1) >= p - 1e-12);
      if (c < n) assert.ok(passAtK(n, c + 1, k) >= p - 1e-12);
    }),
  );
});

test('pass@k has exact edge cases: none correct, too few wrong, and k = 1', () => {
  assert.equal(passAtK(200, 0, 100), 0);
  assert.equal(passAtK(200, 101, 100), 1);
  assert.equal(passAtK(5, 5, 1), 1);
  assert.equal(passAtK(10, 3, 1), 0.3);
  assert.ok(Math.abs(passAtK(5, 2, 2) - 0.7) < 1e-15); // 1 − C(3,2)/C(5,2) = 1 − 3/10
});

function binomial(n: number, k: number): bigint {
  let result = 1n;
  for (let i = 1; i <= k; i++) result = (result * BigInt(n - k + i)) / BigInt(i);
  return result;
}

test('pass@k agrees with exact big-integer arithmetic where binomials overflow doubles', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 400 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }), fc.integer({ min: 1, max: n }))),
      ([n, c, k]) => {
        const scale = 10n ** 40n;
        const ratio = n - c < k ? 0 : Number((binomial(n - c, k) * scale) / binomial(n, k)) / 1e40;
        assert.ok(Math.abs(passAtK(n, c, k) - (1 - ratio)) < 1e-12, `n=${n} c=${c} k=${k}`);
      },
    ),
    { numRuns: 200 },
  );
  // C(2000, 100) ≈ 1e185 overflows nothing here, yet the product form needs no coefficient at all.
  assert.ok(Math.abs(passAtK(2000, 10, 100) - (1 - Number((binomial(1990, 100) * 10n ** 40n) / binomial(2000, 100)) / 1e40)) < 1e-12);
});

test('pass@k rejects impossible arguments', () => {
  assert.throws(() => passAtK(5, 6, 1), RangeError);
  assert.throws(() => passAtK(5, 2, 6), RangeError);
  assert.throws(() => passAtK(5, 2, 0), RangeError);
  assert.throws(() => passAtK(5, 1.5, 1), RangeError);
});
