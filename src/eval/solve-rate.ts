/**
 * Solve rates by turn and the turn-limit sweep (RLEF.md §4 ablations). Pure maths.
 *
 * A rollout is the same whatever its turn limit up to the turn where it stopped (the prompts
 * do not mention the limit), so rollouts collected with turn limit T also give the solve rate
 * under any limit t ≤ T: a rollout counts as solved by turn t when it is solved and used at
 * most t turns. That fraction equals 1@t for these rollouts (see n-at-k.ts).
 */
import { bootstrapCI } from './bootstrap.ts';
import type { BootstrapInterval, BootstrapOptions } from './bootstrap.ts';
import type { RolloutOutcome } from './n-at-k.ts';

/**
 * Fraction of `rollouts` solved by turn t, for t = 1..maxTurns (index t − 1). Non-decreasing;
 * its last entry is the plain solve rate when maxTurns is the rollouts' turn limit.
 * @throws RangeError on an empty input or a non-positive maxTurns.
 */
export function solveRateByTurn(rollouts: readonly Pick<RolloutOutcome, 'turns' | 'solved'>[], maxTurns: number): number[] {
  if (rollouts.length === 0) throw new RangeError('solve rate needs at least one rollout');
  if (!Number.isInteger(maxTurns) || maxTurns < 1) throw new RangeError(`maxTurns must be a positive integer, got ${maxTurns}`);
  const solvedAt = new Array<number>(maxTurns + 1).fill(0);
  for (const r of rollouts) {
    if (r.turns > maxTurns) throw new RangeError(`a rollout used ${r.turns} turns, more than maxTurns ${maxTurns}`);
    if (r.solved) solvedAt[r.turns]! += 1;
  }
  const rates: number[] = [];
  let cumulative = 0;
  for (let t = 1; t <= maxTurns; t++) {
    cumulative += solvedAt[t]!;
    rates.push(cumulative / rollouts.length);
  }
  return rates;
}

/** One point of a turn-limit sweep: the mean over problems of the solve rate under `turnLimit`. */
export interface TurnLimitPoint extends BootstrapInterval {
  readonly turnLimit: number;
}

/**
 * Solve rate under each turn limit in `limits`, averaged over problems (each problem's rate is
 * over its own rollouts, so every problem weighs the same), with a bootstrap interval over
 * problems. `collectedTurnLimit` is the limit the rollouts were collected with; larger limits
 * cannot be read off them and throw.
 */
export function turnLimitSweep(
  problems: readonly (readonly Pick<RolloutOutcome, 'turns' | 'solved'>[])[],
  limits: readonly number[],
  collectedTurnLimit: number,
  bootstrap: BootstrapOptions = {},
): TurnLimitPoint[] {
  if (problems.length === 0) throw new RangeError('turn-limit sweep needs at least one problem');
  for (const limit of limits) {
    if (!Number.isInteger(limit) || limit < 1 || limit > collectedTurnLimit) {
      throw new RangeError(`turn limit ${limit} is outside 1..${collectedTurnLimit}, the limit the rollouts were collected with`);
    }
  }
  const byTurn = problems.map((rollouts) => solveRateByTurn(rollouts, collectedTurnLimit));
  return limits.map((turnLimit) => ({
    turnLimit,
    ...bootstrapCI(
      byTurn.map((rates) => rates[turnLimit - 1]!),
      bootstrap,
    ),
  }));
}
