/**
 * Does the turn-2 fix rate rise over training? With a few failed first turns per iteration the
 * per-iteration rates are too noisy to read, so this pools the iterations of each half of a
 * split (the first ⌊n/2⌋ iterations against the rest) and gives the difference late − early with
 * Newcombe's hybrid score interval (Newcombe 1998, method 10: Wilson intervals of each rate).
 */
import { ratio, type GroupStats, type Ratio, type TrajectoryStats } from './stats.ts';
import type { Split } from '../store/schema.ts';

/** The pooled halves of one split and their difference. */
export interface FixTrend {
  readonly split: Split;
  readonly earlyIterations: readonly number[];
  readonly lateIterations: readonly number[];
  readonly early: Ratio;
  readonly late: Ratio;
  /** late − early, with its 95 % interval; null when either half has no failed first turn. */
  readonly difference: { readonly value: number; readonly lower: number; readonly upper: number } | null;
}

const Z = 1.959963984540054;

/** Wilson score interval of count/of at 95 %. */
export function wilson(count: number, of: number): [number, number] {
  if (of <= 0) throw new RangeError('a Wilson interval needs at least one trial');
  const p = count / of;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * of)) / (1 + z2 / of);
  const half = (Z * Math.sqrt((p * (1 - p)) / of + z2 / (4 * of * of))) / (1 + z2 / of);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Newcombe's interval for the difference of two independent proportions, b − a. */
export function newcombe(a: Ratio, b: Ratio): FixTrend['difference'] {
  if (a.rate === null || b.rate === null) return null;
  const [la, ua] = wilson(a.count, a.of);
  const [lb, ub] = wilson(b.count, b.of);
  const d = b.rate - a.rate;
  return { value: d, lower: d - Math.hypot(b.rate - lb, ua - a.rate), upper: d + Math.hypot(ub - b.rate, a.rate - la) };
}

function pool(groups: readonly GroupStats[]): Ratio {
  return ratio(
    groups.reduce((n, g) => n + g.turn2Fix.count, 0),
    groups.reduce((n, g) => n + g.turn2Fix.of, 0),
  );
}

/** One trend per split that has at least two iterations. */
export function fixTrends(stats: TrajectoryStats): FixTrend[] {
  const out: FixTrend[] = [];
  for (const total of stats.bySplit) {
    const groups = stats.byIteration.filter((g) => g.split === total.split);
    if (groups.length < 2) continue;
    const cut = Math.floor(groups.length / 2);
    const early = pool(groups.slice(0, cut));
    const late = pool(groups.slice(cut));
    out.push({
      split: total.split,
      earlyIterations: groups.slice(0, cut).map((g) => g.iteration ?? 0),
      lateIterations: groups.slice(cut).map((g) => g.iteration ?? 0),
      early,
      late,
      difference: newcombe(early, late),
    });
  }
  return out;
}
