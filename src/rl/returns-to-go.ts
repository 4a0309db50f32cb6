/**
 * Discounted return-to-go over the turns of one episode (RLEF.md §3, γ = 1 in the paper).
 */

/**
 * G_t = Σ_{i≥t} γ^{i−t}·R_i for every turn t; with γ = 1 these are plain suffix sums.
 * The episode ends after its last turn, so nothing is bootstrapped past it.
 */
export function returnsToGo(rewards: ArrayLike<number>, gamma = 1): Float64Array {
  const out = new Float64Array(rewards.length);
  let acc = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    acc = (rewards[t] ?? 0) + gamma * acc;
    out[t] = acc;
  }
  return out;
}
