/**
 * Lays a batch of episodes out as token sequences for scoring and PPO: one sequence per run of
 * turns whose contexts extend each other (the usual case: a turn's context is the previous
 * turn's context plus its answer and the feedback), so a 3-turn episode costs one forward pass,
 * not three. Pure: plain arrays in, plain arrays out.
 */
import type { Episode } from '../pipeline/episode.ts';

/** Where one turn's sampled tokens sit inside a sequence. */
export interface TurnSlot {
  /** Index of the episode in the batch, and of the turn in the episode. */
  readonly episode: number;
  readonly turn: number;
  /** The response occupies ids[start, end); the critic reads V(c_t) at `start − 1`. */
  readonly start: number;
  readonly end: number;
}

export interface TrainingSequence {
  readonly ids: Int32Array;
  readonly slots: readonly TurnSlot[];
}

/** Sequences covering every turn of the given episodes (indices refer to `episodes`). */
export function trainingSequences(episodes: readonly Episode[], include: (index: number) => boolean = () => true): TrainingSequence[] {
  const out: TrainingSequence[] = [];
  episodes.forEach((episode, e) => {
    if (!include(e)) return;
    let ids: number[] = [];
    let slots: TurnSlot[] = [];
    const close = (): void => {
      if (slots.length > 0) out.push({ ids: Int32Array.from(ids), slots });
      ids = [];
      slots = [];
    };
    episode.turns.forEach((turn, t) => {
      const context = turn.generation.contextIds;
      if (!(slots.length > 0 && startsWith(context, ids))) {
        close();
        ids = Array.from(context);
      } else {
        for (let i = ids.length; i < context.length; i++) ids.push(context[i]!);
      }
      const start = ids.length;
      for (const id of turn.generation.responseIds) ids.push(id);
      slots.push({ episode: e, turn: t, start, end: ids.length });
    });
    close();
  });
  return out;
}

function startsWith(whole: Int32Array, prefix: readonly number[]): boolean {
  if (prefix.length > whole.length) return false;
  for (let i = 0; i < prefix.length; i++) if (whole[i] !== prefix[i]) return false;
  return true;
}
