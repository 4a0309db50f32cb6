/**
 * The typed, declarative description of a runnable pipeline (`pipelines/*.ts` export one as
 * default). Composition and settings only: the runtime builds the stages from it.
 * Paths are relative to the repository root unless absolute.
 */
import type { ModelConfig } from '../policy/config.ts';
import type { PpoOptions } from '../runtime/ppo-learner.ts';
import type { FeedbackMode } from '../runtime/feedback-policy.ts';

export interface PipelineConfig {
  readonly name: string;
  readonly description: string;
  readonly data: {
    /** Problems to train on (any format `rlef judge` reads). */
    readonly train: string;
    /** Held-out problems for the evaluation at the end of the run (optional). */
    readonly heldout?: string;
    /**
     * Share of the words dropped from each training statement (seeded by the run's seed, one draw
     * per problem; parameter-bearing words and the input/output line are kept). For a warm start
     * that has memorised the training statements: on them every episode succeeds at turn 1 and RL
     * gets no signal; on thinned statements the first answer is often wrong and the feedback
     * shows what the task is. Default 0 (statements as written).
     */
    readonly statementDropout?: number;
  };
  /** Where the policy starts: a checkpoint folder (ours or a Hugging Face Llama folder), or a fresh model. */
  readonly model:
    | { readonly checkpoint: string; readonly fallback?: { readonly config: ModelConfig; readonly seed: number } }
    | { readonly config: ModelConfig; readonly seed: number };
  readonly rollout: {
    readonly maxTurns: number;
    readonly temperature: number;
    readonly topP: number;
    readonly maxNewTokens: number;
    /** Episodes in flight at once. */
    readonly concurrency: number;
    /** Most turns decoded together. */
    readonly maxGenerationBatch: number;
    /**
     * Decode in a worker thread with its own copy of the weights, so decoding overlaps the PPO
     * update on another core (default: when `training.maxPolicyLag` > 0).
     */
    readonly generationWorker?: boolean;
    readonly feedback: FeedbackMode;
    /**
     * Sampling temperature of turns 2 and later (default `temperature`): a retry sampled hotter
     * explores away from the failed program. The recorded log-probabilities stay temperature-1
     * ones, as with any temperature. *(beyond the paper)*
     */
    readonly retryTemperature?: number;
  };
  readonly training: {
    readonly iterations: number;
    readonly episodesPerIteration: number;
    /**
     * Episodes of each drawn problem, one after the other (default 1). With more than one, the
     * group baselines of `ppo.rl.baseline` ('group-mean', 'leave-one-out') compare a problem's
     * episodes with each other instead of asking a critic. Must divide `episodesPerIteration`.
     * *(beyond the paper)*
     */
    readonly rolloutsPerProblem?: number;
    readonly maxPolicyLag: number;
    readonly lr: number;
    readonly criticLr: number;
    readonly weightDecay: number;
    readonly warmupSteps: number;
    readonly maxGradNorm: number;
    readonly ppo: Partial<PpoOptions>;
    /** Save a checkpoint every this many iterations (and always at the end or on a graceful stop). */
    readonly checkpointEvery: number;
  };
  readonly exec: {
    readonly workers: number;
  };
  /** Held-out evaluation at the end of the run (skipped without `data.heldout`). */
  readonly evaluation?: {
    readonly rollouts: number;
    readonly temperature: number;
    readonly topP: number;
    readonly maxTurns: number;
    readonly limit?: number;
    /**
     * Also play both policies on the first this many training problems, statements thinned as the
     * run thinned them (`data.statementDropout` with the run's seed), with the same settings: what
     * RL learned on its own distribution, beside what carried over to the held-out split.
     */
    readonly trainingSample?: number;
  };
}

/** Identity with type checking: `export default definePipeline({ … })`. */
export function definePipeline(config: PipelineConfig): PipelineConfig {
  return config;
}
