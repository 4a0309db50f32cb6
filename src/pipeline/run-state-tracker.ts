/**
 * Folds loop events into `RunState` snapshots: progress, per-iteration metrics, recent episodes.
 * Pure bookkeeping (no I/O, no clocks of its own: callers pass `now`), so it is tested directly
 * and the UI, the JSONL metrics file and `--json` all read the same numbers.
 */
import type { Episode } from './episode.ts';
import { turnScore } from '../rl/turn-rewards.ts';
import type { LoopEvent } from './training-loop.ts';
import type { EpisodeSummary, IterationMetrics, RunState, RunStatus, StageStats } from './run-state.ts';

export interface RunInfo {
  readonly id: string;
  readonly mode: 'train' | 'eval';
  readonly pipeline: string;
  readonly backend: string;
  readonly outDir: string;
  readonly startedAt: number;
}

interface IterationAccumulator {
  episodes: number;
  solved: number;
  solvedWithin: number[];
  turn1Failed: number;
  fixedAtTurn2: number;
  reward: number;
  turns: number;
  invalidTurns: number;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  kl: number;
  clipFraction: number;
  weight: number;
  startedAt: number;
}

export const EMPTY_STAGES: StageStats = {
  generation: { tokensPerSec: 0, busyMs: 0, tokens: 0 },
  execution: { runsPerSec: 0, busyMs: 0, running: 0, queued: 0, sandboxErrors: 0 },
  training: { busyMs: 0, updates: 0 },
  queues: { generate: 0, execute: 0, batcher: 0 },
};

/** Keeps the running state of one run. */
export class RunStateTracker {
  private state: RunState;
  private readonly maxTurns: number;
  private readonly recentLimit: number;
  private readonly open = new Map<number, IterationAccumulator>();
  private inFlight = 0;
  /** Episodes finished per iteration (0-based index), for the progress bar of the current one. */
  private readonly finishedIn = new Map<number, number>();
  /** Stage counters the loop events tell (the runtime adds what only the pool and generator know). */
  private readonly counted = { execMs: 0, sandboxErrors: 0, trainMs: 0, finished: 0, trained: 0 };
  private iterationsFinishedHere = 0;
  private nextUnfinished: number;
  private readonly resumedAt: number;

  constructor(
    info: RunInfo,
    options: {
      readonly iterations: number;
      readonly episodesPerIteration: number;
      readonly startIteration?: number;
      readonly maxTurns: number;
      readonly history?: readonly IterationMetrics[];
      readonly recentLimit?: number;
    },
  ) {
    this.maxTurns = options.maxTurns;
    this.recentLimit = options.recentLimit ?? 8;
    this.resumedAt = info.startedAt;
    this.nextUnfinished = options.startIteration ?? 0;
    this.state = {
      run: info,
      status: 'starting',
      message: 'starting',
      progress: {
        iteration: options.startIteration ?? 0,
        iterations: options.iterations,
        episodesDone: 0,
        episodesPerIteration: options.episodesPerIteration,
        inFlight: 0,
        elapsedMs: 0,
        etaMs: null,
      },
      stages: EMPTY_STAGES,
      history: options.history ?? [],
      recent: [],
    };
  }

  get current(): RunState {
    return this.state;
  }

  /** Execution and training time, sandbox faults, and episodes waiting for the learner, so far. */
  get counters(): { readonly execMs: number; readonly sandboxErrors: number; readonly trainMs: number; readonly waitingForUpdate: number } {
    const c = this.counted;
    return { execMs: c.execMs, sandboxErrors: c.sandboxErrors, trainMs: c.trainMs, waitingForUpdate: c.finished - c.trained };
  }

  /** Sets the status line. */
  status(status: RunStatus, message: string, now: number): RunState {
    this.state = { ...this.state, status, message, progress: this.timed(this.state.progress, now) };
    return this.state;
  }

  /** Replaces the stage statistics (sampled by the runtime). */
  stages(stages: StageStats, now: number): RunState {
    this.state = { ...this.state, stages, progress: this.timed(this.state.progress, now) };
    return this.state;
  }

  /**
   * Applies one loop event; returns the new snapshot and the metrics of the iterations it finished
   * (in order; one update can finish two when its batch holds the tail of one iteration and the
   * head of the next).
   */
  apply(event: LoopEvent, now: number): { state: RunState; finished: IterationMetrics[] } {
    let finished: IterationMetrics[] = [];
    let progress = this.state.progress;
    let recent = this.state.recent;
    if (event.type === 'episode-start') {
      this.inFlight++;
      this.accumulator(event.start.iteration, now);
      const iteration = Math.max(progress.iteration, event.start.iteration + 1);
      progress = { ...progress, iteration, episodesDone: this.finishedIn.get(iteration - 1) ?? 0 };
    } else if (event.type === 'episode') {
      this.inFlight = Math.max(0, this.inFlight - 1);
      this.counted.finished++;
      for (const t of event.episode.turns) {
        this.counted.execMs += t.execMs;
        if (t.verdict === 'sandbox_error') this.counted.sandboxErrors++;
      }
      if (event.episode.finalVerdict === 'sandbox_error') this.counted.sandboxErrors++;
      const done = (this.finishedIn.get(event.episode.iteration) ?? 0) + 1;
      this.finishedIn.set(event.episode.iteration, done);
      // The bar shows the iteration being collected (progress.iteration is 1-based).
      progress = { ...progress, episodesDone: this.finishedIn.get(progress.iteration - 1) ?? 0 };
      recent = [summarize(event.episode), ...recent].slice(0, this.recentLimit);
    } else {
      this.counted.trainMs += event.update.metrics.ms;
      this.counted.trained += event.batch.length;
      finished = this.applyUpdate(event.batch, event.update, now);
    }
    this.state = {
      ...this.state,
      status: this.state.status === 'starting' ? 'running' : this.state.status,
      progress: this.timed({ ...progress, inFlight: this.inFlight }, now),
      recent,
      history: finished.length === 0 ? this.state.history : [...this.state.history, ...finished],
    };
    return { state: this.state, finished };
  }

  private applyUpdate(
    batch: readonly Episode[],
    update: Extract<LoopEvent, { type: 'update' }>['update'],
    now: number,
  ): IterationMetrics[] {
    const finished: IterationMetrics[] = [];
    batch.forEach((episode, i) => {
      const acc = this.accumulator(episode.iteration, now);
      const stats = update.turnStats[i] ?? [];
      acc.episodes++;
      if (episode.solved) acc.solved++;
      for (let t = 0; t < this.maxTurns; t++) if (episode.solved && episode.turns.length <= t + 1) acc.solvedWithin[t]!++;
      const first = episode.turns[0];
      if (first !== undefined && first.verdict !== 'passed') {
        acc.turn1Failed++;
        if (episode.turns[1]?.verdict === 'passed') acc.fixedAtTurn2++;
      }
      acc.reward += stats.reduce((s, t) => s + t.reward, 0);
      acc.turns += episode.turns.length;
      acc.invalidTurns += episode.turns.filter((t) => t.verdict === 'invalid').length;
      const w = 1 / Math.max(1, batch.length);
      acc.policyLoss += w * update.metrics.policyLoss;
      acc.valueLoss += w * update.metrics.valueLoss;
      acc.entropy += w * update.metrics.entropy;
      acc.kl += w * update.metrics.kl;
      acc.clipFraction += w * update.metrics.clipFraction;
      acc.weight += w;
    });
    for (const [iteration, acc] of [...this.open].sort((a, b) => a[0] - b[0])) {
      if (acc.episodes < this.state.progress.episodesPerIteration) continue;
      this.open.delete(iteration);
      finished.push(this.finish(iteration, acc, now));
    }
    return finished;
  }

  /** Metrics of a partly trained iteration (a graceful stop mid-iteration), if any. */
  flushPartial(now: number): IterationMetrics | null {
    let finished: IterationMetrics | null = null;
    for (const [iteration, acc] of this.open) {
      this.open.delete(iteration);
      if (acc.episodes > 0) finished = this.finish(iteration, acc, now);
    }
    if (finished !== null) this.state = { ...this.state, history: [...this.state.history, finished] };
    return finished;
  }

  private finish(iteration: number, acc: IterationAccumulator, now: number): IterationMetrics {
    this.iterationsFinishedHere++;
    this.nextUnfinished = Math.max(this.nextUnfinished, iteration + 1);
    const n = Math.max(1, acc.episodes);
    const w = acc.weight > 0 ? acc.weight : 1;
    return {
      iteration: iteration + 1,
      episodes: acc.episodes,
      reward: acc.reward / n,
      solveRate: acc.solved / n,
      solveRateByTurn: acc.solvedWithin.map((s) => s / n),
      fixRateTurn2: acc.turn1Failed === 0 ? 0 : acc.fixedAtTurn2 / acc.turn1Failed,
      kl: acc.kl / w,
      policyLoss: acc.policyLoss / w,
      valueLoss: acc.valueLoss / w,
      entropy: acc.entropy / w,
      clipFraction: acc.clipFraction / w,
      meanTurns: acc.turns / n,
      invalidRate: acc.turns === 0 ? 0 : acc.invalidTurns / acc.turns,
      wallMs: now - acc.startedAt,
    };
  }

  private accumulator(iteration: number, now: number): IterationAccumulator {
    let acc = this.open.get(iteration);
    if (acc === undefined) {
      acc = {
        episodes: 0,
        solved: 0,
        solvedWithin: new Array<number>(this.maxTurns).fill(0),
        turn1Failed: 0,
        fixedAtTurn2: 0,
        reward: 0,
        turns: 0,
        invalidTurns: 0,
        policyLoss: 0,
        valueLoss: 0,
        entropy: 0,
        kl: 0,
        clipFraction: 0,
        weight: 0,
        startedAt: now,
      };
      this.open.set(iteration, acc);
    }
    return acc;
  }

  private timed(progress: RunState['progress'], now: number): RunState['progress'] {
    const elapsedMs = now - this.state.run.startedAt;
    const remaining = progress.iterations - this.nextUnfinished;
    const perIteration = this.iterationsFinishedHere > 0 ? (now - this.resumedAt) / this.iterationsFinishedHere : null;
    return { ...progress, elapsedMs, etaMs: perIteration === null ? null : Math.max(0, remaining) * perIteration };
  }
}

function summarize(episode: Episode): EpisodeSummary {
  return {
    episodeId: episode.id,
    problemId: episode.draw.problem.id,
    iteration: episode.iteration,
    solved: episode.solved,
    // The environment's reward (RLEF.md §2 without the KL term, which only the learner knows).
    reward: episode.turns.reduce((sum, t, i) => sum + turnScore(i === episode.turns.length - 1, episode.solved, t.code !== null), 0),
    turns: episode.turns.map((t) => ({ code: t.code, verdict: t.verdict, feedback: t.feedback })),
  };
}
