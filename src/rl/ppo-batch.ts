/**
 * From finished episodes to the arrays a PPO update consumes (RLEF.md §2–3): rewards, returns,
 * advantages, normalisation, and the token-aligned layout with explicit masks.
 */
import type { EpisodeTurns } from './episode-turns.ts';
import { episodeIssues, type EpisodeIssue } from './episode-issues.ts';
import { broadcastToTokens } from './broadcast-to-tokens.ts';
import { groupAdvantages } from './group-advantages.ts';
import { normalizeAdvantages } from './normalize-advantages.ts';
import { packTokens } from './pack-tokens.ts';
import { returnsToGo } from './returns-to-go.ts';
import { resolveRlOptions, type NormalizeOver, type RlOptions } from './rl-options.ts';
import { tokenLayout, type TokenLayout } from './token-layout.ts';
import { turnAdvantages } from './turn-advantages.ts';
import { turnRewards } from './turn-rewards.ts';

/** Everything one PPO update needs, as typed arrays. Turn arrays have length T, token arrays length N. */
export interface PpoBatch {
  /** The token axis: offsets of each turn, the turn of each position, and the 0/1 mask. */
  readonly layout: TokenLayout;
  /** Normalised advantage of each token (its turn's), 0 on padding. */
  readonly tokenAdvantages: Float32Array;
  /** log π_behaviour of each sampled token, 0 on padding. */
  readonly tokenBehaviourLogp: Float32Array;
  /** log π_ref of each sampled token, 0 on padding. */
  readonly tokenRefLogp: Float32Array;
  /** Index of the episode each turn belongs to. */
  readonly turnEpisode: Int32Array;
  /** r_t per turn. */
  readonly turnScores: Float32Array;
  /** KL_t per turn. */
  readonly turnKl: Float32Array;
  /** R_t = r_t − β·KL_t per turn. */
  readonly turnRewards: Float32Array;
  /** The critic's targets per turn: G_t (λ = 1) or the λ-return; always G_t for group baselines. */
  readonly turnReturns: Float32Array;
  /** V(c_t) recorded at rollout time (V_old for the clipped value loss). */
  readonly turnValues: Float32Array;
  /** Advantages per turn before normalisation. */
  readonly turnRawAdvantages: Float32Array;
  /** Advantages per turn after normalisation (what `tokenAdvantages` broadcasts). */
  readonly turnAdvantages: Float32Array;
  /** The batch statistics used to normalise (`over: 'none'` means mean 0, std 1, unscaled). */
  readonly normalization: { readonly over: NormalizeOver; readonly mean: number; readonly std: number; readonly scaled: boolean };
}

/** Either a batch or the list of reasons the episodes could not be batched. */
export type PpoBatchResult =
  | { readonly ok: true; readonly batch: PpoBatch }
  | { readonly ok: false; readonly issues: readonly EpisodeIssue[] };

/** Options of {@link buildPpoBatch}: the RL options plus the token-axis padding. */
export interface PpoBatchOptions extends Partial<RlOptions> {
  /** Pad the token axis to a multiple of this (1 = no padding). */
  readonly padToMultipleOf?: number;
}

/**
 * Builds a PPO batch. Per episode: R_t from r_t and the per-turn KL; then either the critic
 * advantage A_t = G_t − V(c_t) (GAE if λ < 1) or a group baseline on the episode return G_0,
 * given to every turn of the episode. Then one normalisation over the whole batch (tokens by
 * default) and a broadcast of each turn's advantage to its tokens. Malformed input is returned
 * as issues instead of producing silently wrong numbers.
 */
export function buildPpoBatch(episodes: readonly EpisodeTurns[], options: PpoBatchOptions = {}): PpoBatchResult {
  const o = resolveRlOptions(options);
  const issues = episodeIssues(episodes, o.baseline);
  if (issues.length > 0) return { ok: false, issues };

  const turnEpisode: number[] = [];
  const tokenCounts: number[] = [];
  const behaviour: Float32Array[] = [];
  const reference: Float32Array[] = [];
  const scores: number[] = [];
  const kl: number[] = [];
  const rewards: number[] = [];
  const returns: number[] = [];
  const values: number[] = [];
  const raw: number[] = [];
  const episodeReturns: number[] = [];
  const groupIds: (string | number)[] = [];

  episodes.forEach((episode, e) => {
    const r = turnRewards(episode, o);
    const v = episode.turns.map((turn) => turn.value);
    const critic = o.baseline === 'critic';
    const { advantages, valueTargets } = critic
      ? turnAdvantages(r.rewards, v, o.gamma, o.lambda)
      : { advantages: new Float64Array(v.length), valueTargets: returnsToGo(r.rewards, o.gamma) };
    episode.turns.forEach((turn, t) => {
      turnEpisode.push(e);
      tokenCounts.push(turn.tokenCount);
      behaviour.push(turn.logp);
      reference.push(turn.refLogp);
      scores.push(r.scores[t] ?? 0);
      kl.push(r.kl[t] ?? 0);
      rewards.push(r.rewards[t] ?? 0);
      returns.push(valueTargets[t] ?? 0);
      values.push(turn.value);
      raw.push(advantages[t] ?? 0);
    });
    episodeReturns.push(valueTargets[0] ?? 0);
    groupIds.push(episode.groupId ?? e);
  });

  if (o.baseline !== 'critic') {
    const perEpisode = groupAdvantages(episodeReturns, groupIds, o.baseline, o.groupScale, o.normalizeEpsilon);
    turnEpisode.forEach((e, i) => (raw[i] = perEpisode[e] ?? 0));
  }

  const weights = o.normalizeOver === 'tokens' ? tokenCounts : tokenCounts.map(() => 1);
  const normalized =
    o.normalizeOver === 'none'
      ? { advantages: Float64Array.from(raw), mean: 0, std: 1, scaled: false }
      : normalizeAdvantages(raw, weights, o.normalizeEpsilon);

  const layout = tokenLayout(tokenCounts, options.padToMultipleOf ?? 1);
  return {
    ok: true,
    batch: {
      layout,
      tokenAdvantages: broadcastToTokens(normalized.advantages, layout),
      tokenBehaviourLogp: packTokens(behaviour, layout),
      tokenRefLogp: packTokens(reference, layout),
      turnEpisode: Int32Array.from(turnEpisode),
      turnScores: Float32Array.from(scores),
      turnKl: Float32Array.from(kl),
      turnRewards: Float32Array.from(rewards),
      turnReturns: Float32Array.from(returns),
      turnValues: Float32Array.from(values),
      turnRawAdvantages: Float32Array.from(raw),
      turnAdvantages: Float32Array.from(normalized.advantages),
      normalization: { over: o.normalizeOver, mean: normalized.mean, std: normalized.std, scaled: normalized.scaled },
    },
  };
}
