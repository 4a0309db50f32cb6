/**
 * Per-turn rewards of one episode (RLEF.md §2): R_t = r_t − β·KL_t.
 */
import type { EpisodeTurns } from './episode-turns.ts';
import { DEFAULT_RL_OPTIONS, type RlOptions } from './rl-options.ts';
import { turnKl } from './turn-kl.ts';

/** Turn-aligned reward parts of one episode; every array has one entry per turn. */
export interface TurnRewards {
  /**
   * r_t: +1/−1 on the final turn by the final grade; on a non-final turn the invalid reward
   * without code, the repeat reward for an earlier turn's code again, else 0.
   */
  readonly scores: Float64Array;
  /** KL_t as aggregated by `klAggregation` (mean over the turn's tokens by default). */
  readonly kl: Float64Array;
  /** R_t = r_t − β·KL_t. */
  readonly rewards: Float64Array;
}

/**
 * r_t for a single turn. The final turn is scored only by the final grade, whether or not it has
 * code (a final answer without code simply fails grading); only non-final turns can be invalid or
 * repeats.
 */
export function turnScore(
  isFinal: boolean,
  solved: boolean,
  hasCode: boolean,
  invalidReward: number = DEFAULT_RL_OPTIONS.invalidReward,
  repeat = false,
  repeatReward: number = DEFAULT_RL_OPTIONS.repeatReward,
): number {
  if (isFinal) return solved ? 1 : -1;
  if (!hasCode) return invalidReward;
  return repeat ? repeatReward : 0;
}

/** Computes r_t, KL_t and R_t for every turn of an episode. */
export function turnRewards(
  episode: EpisodeTurns,
  options: Pick<RlOptions, 'beta' | 'klAggregation' | 'invalidReward'> & Partial<Pick<RlOptions, 'repeatReward'>> = DEFAULT_RL_OPTIONS,
): TurnRewards {
  const n = episode.turns.length;
  const scores = new Float64Array(n);
  const kl = new Float64Array(n);
  const rewards = new Float64Array(n);
  episode.turns.forEach((turn, t) => {
    const score = turnScore(t === n - 1, episode.solved, turn.hasCode, options.invalidReward, turn.repeat === true, options.repeatReward ?? 0);
    const k = turnKl(turn.logp, turn.refLogp, turn.tokenCount, options.klAggregation);
    scores[t] = score;
    kl[t] = k;
    rewards[t] = score - options.beta * k;
  });
  return { scores, kl, rewards };
}
