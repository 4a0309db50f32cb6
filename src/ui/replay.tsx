/**
 * Mounts the replay browser on a terminal until the user quits with `q` (or Ctrl+C).
 */
import { render } from 'ink';
import { ReplayApp } from './replay-app.tsx';
import type { ReplayData, ReplayFilters } from './replay-model.ts';

export interface ReplayUiOptions {
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  readonly stderr?: NodeJS.WriteStream;
  readonly initialFilters?: ReplayFilters;
  /** Reads the log again when the user presses `r`. */
  readonly reload?: () => Promise<ReplayData>;
}

/** Renders the browser and settles once the user has quit and the terminal is restored. */
export async function runReplayUi(data: ReplayData, opts: ReplayUiOptions = {}): Promise<void> {
  const { stdout = process.stdout, stdin = process.stdin, stderr = process.stderr } = opts;
  const instance = render(
    <ReplayApp
      data={data}
      {...(opts.initialFilters === undefined ? {} : { initialFilters: opts.initialFilters })}
      {...(opts.reload === undefined ? {} : { reload: opts.reload })}
    />,
    { stdout, stdin, stderr, exitOnCtrlC: true },
  );
  await instance.waitUntilExit();
}
