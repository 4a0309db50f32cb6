/**
 * Picks how a run shows its progress: the live UI on a terminal, plain lines otherwise, or
 * JSON lines for machines. The CLI maps `--no-tui` to `plain` and `--json` to `json`.
 */
import { WriteStream } from 'node:tty';
import type { Observable } from 'rxjs';
import type { RunState } from '../pipeline/run-state.ts';
import { renderLiveUi, type LiveControls, type Reporter } from './live.tsx';
import { createJsonReporter, createPlainReporter, type TextSink } from './plain-progress.ts';

export type ReporterMode = 'tui' | 'plain' | 'json';

export interface ReporterOptions {
  /** `tui` falls back to `plain` when stdout is not a terminal, or in CI. */
  readonly mode: ReporterMode;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Keyboard of the live UI (default `process.stdin`); keys are off when it is not a terminal. */
  readonly stdin?: NodeJS.ReadStream;
  readonly controls: LiveControls;
  /** Plain mode: least time between two periodic status lines. */
  readonly statusEveryMs?: number;
  /** Live UI: least time between two frames. */
  readonly frameMs?: number;
  /** Environment checked for CI markers (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
}

/** True when `sink` is a terminal the live UI can draw on. */
export function isTerminal(sink: TextSink): sink is WriteStream {
  return sink instanceof WriteStream && sink.isTTY;
}

/**
 * True when the environment says this is a CI job (the rule ink itself applies). Ink then draws
 * only the last frame at exit, so a TTY there would show nothing until the end: plain lines are
 * the better choice.
 */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  const set = (key: string): boolean => key in env && env[key] !== '0' && env[key] !== 'false';
  return set('CI') || set('CONTINUOUS_INTEGRATION');
}

/** Starts the reporter for `opts.mode` on `state$`; it ends when the stream completes. */
export function createReporter(state$: Observable<RunState>, opts: ReporterOptions): Reporter {
  const { mode, stdout, stderr } = opts;
  if (mode === 'json') return createJsonReporter(state$, { stdout, stderr });
  if (mode === 'tui' && isTerminal(stdout) && !isCi(opts.env ?? process.env)) {
    return renderLiveUi(state$, opts.controls, {
      stdout,
      ...(isTerminal(stderr) ? { stderr } : {}),
      ...(opts.stdin === undefined ? {} : { stdin: opts.stdin }),
      ...(opts.frameMs === undefined ? {} : { frameMs: opts.frameMs }),
    });
  }
  return createPlainReporter(state$, {
    stdout,
    stderr,
    ...(opts.statusEveryMs === undefined ? {} : { statusEveryMs: opts.statusEveryMs }),
  });
}
