/**
 * The state stream's snapshot type: what a run tells the outside world (TUI, JSONL metrics, --json).
 * The pipeline emits a new `RunState` whenever something changes; readers never mutate it.
 * Plain data only, so it can be recorded to JSON and replayed in UI tests.
 */

/** Metrics of one finished PPO iteration (one collection of episodes and its updates). */
export interface IterationMetrics {
  /** 1-based: the i-th iteration of the run (the Arrow log's `iteration` column is this minus 1). */
  readonly iteration: number;
  readonly episodes: number;
  /** Mean total (per-episode summed) reward, KL penalty included. */
  readonly reward: number;
  /** Fraction of episodes solved (final answer passes all tests). */
  readonly solveRate: number;
  /** solveRateByTurn[t] = fraction of episodes solved within the first t+1 turns. */
  readonly solveRateByTurn: readonly number[];
  /** Share of episodes whose turn-1 answer failed that were fixed at turn 2. */
  readonly fixRateTurn2: number;
  readonly kl: number;
  readonly policyLoss: number;
  readonly valueLoss: number;
  readonly entropy: number;
  readonly clipFraction: number;
  readonly meanTurns: number;
  readonly invalidRate: number;
  readonly wallMs: number;
}

/** Throughput and load of each stage, for the stages panel. */
export interface StageStats {
  readonly generation: { readonly tokensPerSec: number; readonly busyMs: number; readonly tokens: number };
  readonly execution: {
    readonly runsPerSec: number;
    readonly busyMs: number;
    readonly running: number;
    readonly queued: number;
    readonly sandboxErrors: number;
  };
  readonly training: { readonly busyMs: number; readonly updates: number };
  /** Items waiting between stages (to generate, to execute, in the batcher). */
  readonly queues: { readonly generate: number; readonly execute: number; readonly batcher: number };
}

/** One turn of a recent episode, for the episodes panel. */
export interface TurnSummary {
  readonly code: string | null;
  readonly verdict: string;
  readonly feedback: string | null;
}

export interface EpisodeSummary {
  readonly episodeId: string;
  readonly problemId: string;
  readonly iteration: number;
  readonly solved: boolean;
  readonly reward: number;
  readonly turns: readonly TurnSummary[];
}

export type RunStatus = 'starting' | 'running' | 'paused' | 'stopping' | 'done' | 'failed';

export interface RunState {
  readonly run: {
    readonly id: string;
    readonly mode: 'train' | 'eval';
    readonly pipeline: string;
    readonly backend: string;
    readonly outDir: string;
    readonly startedAt: number;
  };
  readonly status: RunStatus;
  /** A line for the user: what is happening now, or why the run failed. */
  readonly message: string;
  readonly progress: {
    /** 1-based number of the iteration being collected (0 before the first starts). */
    readonly iteration: number;
    readonly iterations: number;
    /** Episodes of the current iteration that have finished. */
    readonly episodesDone: number;
    readonly episodesPerIteration: number;
    readonly inFlight: number;
    readonly elapsedMs: number;
    /** Estimated time to the end of the run, when it can be estimated. */
    readonly etaMs: number | null;
  };
  readonly stages: StageStats;
  /** One entry per finished iteration, oldest first. */
  readonly history: readonly IterationMetrics[];
  /** The latest episodes, newest first (bounded). */
  readonly recent: readonly EpisodeSummary[];
}
