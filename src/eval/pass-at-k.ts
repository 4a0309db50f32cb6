/**
 * Unbiased pass@k (Chen et al. 2021, RLEF.md §4). Pure maths.
 */

/**
 * The unbiased estimate of pass@k from `n` samples of which `c` are correct:
 * 1 − C(n−c, k) / C(n, k), the chance that a uniformly random k-subset of the n samples holds
 * at least one correct sample. Computed as 1 − ∏_{i=n−c+1}^{n} (1 − k/i), which never forms a
 * binomial coefficient. Exactly 1 when n − c < k, exactly 0 when c = 0.
 * @throws RangeError unless n, c, k are integers with 0 ≤ c ≤ n and 1 ≤ k ≤ n.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k)) {
    throw new RangeError(`pass@k needs integers, got n=${n}, c=${c}, k=${k}`);
  }
  if (c < 0 || c > n) throw new RangeError(`pass@k needs 0 ≤ c ≤ n, got n=${n}, c=${c}`);
  if (k < 1 || k > n) throw new RangeError(`pass@k needs 1 ≤ k ≤ n, got n=${n}, k=${k}`);
  if (n - c < k) return 1;
  if (c === 0) return 0;
  if (k === 1) return c / n;
  let allWrong = 1;
  for (let i = n - c + 1; i <= n; i++) allWrong *= 1 - k / i;
  return 1 - allWrong;
}
