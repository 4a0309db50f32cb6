/**
 * Per-turn KL estimate between the sampling policy and the reference policy (RLEF.md §2).
 */
import type { KlAggregation } from './rl-options.ts';

/**
 * KL_t for one turn from the sampled tokens' log-probs: the mean (paper) or, for ablation, the sum
 * over the turn's tokens of log π(token) − log π_ref(token). Only the first `tokenCount` entries are
 * read, so callers may pass views into larger buffers. A turn with no tokens has KL 0.
 *
 * The mean matters: a summed KL grows with length and so pushes the policy towards very short
 * intermediate answers, which is what the paper reports when summing.
 */
export function turnKl(
  logp: Float32Array,
  refLogp: Float32Array,
  tokenCount: number,
  aggregation: KlAggregation = 'mean',
): number {
  if (tokenCount === 0) return 0;
  let sum = 0;
  for (let i = 0; i < tokenCount; i++) sum += (logp[i] ?? 0) - (refLogp[i] ?? 0);
  return aggregation === 'mean' ? sum / tokenCount : sum;
}
