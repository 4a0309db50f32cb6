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
  /** `tui` falls back to `plain` when stdout is not a terminal. */
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
}

/** True when `sink` is a terminal the live UI can draw on. */
export function isTerminal(sink: TextSink): sink is WriteStream {
  return sink instanceof WriteStream && sink.isTTY;
}

/** Starts the reporter for `opts.mode` on `state$`; it ends when the stream completes. */
export function createReporter(state$: Observable<RunState>, opts: ReporterOptions): Reporter {
  const { mode, stdout, stderr } = opts;
  if (mode === 'json') return createJsonReporter(state$, { stdout, stderr });
  if (mode === 'tui' && isTerminal(stdout)) {
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
