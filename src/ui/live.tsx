/**
 * Mounts the live terminal UI on a run's state stream. The UI only reads the stream; the keys it
 * offers act through `controls`. It unmounts by itself when the stream ends.
 */
import { render } from 'ink';
import type { Observable, SchedulerLike } from 'rxjs';
import type { RunState } from '../pipeline/run-state.ts';
import type { PanelId } from './layout.ts';
import { LiveApp, type LiveControls } from './live-app.tsx';

export type { LiveControls } from './live-app.tsx';

/** A mounted UI or reporter: wait for it to end, or end it. */
export interface Reporter {
  /**
   * Settles once the UI has exited (the stream completed, or `unmount` was called) and the
   * terminal is restored. Resolves also when the stream errored: the error is shown, and the
   * pipeline, not the UI, is the one to report it as the run's outcome.
   */
  waitUntilExit(): Promise<void>;
  /** Ends the UI now, restoring the terminal. Idempotent. */
  unmount(): void;
  /**
   * Shows a line to the user (a warning, "checkpoint saved") without tearing the live frame:
   * the live UI prints it above the frame; the other reporters write it to stderr. Writing to
   * stderr directly while the live UI is up would leave stale copies of the frame behind.
   */
  log(line: string): void;
}

export interface LiveUiOptions {
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  readonly stderr?: NodeJS.WriteStream;
  /** Least time between two frames, in ms (default 200, i.e. at most 5 frames a second). */
  readonly frameMs?: number;
  readonly scheduler?: SchedulerLike;
  readonly initialFocus?: PanelId;
}

/**
 * Renders the live UI to a terminal until `state$` completes (or errors) or `unmount()`.
 * Raw mode is taken only while keys are live and released on `q`, on completion and on unmount;
 * ink restores the cursor and leaves the final frame on the screen.
 */
export function renderLiveUi(
  state$: Observable<RunState>,
  controls: LiveControls,
  opts: LiveUiOptions = {},
): Reporter {
  const { stdout = process.stdout, stdin = process.stdin, stderr = process.stderr } = opts;
  const instance = render(
    <LiveApp
      state$={state$}
      controls={controls}
      {...(opts.frameMs === undefined ? {} : { frameMs: opts.frameMs })}
      {...(opts.scheduler === undefined ? {} : { scheduler: opts.scheduler })}
      {...(opts.initialFocus === undefined ? {} : { initialFocus: opts.initialFocus })}
    />,
    // Ctrl+C is handled by the app as a stop request (then given back to the terminal), so the
    // pipeline gets the chance to finish cleanly instead of the UI vanishing under it.
    { stdout, stdin, stderr, exitOnCtrlC: false },
  );
  // Asked for at once: ink creates its exit promise lazily, and one first asked for after the
  // app has exited would never settle.
  let live = true;
  const exited = instance.waitUntilExit().then(() => {
    live = false;
  });
  return {
    waitUntilExit: () => exited,
    unmount: () => {
      live = false;
      instance.unmount();
    },
    log: (line) => {
      // While mounted, ink has patched the console: it clears the frame, prints, and redraws.
      if (live) console.error('%s', line);
      else stderr.write(`${line}\n`);
    },
  };
}
