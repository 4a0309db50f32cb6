/**
 * The plain-data view of a finished episode that the RL maths consumes (RLEF.md §2–3).
 * Turns are ragged: each carries its own token count and per-token arrays of that length.
 * Nothing here is padded; padding and masks appear only in {@link PpoBatch} (ppo-batch.ts).
 */

/** One model response (one turn) of an episode, reduced to what the reward and advantage need. */
export interface TurnRecord {
  /** Number of response tokens generated in this turn; `logp` and `refLogp` have this length. */
  readonly tokenCount: number;
  /** log π_behaviour(token) for each sampled token, as recorded at sampling time. */
  readonly logp: Float32Array;
  /** log π_ref(token) for the same tokens under the frozen reference policy. */
  readonly refLogp: Float32Array;
  /** True when the response contained a fenced code block (an answer that could be run). */
  readonly hasCode: boolean;
  /** True when the response's code is the code of an earlier turn of the episode (default false). */
  readonly repeat?: boolean;
  /** Critic value V(c_t), read at the last token of the turn's prompt. Ignored by group baselines. */
  readonly value: number;
}

/** One episode (one problem attempt of up to N turns) and its final grade. */
export interface EpisodeTurns {
  /** The turns in order; the last one holds the episode's final answer. Never empty in valid input. */
  readonly turns: readonly TurnRecord[];
  /** The final grade: true when the last solution passes all public + private (+ generated) tests. */
  readonly solved: boolean;
  /**
   * Which rollouts share a problem, for group baselines (GRPO mean, RLOO).
   * Required by those baselines, ignored by the critic baseline.
   */
  readonly groupId?: string | number;
}

/** The same program up to trailing spaces and blank lines (as `rlef stats` counts repeats). */
export function sameProgram(a: string, b: string): boolean {
  const lines = (code: string): string => code.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '').join('\n');
  return lines(a) === lines(b);
}

/** Whether turn `t`'s code is {@link sameProgram} as an earlier turn's; a turn without code (null) never is. */
export function repeatsEarlierCode(codes: readonly (string | null)[], t: number): boolean {
  const code = codes[t];
  return code !== null && code !== undefined && codes.slice(0, t).some((earlier) => earlier !== null && earlier !== undefined && sameProgram(earlier, code));
}
