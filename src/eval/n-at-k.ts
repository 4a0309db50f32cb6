/**
 * n@k for multi-turn rollouts, where every model response counts as a sample (RLEF.md §4).
 * Pure maths.
 *
 * ## Definition (the procedure whose success probability we estimate)
 * A budget of `k` samples (model responses) and `n` submissions. Rollouts are drawn one after
 * another, independently; each runs with its turn limit cut to what is left of the budget and
 * spends one sample per turn, until the budget is spent. A rollout's answer is submitted when
 * it passed the public tests; the first `n` such rollouts, in draw order, are submitted
 * (answers known to fail a public test are never submitted). n@k is the probability that at
 * least one submitted answer passes all tests.
 *
 * A rollout cut short by the budget ends on an answer that failed the public tests (the
 * environment only continues after a public failure, RLEF.md §1.3), so it is never submitted;
 * hence each rollout's part is fixed by three facts recorded with it: the turns it used, whether
 * its final answer passed the public tests, and whether it passed all tests ({@link RolloutOutcome}).
 * With turn limit T: 1@T is the solve rate of a single rollout, and 1@t for t ≤ T is the solve
 * rate under turn limit t.
 *
 * ## Estimator
 * From N observed rollouts of a problem, {@link nAtK} returns the exact probability that the
 * procedure succeeds when it draws rollouts from a uniformly random ordering of the N (without
 * replacement). When N ≥ k this is unbiased for the true n@k, the same argument as for pass@k:
 * the procedure reads at most k rollouts, and the first k of a random ordering of N i.i.d.
 * rollouts are k i.i.d. rollouts. With fewer rollouts it is still exact for the ordering model
 * provided no ordering runs out of rollouts before the outcome is settled
 * ({@link rolloutsNeeded}); 1@t for t ≤ T from a single environment-made rollout per problem is
 * such a case (unbiased too: every possible sample settles it).
 *
 * Computation: the procedure succeeds exactly when the first winner of the ordering (a rollout
 * solved with its public tests passed) fits in the budget behind fewer than n unsolved
 * public-passing rollouts. The non-winners ahead of it are a uniformly random subset (its size
 * has a closed-form law), and the winner itself is uniform among the winners; a dynamic programme over
 * (subset size, turns), run separately for the rollouts that failed and those that passed the
 * public tests, gives the exact probability in O(N·k² + k²·n) time.
 */

import { bootstrapCI } from './bootstrap.ts';
import type { BootstrapInterval, BootstrapOptions } from './bootstrap.ts';

/**
 * What the n@k estimator needs to know about one rollout. From stored trajectories: `turns` is
 * `num_turns`, `passedPublic` is the final row's `verdict === 'passed'`, `solved` is `solved`.
 */
export interface RolloutOutcome {
  /** Model responses the rollout used (≥ 1). */
  readonly turns: number;
  /** Whether its final answer passed the public tests (the filter for submission). */
  readonly passedPublic: boolean;
  /** Whether its final answer passed all tests (public, private, generated). */
  readonly solved: boolean;
}

/** Solved and submittable: a rollout that can make the procedure succeed. */
function isWinner(r: RolloutOutcome): boolean {
  return r.solved && r.passedPublic;
}

function validate(rollouts: readonly RolloutOutcome[], n: number, k: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n@k needs an integer n ≥ 1, got ${n}`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`n@k needs an integer k ≥ 1, got ${k}`);
  if (rollouts.length === 0) throw new RangeError('n@k needs at least one rollout');
  for (const r of rollouts) {
    if (!Number.isInteger(r.turns) || r.turns < 1) throw new RangeError(`a rollout used ${r.turns} turns; need ≥ 1`);
  }
}

/**
 * The most rollouts the n@k procedure reads, over all orderings of `rollouts`, before its
 * outcome is settled: one more than the longest run of rollouts that can precede the first
 * solved one without settling it (fewer than n public passes, under k samples in all).
 */
export function rolloutsNeeded(rollouts: readonly RolloutOutcome[], n: number, k: number): number {
  validate(rollouts, n, k);
  // Every rollout weighs the same, so the longest run is the lightest ones first, taking at
  // most n − 1 of the public-passing ones.
  const failing = rollouts.filter((r) => !r.passedPublic).map((r) => r.turns);
  const passing = rollouts
    .filter((r) => r.passedPublic && !r.solved)
    .map((r) => r.turns)
    .sort((a, b) => a - b)
    .slice(0, n - 1);
  const weights = [...failing, ...passing].sort((a, b) => a - b);
  let count = 0;
  let spent = 0;
  for (const w of weights) {
    if (spent + w > k - 1) break;
    spent += w;
    count++;
  }
  return count + 1;
}

/**
 * The n@k estimate for one problem from its observed rollouts (see the module comment for
 * the exact definition). Unbiased when `rollouts.length ≥ k`.
 * @throws RangeError on invalid arguments, or when some ordering of the rollouts would run out
 * before the outcome is settled (`rolloutsNeeded > rollouts.length`).
 */
export function nAtK(rollouts: readonly RolloutOutcome[], n: number, k: number): number {
  validate(rollouts, n, k);
  const needed = rolloutsNeeded(rollouts, n, k);
  if (needed > rollouts.length) {
    throw new RangeError(
      `${n}@${k} needs up to ${needed} rollouts of this problem to be settled, but only ${rollouts.length} were given`,
    );
  }
  const winners = rollouts.filter(isWinner);
  const cS = winners.length;
  if (cS === 0) return 0;
  const total = rollouts.length;
  // Non-winners: failing the public tests (never submitted) or passing them unsolved.
  const failing = rollouts.filter((r) => !r.passedPublic).map((r) => r.turns);
  const passing = rollouts.filter((r) => r.passedPublic && !r.solved).map((r) => r.turns);
  const m = failing.length + passing.length;
  const maxL = Math.min(m, k - 1);

  // Turn distributions of uniformly random a-subsets of the failing rollouts (a < k) and
  // b-subsets of the passing ones (b < n: n of them would use up the submissions).
  const failingByTurns = subsetTurnDistributions(failing, Math.min(failing.length, k - 1), k);
  const passingByTurns = subsetTurnDistributions(passing, Math.min(passing.length, n - 1), k);

  // fits[x]: fraction of winners with at most x turns, for x = 0..k.
  const fits = new Float64Array(k + 1);
  for (const r of winners) if (r.turns <= k) fits[r.turns]! += 1 / cS;
  for (let x = 1; x <= k; x++) fits[x]! += fits[x - 1]!;

  // tail[b][x]: chance that b passing rollouts plus x turns already spent leave room for the winner.
  const tail = passingByTurns.map((dist) => {
    const row = new Float64Array(k);
    for (let x = 0; x < k; x++) {
      let sum = 0;
      for (let t = 0; x + t < k; t++) sum += dist[t]! * fits[k - x - t]!;
      row[x] = sum;
    }
    return row;
  });

  // P(L = l): l non-winners precede the first winner; P(L = 0) = cS / N and
  // P(L = l + 1) / P(L = l) = (m − l) / (N − 1 − l). Given L = l, those l are a uniformly
  // random l-subset of the non-winners, split a + b between failing and passing.
  const logFactorial = logFactorials(Math.max(m, 1));
  const logChoose = (x: number, y: number): number => logFactorial[x]! - logFactorial[y]! - logFactorial[x - y]!;
  let success = 0;
  let pL = cS / total;
  for (let l = 0; l <= maxL; l++) {
    for (let b = Math.max(0, l - failing.length); b <= Math.min(l, passing.length, n - 1); b++) {
      const a = l - b;
      const f = failingByTurns[a];
      const h = tail[b];
      if (f === undefined || h === undefined) continue;
      const split = Math.exp(logChoose(failing.length, a) + logChoose(passing.length, b) - logChoose(m, l));
      let inner = 0;
      for (let t = 0; t < k; t++) inner += f[t]! * h[t]!;
      success += pL * split * inner;
    }
    if (l < maxL) pL *= (m - l) / (total - 1 - l);
  }
  return Math.min(1, Math.max(0, success));
}

/**
 * dist[s][t]: probability that a uniformly random s-subset of the rollouts with these turn
 * counts uses t turns in all, for s ≤ maxSize and t < k (heavier subsets are dropped). Layers
 * stay normalised as rollouts are added (weight (i + 1 − s)/(i + 1) to leave the new one out,
 * s/(i + 1) to take it), so no binomial coefficient is formed.
 */
function subsetTurnDistributions(turns: readonly number[], maxSize: number, k: number): Float64Array[] {
  const dist = Array.from({ length: maxSize + 1 }, () => new Float64Array(k));
  dist[0]![0] = 1;
  let seen = 0;
  turns.forEach((u, i) => {
    seen += u;
    for (let s = Math.min(maxSize, i + 1); s >= 1; s--) {
      const keep = (i + 1 - s) / (i + 1);
      const take = s / (i + 1);
      const row = dist[s]!;
      const below = dist[s - 1]!;
      // Every rollout uses at least one turn, so an s-subset uses at least s.
      for (let t = Math.min(k - 1, seen); t >= s; t--) row[t] = row[t]! * keep + (t >= u ? below[t - u]! * take : 0);
    }
  });
  return dist;
}

/** log(i!) for i = 0..n, by summing logarithms (relative error ~1e-15 per term). */
function logFactorials(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) out[i] = out[i - 1]! + Math.log(i);
  return out;
}

/** n@k over a benchmark: the mean of the per-problem estimates, with a bootstrap interval. */
export interface NAtKSummary extends BootstrapInterval {
  readonly n: number;
  readonly k: number;
  /** The per-problem estimates, in input order. */
  readonly perProblem: readonly number[];
}

/**
 * {@link nAtK} for every problem, averaged with equal weight per problem, with a bootstrap
 * interval over problems (RLEF.md §4).
 */
export function nAtKOverProblems(
  problems: readonly (readonly RolloutOutcome[])[],
  n: number,
  k: number,
  bootstrap: BootstrapOptions = {},
): NAtKSummary {
  const perProblem = problems.map((rollouts) => nAtK(rollouts, n, k));
  return { n, k, perProblem, ...bootstrapCI(perProblem, bootstrap) };
}
