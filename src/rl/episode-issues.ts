/**
 * Malformed episodes, reported as data (STYLE.md: results as data rather than thrown errors).
 */
import type { EpisodeTurns } from './episode-turns.ts';
import type { BaselineKind } from './rl-options.ts';

/** One reason an episode cannot enter a PPO batch; `episode` and `turn` are indices. */
export type EpisodeIssue =
  | { readonly kind: 'no-turns'; readonly episode: number }
  | { readonly kind: 'bad-token-count'; readonly episode: number; readonly turn: number; readonly tokenCount: number }
  | {
      readonly kind: 'length-mismatch';
      readonly episode: number;
      readonly turn: number;
      readonly field: 'logp' | 'refLogp';
      readonly expected: number;
      readonly actual: number;
    }
  | {
      readonly kind: 'non-finite';
      readonly episode: number;
      readonly turn: number;
      readonly field: 'logp' | 'refLogp' | 'value';
    }
  | { readonly kind: 'missing-group'; readonly episode: number };

/**
 * Every issue that would make the maths wrong: empty episodes, token counts that are not
 * non-negative integers, per-token arrays whose length differs from `tokenCount` (the usual padding
 * mistake), non-finite log-probs or values, and group baselines without a `groupId`.
 * An empty list means the episodes are fit for {@link buildPpoBatch}.
 */
export function episodeIssues(episodes: readonly EpisodeTurns[], baseline: BaselineKind = 'critic'): EpisodeIssue[] {
  const issues: EpisodeIssue[] = [];
  episodes.forEach((episode, e) => {
    if (episode.turns.length === 0) issues.push({ kind: 'no-turns', episode: e });
    if (baseline !== 'critic' && episode.groupId === undefined) issues.push({ kind: 'missing-group', episode: e });
    episode.turns.forEach((turn, t) => {
      const where = { episode: e, turn: t };
      if (!Number.isInteger(turn.tokenCount) || turn.tokenCount < 0) {
        issues.push({ kind: 'bad-token-count', ...where, tokenCount: turn.tokenCount });
        return;
      }
      for (const field of ['logp', 'refLogp'] as const) {
        const values = turn[field];
        if (values.length !== turn.tokenCount) {
          issues.push({ kind: 'length-mismatch', ...where, field, expected: turn.tokenCount, actual: values.length });
        } else if (!values.every(Number.isFinite)) {
          issues.push({ kind: 'non-finite', ...where, field });
        }
      }
      if (baseline === 'critic' && !Number.isFinite(turn.value)) issues.push({ kind: 'non-finite', ...where, field: 'value' });
    });
  });
  return issues;
}
