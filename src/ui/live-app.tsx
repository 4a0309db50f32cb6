/**
 * The live UI's root component. It reads the run's state stream (throttled to a bounded frame
 * rate) and the keyboard; it never changes the run itself: `q`, `p` go to injected controls.
 * Keys: `q` (or Ctrl+C) asks for a graceful stop and gives the keyboard back to the terminal,
 * `p` toggles pause, `tab` / `shift+tab` move the focus, and the focused panel is expanded.
 */
import { Box, Text, useApp, useInput, useStdin, useStdout } from 'ink';
import { useEffect, useState, type ReactNode } from 'react';
import type { Observable, SchedulerLike } from 'rxjs';
import type { RunState } from '../pipeline/run-state.ts';
import { EpisodesPanel } from './episodes-panel.tsx';
import { sanitize, wrapRows } from './format.ts';
import { Header } from './header.tsx';
import { computeLayout, nextPanel, type Layout, type PanelId } from './layout.ts';
import { LearningPanel } from './learning-panel.tsx';
import { ProgressBars } from './progress-bars.tsx';
import { StagesPanel } from './stages-panel.tsx';
import { DEFAULT_FRAME_MS, throttleState } from './throttle-state.ts';

/** What the UI may ask of the pipeline; the pipeline decides what happens. */
export interface LiveControls {
  /** Finish the work in flight, then end the run (the state goes `stopping`, then `done`). */
  stop(): void;
  /** Pause taking new work, or resume it. */
  togglePause(): void;
}

export interface LiveAppProps {
  readonly state$: Observable<RunState>;
  readonly controls: LiveControls;
  /** Least time between two frames, in ms (default 200: at most 5 renders a second). */
  readonly frameMs?: number;
  /** Scheduler of the frame throttle; tests pass a virtual-time one. */
  readonly scheduler?: SchedulerLike;
  readonly initialFocus?: PanelId;
  /** Fixed terminal size; by default read from stdout and followed on resize. */
  readonly columns?: number;
  readonly rows?: number;
}

interface View {
  readonly state: RunState | null;
  readonly inFlightPeak: number;
  /** Set once the stream has ended; `error` when it failed. */
  readonly ended: { readonly error: string | null } | null;
}

function useRunView(state$: Observable<RunState>, frameMs: number, scheduler: SchedulerLike | undefined): View {
  const [view, setView] = useState<View>({ state: null, inFlightPeak: 0, ended: null });
  useEffect(() => {
    const subscription = state$.pipe(throttleState<RunState>(frameMs, scheduler)).subscribe({
      next: (state) => {
        setView((v) => ({ ...v, state, inFlightPeak: Math.max(v.inFlightPeak, state.progress.inFlight) }));
      },
      error: (error: unknown) => {
        setView((v) => ({ ...v, ended: { error: error instanceof Error ? error.message : String(error) } }));
      },
      complete: () => {
        setView((v) => ({ ...v, ended: { error: null } }));
      },
    });
    return () => {
      subscription.unsubscribe();
    };
  }, [state$, frameMs, scheduler]);
  return view;
}

interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

function measureTerminal(stdout: NodeJS.WriteStream): TerminalSize {
  // Off a terminal nothing scrolls out of sight, so the height is not a limit.
  return { columns: stdout.columns || 80, rows: stdout.isTTY ? stdout.rows || 24 : Number.POSITIVE_INFINITY };
}

/** The terminal size, followed on resize; `columns` / `rows` props override it. */
function useTerminalSize(columns: number | undefined, rows: number | undefined): TerminalSize {
  const { stdout } = useStdout();
  const [measured, setMeasured] = useState(() => measureTerminal(stdout));
  useEffect(() => {
    const onResize = (): void => {
      setMeasured(measureTerminal(stdout));
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return { columns: columns ?? measured.columns, rows: rows ?? measured.rows };
}

/** Untrusted text on one line. */
function flat(text: string): string {
  return sanitize(text).replace(/\s*\n\s*/g, ' ').trim();
}

interface FooterProps {
  readonly width: number;
  readonly state: RunState | null;
  readonly focus: PanelId;
  readonly keys: boolean;
  readonly stopRequested: boolean;
  readonly ended: View['ended'];
}

function Footer({ width, state, focus, keys, stopRequested, ended }: FooterProps): ReactNode {
  let line: ReactNode;
  if (state?.status === 'failed') {
    // The reason a run failed is the one line the user must read in full, so it may wrap, up
    // to three rows: a stack trace would push the frame past the terminal's height.
    const rows = wrapRows(`✖ run failed: ${flat(state.message)}`, width, 3);
    return (
      <Box width={width} flexDirection="column">
        {rows.map((row, i) => (
          <Text key={i} color="red" wrap="truncate-end">
            {row}
          </Text>
        ))}
      </Box>
    );
  }
  if (ended?.error != null) line = <Text color="red">state stream failed: {flat(ended.error)}</Text>;
  else if (ended !== null) line = <Text color="gray">run ended</Text>;
  else if (stopRequested) {
    line = <Text color="yellow">stop requested · finishing the work in flight · keys released (Ctrl+C interrupts)</Text>;
  } else if (!keys) line = <Text color="gray">keys off: stdin is not a terminal</Text>;
  else {
    const pause = state?.status === 'paused' ? 'resume' : 'pause';
    line = (
      <Text color="gray">
        <Text bold>q</Text> stop · <Text bold>p</Text> {pause} · <Text bold>tab</Text> next panel (focus: {focus})
      </Text>
    );
  }
  return (
    <Box width={width}>
      <Text wrap="truncate-end">{line}</Text>
    </Box>
  );
}

function Panels({ state, layout, focus }: { state: RunState; layout: Layout; focus: PanelId }): ReactNode {
  const { show } = layout;
  // Side by side only when both are shown; a lone panel takes the full width.
  const paired = layout.sideBySide && show.stages && show.learning;
  const stages = show.stages ? (
    <StagesPanel state={state} width={paired ? layout.stagesWidth : layout.columns} focused={focus === 'stages'} />
  ) : null;
  const learning = show.learning ? (
    <LearningPanel state={state} width={paired ? layout.learningWidth : layout.columns} focused={focus === 'learning'} />
  ) : null;
  return (
    <>
      {paired ? (
        <Box>
          {stages}
          <Box width={1} />
          {learning}
        </Box>
      ) : (
        <>
          {stages}
          {learning}
        </>
      )}
      {show.episodes ? (
        <EpisodesPanel state={state} width={layout.columns} focused={focus === 'episodes'} rows={layout.episodeRows} />
      ) : null}
    </>
  );
}

/** The whole live UI. Exits (unmounting, which restores the terminal) when the stream ends. */
export function LiveApp({
  state$,
  controls,
  frameMs = DEFAULT_FRAME_MS,
  scheduler,
  initialFocus = 'learning',
  columns,
  rows,
}: LiveAppProps): ReactNode {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const view = useRunView(state$, frameMs, scheduler);
  const size = useTerminalSize(columns, rows);
  const [focus, setFocus] = useState<PanelId>(initialFocus);
  const [stopRequested, setStopRequested] = useState(false);

  useInput(
    (input, key) => {
      if (input === 'q' || (key.ctrl && input === 'c')) {
        setStopRequested(true);
        controls.stop();
      } else if (input === 'p') {
        controls.togglePause();
      } else if (key.tab) {
        setFocus((f) => nextPanel(f, key.shift ? -1 : 1));
      }
    },
    // Inactive input releases raw mode: after a stop request a second Ctrl+C is a real SIGINT.
    { isActive: isRawModeSupported === true && !stopRequested && view.ended === null },
  );

  useEffect(() => {
    // Exit after the final frame has been committed, so it stays on the screen.
    if (view.ended !== null) exit();
  }, [view.ended, exit]);

  const layout = computeLayout({ columns: size.columns, rows: size.rows, focus });
  const footer = (
    <Footer
      width={layout.columns}
      state={view.state}
      focus={focus}
      keys={isRawModeSupported === true}
      stopRequested={stopRequested}
      ended={view.ended}
    />
  );
  if (view.state === null) {
    return (
      <Box flexDirection="column" width={layout.columns}>
        <Text color="gray">rlef · waiting for the run to report its state…</Text>
        {footer}
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={layout.columns}>
      <Header state={view.state} width={layout.columns} />
      <ProgressBars state={view.state} width={layout.columns} inFlightPeak={view.inFlightPeak} />
      <Panels state={view.state} layout={layout} focus={focus} />
      {footer}
    </Box>
  );
}
