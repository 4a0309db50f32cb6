/**
 * The numbers `rlef eval` reports for one turn limit, from many rollouts per problem. Pure maths
 * over the estimators of this folder.
 *
 * - n@k (n-at-k.ts): every model response is a sample, so a rollout of up to T turns spends up to
 *   T samples; a rollout's final answer is submitted when it passed the feedback tests. Estimated
 *   per problem with {@link nAtK} (exact over orderings of the problem's rollouts; unbiased when
 *   the rollouts per problem are at least k).
 * - pass@k (pass-at-k.ts): the unbiased estimator over **turn-1 responses**: n = the problem's
 *   rollouts, c = those whose first response was correct (passed every test). A first response is
 *   correct exactly when the rollout stopped after turn 1 (it passed the feedback tests) and was
 *   then solved, so pass@k is the single-turn metric of the same samples.
 * - Solve rate by turn t: the fraction of a problem's rollouts solved within t turns (1@t).
 *
 * Every metric is the mean over problems (each problem weighs the same) with a percentile
 * bootstrap 95% interval over problems (bootstrap.ts).
 */
import type { Episode, TurnVerdict } from '../pipeline/episode.ts';
import { bootstrapCI, type BootstrapOptions } from './bootstrap.ts';
import { metricName, type MetricSpec } from './metric-spec.ts';
import { nAtK, rolloutsNeeded, type RolloutOutcome } from './n-at-k.ts';
import { passAtK } from './pass-at-k.ts';
import { turnLimitSweep } from './solve-rate.ts';

/** What evaluation keeps of one rollout. */
export interface EvalRollout extends RolloutOutcome {
  /** The first response passed every test (the rollout stopped at turn 1 and was solved). */
  readonly firstTurnSolved: boolean;
  readonly finalVerdict: TurnVerdict;
  /** Responses without a code block. */
  readonly invalidTurns: number;
  /** Some turn or the grade hit an infrastructure fault (counted as not solved). */
  readonly sandboxError: boolean;
}

/** An episode reduced to what the estimators need. */
export function evalRollout(episode: Episode): EvalRollout {
  const last = episode.turns[episode.turns.length - 1];
  return {
    turns: Math.max(1, episode.turns.length),
    passedPublic: last?.verdict === 'passed',
    solved: episode.solved,
    firstTurnSolved: episode.solved && episode.turns.length === 1,
    finalVerdict: episode.finalVerdict,
    invalidTurns: episode.turns.filter((t) => t.verdict === 'invalid').length,
    sandboxError: episode.finalVerdict === 'sandbox_error' || episode.turns.some((t) => t.verdict === 'sandbox_error'),
  };
}

/** A metric's estimate: mean over problems with a 95% interval, or null with the reason. */
export interface MetricEstimate {
  readonly name: string;
  readonly spec: MetricSpec;
  readonly value: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  /** Why the value is null (too few rollouts), or a caveat. */
  readonly note?: string;
  /**
   * The per-problem values the mean is taken over, in the summary's problem order
   * (`TurnLimitSummary.problemIds` names them): what a paired comparison of two policies needs.
   */
  readonly perProblem?: readonly number[];
}

/** Solve rate within `turn` turns, mean over problems with its interval. */
export interface TurnSolveRate {
  readonly turn: number;
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
}

/** Everything reported for one turn limit. */
export interface TurnLimitSummary {
  readonly turnLimit: number;
  readonly problems: number;
  /** Rollouts per problem (the least, when problems differ). */
  readonly rolloutsPerProblem: number;
  readonly episodes: number;
  /** Model responses in all (samples spent). */
  readonly responses: number;
  readonly meanTurns: number;
  readonly solvedEpisodes: number;
  readonly invalidResponses: number;
  readonly sandboxErrors: number;
  readonly finalVerdicts: Readonly<Partial<Record<TurnVerdict, number>>>;
  readonly metrics: readonly MetricEstimate[];
  /** 1@t for t = 1..turnLimit, read off the same rollouts. */
  readonly solveRateByTurn: readonly TurnSolveRate[];
  /** The problems' ids in the order of the metrics' `perProblem` values (when the caller knows them). */
  readonly problemIds?: readonly string[];
}

/**
 * The summary of one turn limit from `byProblem[i]`, the rollouts of problem i.
 * @throws RangeError when there are no problems or a problem has no rollouts.
 */
export function summarizeRollouts(
  byProblem: readonly (readonly EvalRollout[])[],
  specs: readonly MetricSpec[],
  turnLimit: number,
  bootstrap: BootstrapOptions = {},
): TurnLimitSummary {
  if (byProblem.length === 0) throw new RangeError('an evaluation needs at least one problem');
  if (byProblem.some((r) => r.length === 0)) throw new RangeError('every problem needs at least one rollout');
  const all = byProblem.flat();
  const finalVerdicts: Partial<Record<TurnVerdict, number>> = {};
  for (const r of all) finalVerdicts[r.finalVerdict] = (finalVerdicts[r.finalVerdict] ?? 0) + 1;
  const responses = all.reduce((s, r) => s + r.turns, 0);
  return {
    turnLimit,
    problems: byProblem.length,
    rolloutsPerProblem: Math.min(...byProblem.map((r) => r.length)),
    episodes: all.length,
    responses,
    meanTurns: responses / all.length,
    solvedEpisodes: all.filter((r) => r.solved).length,
    invalidResponses: all.reduce((s, r) => s + r.invalidTurns, 0),
    sandboxErrors: all.filter((r) => r.sandboxError).length,
    finalVerdicts,
    metrics: specs.map((spec) => estimate(byProblem, spec, bootstrap)),
    solveRateByTurn: turnLimitSweep(
      byProblem,
      Array.from({ length: turnLimit }, (_, i) => i + 1),
      turnLimit,
      bootstrap,
    ).map((p) => ({ turn: p.turnLimit, value: p.mean, lower: p.lower, upper: p.upper })),
  };
}

/** One metric over all problems; null (with a note) when some problem has too few rollouts for it. */
export function estimate(
  byProblem: readonly (readonly EvalRollout[])[],
  spec: MetricSpec,
  bootstrap: BootstrapOptions = {},
): MetricEstimate {
  const name = metricName(spec);
  const perProblem = spec.kind === 'pass@k' ? passAtKPerProblem(byProblem, spec.k) : nAtKPerProblem(byProblem, spec.n, spec.k);
  if (typeof perProblem === 'string') return { name, spec, value: null, lower: null, upper: null, note: perProblem };
  const ci = bootstrapCI(perProblem, bootstrap);
  return { name, spec, value: ci.mean, lower: ci.lower, upper: ci.upper, perProblem };
}

/** pass@k over turn-1 responses, per problem; a message instead when some problem has fewer than k rollouts. */
export function passAtKPerProblem(byProblem: readonly (readonly EvalRollout[])[], k: number): number[] | string {
  const fewest = Math.min(...byProblem.map((r) => r.length));
  if (fewest < k) return `needs at least ${k} rollouts per problem, have ${fewest} (raise --rollouts)`;
  return byProblem.map((rollouts) => passAtK(rollouts.length, rollouts.filter((r) => r.firstTurnSolved).length, k));
}

/**
 * n@k per problem. Each problem needs as many rollouts as some ordering of them may read before
 * the procedure's outcome is settled ({@link rolloutsNeeded}): a problem with a solved rollout
 * always has them, one without may not (e.g. 10@100 from 20 failed 3-turn rollouts: more draws
 * could still find a solution), and then a message says so instead of guessing 0.
 */
export function nAtKPerProblem(byProblem: readonly (readonly EvalRollout[])[], n: number, k: number): number[] | string {
  let short = 0;
  let most = 0;
  const values = byProblem.map((rollouts) => {
    const needed = rolloutsNeeded(rollouts, n, k);
    if (needed > rollouts.length) {
      short++;
      most = Math.max(most, needed);
      return Number.NaN;
    }
    return nAtK(rollouts, n, k);
  });
  if (short > 0) return `${short} problem(s) need up to ${most} rollouts to settle ${n}@${k} (raise --rollouts)`;
  return values;
}
