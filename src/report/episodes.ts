/**
 * Episodes rebuilt from trajectory rows (one row per turn), grouped by (run id, episode id).
 * Pure: the replay UI, `rlef stats` and `rlef report` all start from these.
 */
import type { Split, StoredVerdict, TurnRow } from '../store/schema.ts';

/** One episode as read back from the trajectory table. */
export interface StoredEpisode {
  /** `runId/episodeId`: unique across the runs a file or directory may hold. */
  readonly key: string;
  readonly runId: string;
  readonly episodeId: string;
  readonly problemId: string;
  readonly iteration: number;
  readonly split: Split;
  readonly solved: boolean;
  /** Turns the episode took, as its rows say (`num_turns`). */
  readonly numTurns: number;
  /** The rows read, ordered by turn; fewer than `numTurns` when some were not written. */
  readonly turns: readonly TurnRow[];
  /** True when every turn 0…numTurns−1 was read exactly once. */
  readonly complete: boolean;
  /** Sum of the turns' rewards (R_t, KL penalty included). */
  readonly reward: number;
  /** Verdict of each turn read, in order. */
  readonly verdicts: readonly StoredVerdict[];
}

/** The key that groups rows into episodes. */
export function episodeKey(row: Pick<TurnRow, 'runId' | 'episodeId'>): string {
  return `${row.runId}/${row.episodeId}`;
}

/**
 * Groups rows into episodes, in the order each episode's first row appears (the order the
 * writer flushed them). Within an episode, rows are ordered by turn.
 */
export function groupEpisodes(rows: readonly TurnRow[]): StoredEpisode[] {
  const groups = new Map<string, TurnRow[]>();
  for (const row of rows) {
    const key = episodeKey(row);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  }
  return [...groups].map(([key, group]) => toEpisode(key, group));
}

function toEpisode(key: string, group: TurnRow[]): StoredEpisode {
  const turns = [...group].sort((a, b) => a.turn - b.turn);
  // Non-empty by construction: a group is created with its first row.
  const first = turns[0]!;
  const last = turns[turns.length - 1]!;
  const numTurns = Math.max(...turns.map((t) => t.numTurns));
  const complete = turns.length === numTurns && turns.every((t, i) => t.turn === i);
  return {
    key,
    runId: first.runId,
    episodeId: first.episodeId,
    problemId: first.problemId,
    iteration: first.iteration,
    split: first.split,
    // `solved` is repeated on every row; the final row is the authority when rows disagree.
    solved: last.final ? last.solved : first.solved,
    numTurns,
    turns,
    complete,
    reward: turns.reduce((sum, t) => sum + t.reward, 0),
    verdicts: turns.map((t) => t.verdict),
  };
}

/** The row of turn `turn` (0-based) of an episode, if it was read. */
export function turnOf(episode: StoredEpisode, turn: number): TurnRow | undefined {
  return episode.turns.find((t) => t.turn === turn);
}

/** Finds an episode by `runId/episodeId` or by `episodeId` alone; says so when none or several match. */
export function findEpisode(
  episodes: readonly StoredEpisode[],
  id: string,
): { readonly episode: StoredEpisode } | { readonly error: 'none' | 'ambiguous'; readonly matches: number } {
  const exact = episodes.filter((e) => e.key === id);
  const matches = exact.length > 0 ? exact : episodes.filter((e) => e.episodeId === id);
  if (matches.length === 1) return { episode: matches[0]! };
  return { error: matches.length === 0 ? 'none' : 'ambiguous', matches: matches.length };
}
