/**
 * Shared builders and fast-check arbitraries for the rl tests.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { EpisodeTurns, TurnRecord } from '../../../src/rl/episode-turns.ts';

/** A turn whose per-token log π − log π_ref are exactly `diffs` (reference log-probs all −1). */
export function turnWithDiffs(diffs: readonly number[], hasCode: boolean, value: number): TurnRecord {
  const refLogp = new Float32Array(diffs.length).fill(-1);
  const logp = Float32Array.from(diffs, (d) => d - 1);
  return { tokenCount: diffs.length, logp, refLogp, hasCode, value };
}

/** Asserts |actual − expected| ≤ tolerance, with a readable message. */
export function assertClose(actual: number, expected: number, tolerance = 1e-12, what = 'value'): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected}, got ${actual}`);
}

/** Element-wise {@link assertClose}. */
export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-12): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < actual.length; i++) assertClose(actual[i] ?? NaN, expected[i] ?? NaN, tolerance, `[${i}]`);
}

const logProb = fc.float({ min: Math.fround(-12), max: Math.fround(0), noNaN: true });

/** A random turn with 0–12 tokens and finite log-probs and value. */
export const turnArb: fc.Arbitrary<TurnRecord> = fc
  .tuple(fc.integer({ min: 0, max: 12 }), fc.boolean(), fc.double({ min: -2, max: 2, noNaN: true }))
  .chain(([n, hasCode, value]) =>
    fc
      .tuple(fc.array(logProb, { minLength: n, maxLength: n }), fc.array(logProb, { minLength: n, maxLength: n }))
      .map(([p, q]) => ({ tokenCount: n, logp: Float32Array.from(p), refLogp: Float32Array.from(q), hasCode, value })),
  );

/** A random episode of 1–5 turns, in one of four groups. */
export const episodeArb: fc.Arbitrary<EpisodeTurns> = fc.record({
  turns: fc.array(turnArb, { minLength: 1, maxLength: 5 }),
  solved: fc.boolean(),
  groupId: fc.constantFrom('a', 'b', 'c', 'd'),
});

/** Population mean and std of `xs` weighted by `ws`. */
export function weightedStats(xs: ArrayLike<number>, ws: ArrayLike<number>): { mean: number; std: number } {
  let total = 0;
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    total += ws[i] ?? 0;
    sum += (ws[i] ?? 0) * (xs[i] ?? 0);
  }
  const mean = sum / total;
  let squares = 0;
  for (let i = 0; i < xs.length; i++) squares += (ws[i] ?? 0) * ((xs[i] ?? 0) - mean) ** 2;
  return { mean, std: Math.sqrt(squares / total) };
}
