/**
 * Progress without a terminal UI (CI, pipes, `--no-tui`, `--json`). Plain: one line per finished
 * iteration, a line whenever the run's status changes, and otherwise at most one status line per
 * `statusEveryMs`. JSON: one `IterationMetrics` object per line on stdout and nothing else there;
 * status changes go to stderr.
 */
import type { Observable } from 'rxjs';
import type { IterationMetrics, RunState, RunStatus } from '../pipeline/run-state.ts';
import { formatCount, formatDuration, formatMetric, formatPercent, sanitize } from './format.ts';
import type { Reporter } from './live.tsx';

/** Where reporter lines go: `process.stdout`, a file stream, or a test's collector. */
export interface TextSink {
  write(chunk: string): unknown;
}

/** Default least time between two periodic status lines. */
export const DEFAULT_STATUS_EVERY_MS = 10_000;

/** One line summing up a finished iteration. */
export function formatIterationLine(m: IterationMetrics, iterations: number): string {
  const byTurn = m.solveRateByTurn.map((r, t) => `@${t + 1} ${formatPercent(r)}`).join(' ');
  return [
    `iteration ${m.iteration}/${iterations}`,
    `reward ${formatMetric(m.reward)}`,
    `solve ${formatPercent(m.solveRate)}${byTurn === '' ? '' : ` (${byTurn})`}`,
    `fix@2 ${formatPercent(m.fixRateTurn2)}`,
    `kl ${formatMetric(m.kl)}`,
    `policy-loss ${formatMetric(m.policyLoss)}`,
    `value-loss ${formatMetric(m.valueLoss)}`,
    `entropy ${formatMetric(m.entropy)}`,
    `episodes ${m.episodes}`,
    `took ${formatDuration(m.wallMs)}`,
  ].join('  ');
}

/** One line on where the run stands now. */
export function formatStatusLine(s: RunState): string {
  const { progress: p, stages } = s;
  const parts = [
    `[${formatDuration(p.elapsedMs)}] ${s.status}`,
    `iteration ${Math.min(p.iteration, p.iterations)}/${p.iterations}`,
    `episodes ${p.episodesDone}/${p.episodesPerIteration}`,
    `in flight ${p.inFlight}`,
    `${formatCount(stages.generation.tokensPerSec)} tok/s`,
    `${formatCount(stages.execution.runsPerSec)} runs/s`,
    `pool ${stages.execution.running} running, ${stages.execution.queued} queued`,
  ];
  if (stages.execution.sandboxErrors > 0) parts.push(`sandbox errors ${stages.execution.sandboxErrors}`);
  parts.push(`eta ${formatDuration(p.etaMs)}`);
  const message = sanitize(s.message).replace(/\n/g, ' ').trim();
  if (message !== '') parts.push(message);
  return parts.join(' · ');
}

/** Handlers of one reporter; `onState` sees every state, unthrottled (it only prints now and then). */
interface ReporterHandlers {
  onState(state: RunState): void;
  onError(message: string): void;
  log(line: string): void;
}

function subscribeReporter(state$: Observable<RunState>, handlers: ReporterHandlers): Reporter {
  let resolve: () => void = () => undefined;
  const exited = new Promise<void>((r) => {
    resolve = r;
  });
  const subscription = state$.subscribe({
    next: (state) => {
      handlers.onState(state);
    },
    error: (error: unknown) => {
      handlers.onError(error instanceof Error ? error.message : String(error));
      resolve();
    },
    complete: () => {
      resolve();
    },
  });
  return {
    waitUntilExit: () => exited,
    unmount: () => {
      subscription.unsubscribe();
      resolve();
    },
    log: (line) => {
      handlers.log(line);
    },
  };
}

/** Tracks which iterations were already reported, by number (history may be bounded). */
function newIterations(state: RunState, reported: number): readonly IterationMetrics[] {
  return state.history.filter((m) => m.iteration > reported);
}

export interface PlainReporterOptions {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Least time between two periodic status lines (default 10 s); status changes print at once. */
  readonly statusEveryMs?: number;
  /** Clock for the status line period; tests pass their own. */
  readonly now?: () => number;
}

/** Plain progress lines on stdout; a stream failure on stderr. */
export function createPlainReporter(state$: Observable<RunState>, opts: PlainReporterOptions): Reporter {
  const { stdout, stderr, statusEveryMs = DEFAULT_STATUS_EVERY_MS, now = Date.now } = opts;
  let reported = 0;
  let status: RunStatus | null = null;
  let lastStatusAt = Number.NEGATIVE_INFINITY;
  return subscribeReporter(state$, {
    onState: (state) => {
      for (const m of newIterations(state, reported)) {
        stdout.write(`${formatIterationLine(m, state.progress.iterations)}\n`);
        reported = m.iteration;
      }
      const t = now();
      if (state.status !== status || t - lastStatusAt >= statusEveryMs) {
        stdout.write(`${formatStatusLine(state)}\n`);
        status = state.status;
        lastStatusAt = t;
      }
    },
    onError: (message) => {
      stderr.write(`state stream failed: ${message}\n`);
    },
    log: (line) => {
      stderr.write(`${line}\n`);
    },
  });
}

export interface JsonReporterOptions {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
}

/** One JSON `IterationMetrics` per line on stdout; status changes as plain lines on stderr. */
export function createJsonReporter(state$: Observable<RunState>, opts: JsonReporterOptions): Reporter {
  const { stdout, stderr } = opts;
  let reported = 0;
  let status: RunStatus | null = null;
  return subscribeReporter(state$, {
    onState: (state) => {
      for (const m of newIterations(state, reported)) {
        stdout.write(`${JSON.stringify(m)}\n`);
        reported = m.iteration;
      }
      if (state.status !== status) {
        stderr.write(`${formatStatusLine(state)}\n`);
        status = state.status;
      }
    },
    onError: (message) => {
      stderr.write(`state stream failed: ${message}\n`);
    },
    log: (line) => {
      stderr.write(`${line}\n`);
    },
  });
}
