/**
 * Bootstrap confidence intervals over problems (RLEF.md §4). Pure maths, seeded.
 */
import { seededRandom } from './seeded-random.ts';

/** Options of {@link bootstrapCI}. */
export interface BootstrapOptions {
  /** Resamples drawn (default 10 000). */
  readonly iterations?: number;
  /** 1 − confidence level (default 0.05: a 95% interval). */
  readonly alpha?: number;
  /** Seed of the resampling (default 0); the same seed gives the same interval. */
  readonly seed?: number;
}

/** A mean over problems with its percentile-bootstrap interval. */
export interface BootstrapInterval {
  /** Mean of the per-problem values. */
  readonly mean: number;
  readonly lower: number;
  readonly upper: number;
  readonly alpha: number;
  readonly iterations: number;
}

/**
 * Percentile bootstrap interval for the mean of `perProblemValues` (one value per problem, e.g.
 * its n@k estimate): resample the problems with replacement `iterations` times, take each
 * resample's mean, and report the α/2 and 1 − α/2 quantiles of those means (linear
 * interpolation between order statistics). Problems, not rollouts, are resampled, since the
 * rollouts of one problem are not independent of each other in difficulty.
 * @throws RangeError on an empty input, non-finite values, or invalid options.
 */
export function bootstrapCI(perProblemValues: readonly number[], options: BootstrapOptions = {}): BootstrapInterval {
  const { iterations = 10_000, alpha = 0.05, seed = 0 } = options;
  const m = perProblemValues.length;
  if (m === 0) throw new RangeError('bootstrap needs at least one value');
  if (!perProblemValues.every(Number.isFinite)) throw new RangeError('bootstrap values must be finite');
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`iterations must be a positive integer, got ${iterations}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must lie in (0, 1), got ${alpha}`);
  const random = seededRandom(seed);
  const means = new Float64Array(iterations);
  for (let b = 0; b < iterations; b++) {
    let sum = 0;
    for (let i = 0; i < m; i++) sum += perProblemValues[Math.floor(random() * m)]!;
    means[b] = sum / m;
  }
  means.sort();
  return {
    mean: perProblemValues.reduce((a, v) => a + v, 0) / m,
    lower: quantile(means, alpha / 2),
    upper: quantile(means, 1 - alpha / 2),
    alpha,
    iterations,
  };
}

/**
 * Paired interval for after − before: per problem (the keys both maps hold, in `after`'s order)
 * the difference of the two values, then {@link bootstrapCI} over those differences. Far tighter
 * than the two means' own intervals, since most problems come out the same under both. Null when
 * the maps share no problem.
 */
export function pairedBootstrapCI(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
  options: BootstrapOptions = {},
): (BootstrapInterval & { readonly problems: number }) | null {
  const diffs: number[] = [];
  for (const [id, value] of after) {
    const base = before.get(id);
    if (base !== undefined) diffs.push(value - base);
  }
  return diffs.length === 0 ? null : { ...bootstrapCI(diffs, options), problems: diffs.length };
}

/** Quantile q of sorted values, interpolating linearly between order statistics. */
function quantile(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const lo = sorted[below]!;
  return lo + (sorted[above]! - lo) * (position - below);
}
