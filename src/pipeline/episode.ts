/**
 * Plain-data records that flow through the pipeline: one problem draw, its turns, the episode.
 * No tensors: token ids and log-probs travel as typed arrays (STYLE.md).
 */
import type { Problem } from '../problems/problem.ts';
import type { TestOutcome, Verdict } from '../exec/types.ts';

/** A problem taken from the source, with its position in the seeded data order (for resume). */
export interface ProblemDraw {
  readonly problem: Problem;
  /** Global position in the data stream: epoch * problems + index within the epoch's order. */
  readonly cursor: number;
  readonly epoch: number;
}

/** A chat message of the RLEF dialog. */
export interface Message {
  readonly role: 'user' | 'assistant';
  readonly content: string;
  /** For the model's own messages: the generation that produced them (its exact token ids). */
  readonly generation?: Generation;
}

/** What the policy returns for one turn. */
export interface Generation {
  readonly text: string;
  /** The tokens the model was conditioned on (after any context trimming). */
  readonly contextIds: Int32Array;
  /** The sampled tokens, end-of-turn token included when it was produced. */
  readonly responseIds: Int32Array;
  /** True when the model ended its turn with a stop token (false when cut by the token budget). */
  readonly endedTurn: boolean;
  /** log π_behaviour of each sampled token (temperature-1 distribution of the sampling weights). */
  readonly logprobs: Float32Array;
  /** Version of the weights that sampled this turn. */
  readonly policyVersion: number;
  readonly ms: number;
}

/** A turn's verdict: an execution verdict on the public tests, or `invalid` when no code was found. */
export type TurnVerdict = Verdict | 'invalid';

export interface TurnRecord {
  /** The user message this turn answered (the problem prompt, or feedback). */
  readonly prompt: string;
  readonly generation: Generation;
  readonly code: string | null;
  readonly verdict: TurnVerdict;
  /** Public-test outcomes (empty for invalid turns). */
  readonly outcomes: readonly TestOutcome[];
  /** The feedback sent as the next user message, or null when the episode ended at this turn. */
  readonly feedback: string | null;
  readonly execMs: number;
}

export interface Episode {
  readonly id: string;
  /** Index of the collection (iteration) this episode was started for. */
  readonly iteration: number;
  readonly draw: ProblemDraw;
  readonly turns: readonly TurnRecord[];
  /** Grade of the final answer on public + private + generated tests. */
  readonly finalVerdict: TurnVerdict;
  readonly solved: boolean;
  readonly gradeMs: number;
}

/** Total sampled tokens of an episode (the batcher's token budget counts these plus contexts). */
export function episodeTokens(episode: Episode): number {
  let n = 0;
  for (const t of episode.turns) n += t.generation.contextIds.length + t.generation.responseIds.length;
  return n;
}
