/**
 * Aggregates of a trajectory log for `rlef stats` and `rlef report`: solve rate (overall and
 * within turn t), mean episode reward, KL, invalid-answer rate, the turn-2 fix rate and how often
 * turn 2 repeats turn 1's failed code, by split and iteration. Pure: rows in, numbers out.
 */
import type { Split, TurnRow } from '../store/schema.ts';
import { groupEpisodes, turnOf, type StoredEpisode } from './episodes.ts';
import { sameProgram } from '../rl/episode-turns.ts';

/** A ratio with its parts, so a table can say `3/4` and JSON readers can re-aggregate. */
export interface Ratio {
  readonly count: number;
  readonly of: number;
  /** count / of, or null when `of` is 0. */
  readonly rate: number | null;
}

/** The aggregates of one group of episodes (one split and iteration, or one whole split). */
export interface GroupStats {
  readonly split: Split;
  /** The iteration, or null for a split's total over all iterations. */
  readonly iteration: number | null;
  readonly episodes: number;
  /** Turn rows read. */
  readonly turns: number;
  /** Episodes whose final answer passed all tests. */
  readonly solved: Ratio;
  /**
   * `solvedWithin[t]`: episodes solved using at most t+1 turns, for t up to the longest
   * episode of the log (so every group's array has the same length).
   */
  readonly solvedWithin: readonly Ratio[];
  /**
   * Episodes whose turn-1 answer failed (verdict ≠ passed, `invalid` included) and whose turn-2
   * answer passed the public tests, out of those whose turn 1 failed. Episodes missing one of
   * the two rows (a log cut short) are left out.
   */
  readonly turn2Fix: Ratio;
  /**
   * Episodes whose turn-1 code failed and whose turn-2 code is the same program (lines compared
   * with trailing spaces and blank lines ignored), out of those whose turn 1 failed with code and
   * that have a turn-2 row: a policy that ignores the feedback resubmits what failed.
   */
  readonly turn2Repeat: Ratio;
  /** Mean over episodes of the summed per-turn reward R_t (KL penalty included). */
  readonly meanReward: number | null;
  /** Mean over turns of KL_t (the per-turn mean over tokens). */
  readonly meanKl: number | null;
  /** Turns whose response held no code block, out of all turns. */
  readonly invalid: Ratio;
  /** Mean turns per episode (num_turns). */
  readonly meanTurns: number | null;
  /** Episodes with rows missing (read from a log cut short). */
  readonly incomplete: number;
}

/** Everything `rlef stats` prints. */
export interface TrajectoryStats {
  readonly episodes: number;
  readonly turns: number;
  /** Longest episode, in turns: the length of every `solvedWithin`. */
  readonly maxTurns: number;
  /** One entry per (split, iteration): train before eval, iterations ascending. */
  readonly byIteration: readonly GroupStats[];
  /** One entry per split over all its iterations, train before eval. */
  readonly bySplit: readonly GroupStats[];
}

const SPLIT_ORDER: readonly Split[] = ['train', 'eval'];

/** Aggregates `rows` (any order; grouped into episodes by run and episode id). */
export function computeStats(rows: readonly TurnRow[]): TrajectoryStats {
  const episodes = groupEpisodes(rows);
  const maxTurns = episodes.reduce((m, e) => Math.max(m, e.numTurns), 0);
  const byIteration: GroupStats[] = [];
  const bySplit: GroupStats[] = [];
  for (const split of SPLIT_ORDER) {
    const inSplit = episodes.filter((e) => e.split === split);
    if (inSplit.length === 0) continue;
    const iterations = [...new Set(inSplit.map((e) => e.iteration))].sort((a, b) => a - b);
    for (const iteration of iterations) {
      byIteration.push(groupStats(split, iteration, inSplit.filter((e) => e.iteration === iteration), maxTurns));
    }
    bySplit.push(groupStats(split, null, inSplit, maxTurns));
  }
  return { episodes: episodes.length, turns: rows.length, maxTurns, byIteration, bySplit };
}

/** A ratio of two counts. */
export function ratio(count: number, of: number): Ratio {
  return { count, of, rate: of === 0 ? null : count / of };
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

function groupStats(split: Split, iteration: number | null, episodes: readonly StoredEpisode[], maxTurns: number): GroupStats {
  const n = episodes.length;
  const turns = episodes.flatMap((e) => e.turns);
  const solved = episodes.filter((e) => e.solved);
  const solvedWithin = Array.from({ length: maxTurns }, (_, t) => ratio(solved.filter((e) => e.numTurns <= t + 1).length, n));
  let failedAtTurn1 = 0;
  let fixedAtTurn2 = 0;
  let retried = 0;
  let repeated = 0;
  for (const episode of episodes) {
    const first = turnOf(episode, 0);
    if (first === undefined || first.verdict === 'passed') continue;
    const second = turnOf(episode, 1);
    // A turn-2 row that should exist but was not read leaves the outcome unknown.
    if (second === undefined && episode.numTurns >= 2) continue;
    failedAtTurn1++;
    if (second?.verdict === 'passed') fixedAtTurn2++;
    if (second !== undefined && first.code !== null) {
      retried++;
      if (second.code !== null && sameProgram(first.code, second.code)) repeated++;
    }
  }
  return {
    split,
    iteration,
    episodes: n,
    turns: turns.length,
    solved: ratio(solved.length, n),
    solvedWithin,
    turn2Fix: ratio(fixedAtTurn2, failedAtTurn1),
    turn2Repeat: ratio(repeated, retried),
    meanReward: mean(episodes.map((e) => e.reward)),
    meanKl: mean(turns.map((t) => t.kl)),
    invalid: ratio(turns.filter((t) => t.verdict === 'invalid').length, turns.length),
    meanTurns: mean(episodes.map((e) => e.numTurns)),
    incomplete: episodes.filter((e) => !e.complete).length,
  };
}
