/**
 * The ports the pipeline operators are built over. Each returns a cold Observable: subscribing starts
 * the work, unsubscribing cancels it (adapters map that to an AbortSignal that reaches the pool or
 * the generator). Marble tests inject scripted ports; `src/runtime/` wires the real ones.
 */
import type { Observable } from 'rxjs';
import type { JudgeRequest, JudgeResult } from '../exec/types.ts';
import type { Episode, Generation, Message } from './episode.ts';

export interface GenerateRequest {
  readonly dialog: readonly Message[];
  /** Seed of this turn's sampling stream, so a turn samples the same tokens whatever batch it lands in. */
  readonly seed: string;
}

export interface PolicyPort {
  generate(request: GenerateRequest): Observable<Generation>;
}

export interface JudgePort {
  judge(request: JudgeRequest): Observable<JudgeResult>;
}

/** Per-turn numbers the learner computed for a batch, for the trajectory log. */
export interface TurnStats {
  readonly reward: number;
  readonly kl: number;
  readonly value: number;
  readonly return: number;
  readonly advantage: number;
  readonly refLogprobs: Float32Array | null;
}

/** Losses and diagnostics of the PPO updates on one batch. */
export interface UpdateMetrics {
  readonly policyLoss: number;
  readonly valueLoss: number;
  readonly entropy: number;
  readonly kl: number;
  readonly clipFraction: number;
  readonly updates: number;
  readonly ms: number;
}

export interface UpdateResult {
  /** Version of the policy after the update (the generator samples with it from now on). */
  readonly policyVersion: number;
  readonly metrics: UpdateMetrics;
  /** turnStats[i][t]: turn t of the batch's episode i (empty for episodes kept out of training). */
  readonly turnStats: readonly (readonly TurnStats[])[];
}

/** Scores a batch (reference policy, critic), computes rewards and advantages, runs PPO. */
export interface LearnerPort {
  update(batch: readonly Episode[]): Observable<UpdateResult>;
}
