/** The feedback modes of `rlef eval` (kept apart so the CLI can list them without loading tfjs). */
export type EvalFeedback = 'real' | 'random' | 'none' | 'private';
export const EVAL_FEEDBACK: readonly EvalFeedback[] = ['real', 'random', 'none', 'private'];
