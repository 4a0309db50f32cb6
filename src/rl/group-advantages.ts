/**
 * Critic-free baselines from several rollouts of the same problem *(beyond the paper)*:
 * the group mean (GRPO style) and leave-one-out (RLOO).
 */

/** Which group baseline to subtract. */
export type GroupBaseline = 'group-mean' | 'leave-one-out';

/**
 * One advantage per episode from the episodes' returns G_0 and their group ids.
 *
 * - `'group-mean'`: A_i = G_i − mean of the group's returns.
 * - `'leave-one-out'`: A_i = G_i − mean of the *other* members' returns = n/(n−1)·(G_i − mean).
 *
 * Both sum to zero over each group. A group of one has no baseline to compare against and gets
 * advantage 0 (it teaches nothing). With `scale: 'std'` each group's advantages are divided by the
 * group's population std of returns, unless that std is below `epsilon` (then every member's
 * advantage is already 0). The advantage is per episode: callers give it to every turn and token.
 */
export function groupAdvantages(
  returns: ArrayLike<number>,
  groupIds: readonly (string | number)[],
  baseline: GroupBaseline = 'group-mean',
  scale: 'none' | 'std' = 'none',
  epsilon = 1e-8,
): Float64Array {
  const members = new Map<string | number, number[]>();
  groupIds.forEach((id, i) => {
    const list = members.get(id);
    if (list === undefined) members.set(id, [i]);
    else list.push(i);
  });
  const out = new Float64Array(returns.length);
  for (const indices of members.values()) {
    const n = indices.length;
    if (n < 2) continue;
    let sum = 0;
    for (const i of indices) sum += returns[i] ?? 0;
    const mean = sum / n;
    let squares = 0;
    for (const i of indices) squares += ((returns[i] ?? 0) - mean) ** 2;
    const std = Math.sqrt(squares / n);
    const factor = (baseline === 'leave-one-out' ? n / (n - 1) : 1) / (scale === 'std' && std >= epsilon ? std : 1);
    for (const i of indices) out[i] = ((returns[i] ?? 0) - mean) * factor;
  }
  return out;
}
