/**
 * Batch normalisation of advantages (RLEF.md §3: "normalised over the batch").
 */

/** Normalised advantages and the statistics that produced them. */
export interface NormalizedAdvantages {
  /** (A − mean) / std per turn, or only A − mean when the variance is (near) zero. */
  readonly advantages: Float64Array;
  /** Weighted mean of the input advantages. */
  readonly mean: number;
  /** Weighted population standard deviation of the input advantages. */
  readonly std: number;
  /** False when `std` was below epsilon and the advantages were only centred. */
  readonly scaled: boolean;
}

/**
 * Normalises per-turn advantages to mean 0 and std 1 over a population given by `weights`.
 *
 * Every token of a turn carries the turn's advantage, so normalising over the batch of *tokens*
 * (paper) is the same as weighting each turn by its token count; normalising over *turns* is
 * weighting every turn by 1. The statistics are population ones (divide by the total weight), so
 * the result has weighted std exactly 1. A zero-weight turn (no tokens) does not affect the
 * statistics but is still shifted and scaled. Zero variance (all advantages equal, or total
 * weight 0) leaves the advantages centred but unscaled rather than dividing by ~0.
 */
export function normalizeAdvantages(
  advantages: ArrayLike<number>,
  weights: ArrayLike<number>,
  epsilon = 1e-8,
): NormalizedAdvantages {
  const n = advantages.length;
  let total = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i] ?? 0;
    total += w;
    sum += w * (advantages[i] ?? 0);
  }
  const mean = total > 0 ? sum / total : 0;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (weights[i] ?? 0) * ((advantages[i] ?? 0) - mean) ** 2;
  const std = total > 0 ? Math.sqrt(squares / total) : 0;
  const scaled = std >= epsilon;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ((advantages[i] ?? 0) - mean) / (scaled ? std : 1);
  return { advantages: out, mean, std, scaled };
}
