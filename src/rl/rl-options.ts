/**
 * Every knob of the reward and advantage maths in one typed object, with the paper's values as
 * defaults (RLEF.md §2–3). Options marked *(beyond the paper)* exist for ablations.
 */

/** How the per-turn KL is aggregated over a turn's tokens. */
export type KlAggregation = 'mean' | 'sum';

/** Where the advantage baseline comes from. */
export type BaselineKind = 'critic' | 'group-mean' | 'leave-one-out';

/** Which population advantages are normalised over; `'none'` disables normalisation. */
export type NormalizeOver = 'tokens' | 'turns' | 'none';

/** Options for rewards, returns and advantages. */
export interface RlOptions {
  /** KL coefficient β in R_t = r_t − β·KL_t. Paper: 0.05. */
  readonly beta: number;
  /** `'mean'` (paper) averages log π − log π_ref over a turn's tokens; `'sum'` is for ablation only. */
  readonly klAggregation: KlAggregation;
  /** r_t of a non-final response without code. Paper: −0.2. */
  readonly invalidReward: number;
  /**
   * r_t of a non-final response whose code is an earlier turn's code again (a retry that ignores
   * the feedback and so cannot pass). 0 is the paper (no such term). *(beyond the paper)*
   */
  readonly repeatReward: number;
  /** Discount γ over turns. Paper: 1. */
  readonly gamma: number;
  /** GAE λ over turns; 1 gives the paper's Monte Carlo A_t = G_t − V(c_t). *(beyond the paper)* */
  readonly lambda: number;
  /** `'critic'` (paper) uses V(c_t); the group baselines ignore the critic. *(beyond the paper)* */
  readonly baseline: BaselineKind;
  /** Divide group advantages by the group's std (GRPO) or not (Dr. GRPO). *(beyond the paper)* */
  readonly groupScale: 'none' | 'std';
  /** Normalise advantages over the batch's tokens (paper), its turns, or not at all. */
  readonly normalizeOver: NormalizeOver;
  /** A std below this counts as zero variance: advantages are then only centred, not scaled. */
  readonly normalizeEpsilon: number;
}

/** The paper's settings. */
export const DEFAULT_RL_OPTIONS: RlOptions = {
  beta: 0.05,
  klAggregation: 'mean',
  invalidReward: -0.2,
  repeatReward: 0,
  gamma: 1,
  lambda: 1,
  baseline: 'critic',
  groupScale: 'none',
  normalizeOver: 'tokens',
  normalizeEpsilon: 1e-8,
};

/** Fills unspecified options with the paper's defaults. */
export function resolveRlOptions(options: Partial<RlOptions> = {}): RlOptions {
  return { ...DEFAULT_RL_OPTIONS, ...options };
}
