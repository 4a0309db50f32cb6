import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nAtK, nAtKOverProblems, rolloutsNeeded } from '../../../src/eval/n-at-k.ts';
import type { RolloutOutcome } from '../../../src/eval/n-at-k.ts';
import { passAtK } from '../../../src/eval/pass-at-k.ts';
import { solveRateByTurn } from '../../../src/eval/solve-rate.ts';
import { seededRandom } from '../../../src/eval/seeded-random.ts';

/**
 * The n@k procedure exactly as defined, run on one sequence of rollouts: true if it succeeds,
 * false if it fails, undefined if the sequence ran out before the outcome was settled.
 */
function runProcedure(sequence: readonly RolloutOutcome[], n: number, k: number): boolean | undefined {
  let budget = k;
  let submitted = 0;
  for (const rollout of sequence) {
    if (rollout.turns > budget) return false; // cut short: its last answer failed the public tests
    budget -= rollout.turns;
    if (rollout.passedPublic) {
      submitted++;
      if (rollout.solved) return true;
      if (submitted === n) return false;
    }
    if (budget === 0) return false;
  }
  return undefined;
}

function* permutations<T>(items: readonly T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield [...items];
    return;
  }
  for (let i = 0; i < items.length; i++) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const tail of permutations(rest)) yield [items[i]!, ...tail];
  }
}

const T = 3;
/** Rollouts as the environment makes them: one that stops early passed the public tests. */
const envRollout: fc.Arbitrary<RolloutOutcome> = fc
  .record({ turns: fc.integer({ min: 1, max: T }), passedPublic: fc.boolean(), solved: fc.boolean() })
  .map((r) => ({ turns: r.passedPublic ? r.turns : T, passedPublic: r.passedPublic, solved: r.solved && r.passedPublic }));
/** Any rollouts at all, including ones the environment would not make. */
const anyRollout: fc.Arbitrary<RolloutOutcome> = fc.record({
  turns: fc.integer({ min: 1, max: 4 }),
  passedPublic: fc.boolean(),
  solved: fc.boolean(),
});

test('n@k equals the procedure averaged over every ordering of a few rollouts, and throws exactly when an ordering runs out', () => {
  fc.assert(
    fc.property(
      fc.array(anyRollout, { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 9 }),
      (rollouts, n, k) => {
        const outcomes = [...permutations(rollouts)].map((order) => runProcedure(order, n, k));
        if (outcomes.includes(undefined)) {
          assert.throws(() => nAtK(rollouts, n, k), RangeError);
          assert.ok(rolloutsNeeded(rollouts, n, k) > rollouts.length);
          return;
        }
        const exact = outcomes.filter((o) => o === true).length / outcomes.length;
        assert.ok(Math.abs(nAtK(rollouts, n, k) - exact) < 1e-12, `got ${nAtK(rollouts, n, k)}, want ${exact}`);
      },
    ),
    { numRuns: 300 },
  );
});

test('n@k is unbiased: its mean over all samples of N ≥ k rollouts is the success chance of independent draws', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(anyRollout, fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 1 }),
      (weighted, n, k, extra) => {
        const total = weighted.reduce((a, [, w]) => a + w, 0);
        const population = weighted.map(([r, w]) => ({ r, p: w / total }));
        // Every sequence of `length` draws from the population, with its probability.
        const sequences = (length: number): { seq: RolloutOutcome[]; p: number }[] =>
          length === 0
            ? [{ seq: [], p: 1 }]
            : sequences(length - 1).flatMap(({ seq, p }) => population.map((x) => ({ seq: [...seq, x.r], p: p * x.p })));
        // k draws always settle the procedure: each uses at least one sample.
        const truth = sequences(k).reduce((a, { seq, p }) => a + (runProcedure(seq, n, k) === true ? p : 0), 0);
        const mean = sequences(k + extra).reduce((a, { seq, p }) => a + p * nAtK(seq, n, k), 0);
        assert.ok(Math.abs(mean - truth) < 1e-9, `mean ${mean}, truth ${truth}`);
      },
    ),
    { numRuns: 100 },
  );
});

test('n@k agrees with a Monte Carlo run of the procedure on shuffled rollouts', () => {
  const random = seededRandom(7);
  const rollouts: RolloutOutcome[] = [];
  for (let i = 0; i < 60; i++) {
    const passedPublic = random() < 0.4;
    rollouts.push({ turns: passedPublic ? 1 + Math.floor(random() * T) : T, passedPublic, solved: passedPublic && random() < 0.3 });
  }
  for (const [n, k] of [[1, 3], [2, 10], [3, 20], [10, 40]] as const) {
    const draws = 20_000;
    let hits = 0;
    for (let d = 0; d < draws; d++) {
      const order = [...rollouts];
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      if (runProcedure(order, n, k) === true) hits++;
    }
    const estimate = hits / draws;
    const exact = nAtK(rollouts, n, k);
    const standardError = Math.sqrt((exact * (1 - exact)) / draws);
    assert.ok(Math.abs(estimate - exact) <= 4 * standardError + 1e-3, `${n}@${k}: Monte Carlo ${estimate}, exact ${exact}`);
  }
});

test('n@k lies in [0, 1], grows with n and with k, and never exceeds pass@k over rollouts', () => {
  fc.assert(
    fc.property(
      fc
        .array(anyRollout, { minLength: 2, maxLength: 30 })
        .chain((rollouts) => fc.tuple(fc.constant(rollouts), fc.integer({ min: 1, max: rollouts.length - 1 }))),
      fc.integer({ min: 1, max: 5 }),
      ([rollouts, k], n) => {
        const value = nAtK(rollouts, n, k);
        assert.ok(value >= 0 && value <= 1);
        assert.ok(nAtK(rollouts, n + 1, k) >= value - 1e-12, 'monotone in n');
        assert.ok(nAtK(rollouts, n, k + 1) >= value - 1e-12, 'monotone in k');
        // The procedure reads at most k rollouts, so it can only win if a solved, submittable
        // rollout is among the first k of the ordering: pass@k with rollouts as the samples.
        const winners = rollouts.filter((r) => r.solved && r.passedPublic).length;
        assert.ok(value <= passAtK(rollouts.length, winners, k) + 1e-12);
      },
    ),
    { numRuns: 200 },
  );
});

test('single-turn rollouts with n ≥ k give exactly pass@k', () => {
  fc.assert(
    fc.property(
      fc
        .array(fc.boolean(), { minLength: 1, maxLength: 40 })
        .chain((solved) => fc.tuple(fc.constant(solved), fc.integer({ min: 1, max: solved.length }))),
      ([solved, k]) => {
        const rollouts = solved.map((s) => ({ turns: 1, passedPublic: true, solved: s }));
        const c = solved.filter(Boolean).length;
        assert.ok(Math.abs(nAtK(rollouts, k, k) - passAtK(solved.length, c, k)) < 1e-12);
      },
    ),
  );
});

test('1@t is the solve rate under turn limit t ≤ T, even from a single rollout per problem', () => {
  fc.assert(
    fc.property(fc.array(envRollout, { minLength: 1, maxLength: 25 }), (rollouts) => {
      const byTurn = solveRateByTurn(rollouts, T);
      for (let t = 1; t <= T; t++) assert.ok(Math.abs(nAtK(rollouts, 1, t) - byTurn[t - 1]!) < 1e-12, `t=${t}`);
      assert.equal(rolloutsNeeded(rollouts, 1, T), 1);
    }),
  );
  assert.equal(nAtK([{ turns: 2, passedPublic: true, solved: true }], 1, 3), 1);
  assert.equal(nAtK([{ turns: 3, passedPublic: false, solved: false }], 1, 3), 0);
});

test('hand cases: a cheap wrong submission uses up n, a truncated rollout is never submitted', () => {
  const wrongFast: RolloutOutcome = { turns: 1, passedPublic: true, solved: false };
  const rightSlow: RolloutOutcome = { turns: 3, passedPublic: true, solved: true };
  const failed: RolloutOutcome = { turns: 3, passedPublic: false, solved: false };
  // 1@3 from {wrongFast, rightSlow}: whichever comes first is submitted.
  assert.equal(nAtK([wrongFast, rightSlow], 1, 3), 0.5);
  // 2@4: rightSlow first wins; wrongFast first leaves 3 samples for rightSlow, which wins.
  assert.equal(nAtK([wrongFast, rightSlow], 2, 4), 1);
  // 2@3: after wrongFast only 2 samples remain, and rightSlow needs 3.
  assert.equal(nAtK([wrongFast, rightSlow], 2, 3), 0.5);
  // 1@6 from {failed, rightSlow, failed}: wins unless both failures come first: 1 − (2/3)(1/2).
  assert.ok(Math.abs(nAtK([failed, rightSlow, failed], 1, 6) - 2 / 3) < 1e-12);
  // A solved rollout that failed its public tests is never submitted.
  assert.equal(nAtK([{ turns: 3, passedPublic: false, solved: true }, failed, failed], 3, 9), 0);
});

test('n@k rejects empty input, zero turns, and non-integer n or k', () => {
  assert.throws(() => nAtK([], 1, 3), RangeError);
  assert.throws(() => nAtK([{ turns: 0, passedPublic: true, solved: true }], 1, 3), RangeError);
  assert.throws(() => nAtK([{ turns: 1, passedPublic: true, solved: true }], 0, 3), RangeError);
  assert.throws(() => nAtK([{ turns: 1, passedPublic: true, solved: true }], 1, 2.5), RangeError);
});

test('n@k over problems weighs every problem equally and keeps the per-problem values', () => {
  const solvedOnce = [{ turns: 1, passedPublic: true, solved: true }];
  const failedOnce = [{ turns: 3, passedPublic: false, solved: false }];
  const half = [...solvedOnce, ...failedOnce];
  const summary = nAtKOverProblems([solvedOnce, failedOnce, half, half], 1, 3, { iterations: 200, seed: 5 });
  assert.deepEqual(summary.perProblem, [1, 0, 0.5, 0.5]);
  assert.equal(summary.mean, 0.5);
  assert.ok(summary.lower <= 0.5 && summary.upper >= 0.5);
});
