/**
 * Turn-level advantages against the critic's baseline (RLEF.md §3), optionally with GAE over turns.
 */
import { returnsToGo } from './returns-to-go.ts';

/** Advantages and value targets of one episode, one entry per turn. */
export interface TurnAdvantages {
  /** A_t, given to every token of turn t. */
  readonly advantages: Float64Array;
  /** The critic's target for V(c_t): the return G_t (λ = 1) or the λ-return A_t + V(c_t). */
  readonly valueTargets: Float64Array;
}

/**
 * With λ = 1 (paper): A_t = G_t − V(c_t), the Monte Carlo return minus the baseline, computed
 * directly so hand-worked numbers come out exactly. With λ < 1 *(beyond the paper)*: GAE over turns,
 * δ_t = R_t + γ·V(c_{t+1}) − V(c_t) with V = 0 after the last turn, A_t = Σ_k (γλ)^k·δ_{t+k};
 * the value target is then the λ-return A_t + V(c_t), which equals G_t when λ = 1.
 */
export function turnAdvantages(
  rewards: ArrayLike<number>,
  values: ArrayLike<number>,
  gamma = 1,
  lambda = 1,
): TurnAdvantages {
  const n = rewards.length;
  const advantages = new Float64Array(n);
  if (lambda === 1) {
    const valueTargets = returnsToGo(rewards, gamma);
    for (let t = 0; t < n; t++) advantages[t] = (valueTargets[t] ?? 0) - (values[t] ?? 0);
    return { advantages, valueTargets };
  }
  const valueTargets = new Float64Array(n);
  let acc = 0;
  for (let t = n - 1; t >= 0; t--) {
    const v = values[t] ?? 0;
    const next = t + 1 < n ? (values[t + 1] ?? 0) : 0;
    acc = (rewards[t] ?? 0) + gamma * next - v + gamma * lambda * acc;
    advantages[t] = acc;
    valueTargets[t] = acc + v;
  }
  return { advantages, valueTargets };
}
