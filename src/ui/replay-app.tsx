/**
 * `rlef replay`'s browser: a filtered list of episodes and, on enter, one episode turn by turn.
 * It only reads the log it is given (and reads it again on `r` when a `reload` is passed, to
 * follow a run that is still writing). Keys are listed in the footer of each view.
 */
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useEffect, useReducer, type ReactNode } from 'react';
import { sanitize } from './format.ts';
import { EPISODE_HEAD_ROWS, ReplayEpisode } from './replay-episode.tsx';
import { ReplayList } from './replay-list.tsx';
import { describeFilters, NO_FILTERS, readNote, type ReplayData, type ReplayFilters } from './replay-model.ts';
import { initialReplayState, replayReducer, visible, type ReplayView } from './replay-state.ts';

export interface ReplayAppProps {
  readonly data: ReplayData;
  readonly initialFilters?: ReplayFilters;
  /** Reads the log again (for `r`); absent, `r` does nothing. */
  readonly reload?: () => Promise<ReplayData>;
  /** Fixed terminal size; by default read from stdout. */
  readonly columns?: number;
  readonly rows?: number;
}

/** Rows around the content: header, filter line, footer, and one spare so ink never scrolls. */
const CHROME_ROWS = 4;

function Footer({ view, canReload, searching }: { view: ReplayView; canReload: boolean; searching: boolean }): ReactNode {
  const k = (key: string, what: string): ReactNode => (
    <Text key={key}>
      <Text bold>{key}</Text> {what} ·{' '}
    </Text>
  );
  let keys: ReactNode[];
  if (searching) keys = [k('enter', 'apply'), k('esc', 'cancel'), k('backspace', 'delete')];
  else if (view.mode === 'list') {
    keys = [k('↑↓/j/k', 'move'), k('enter', 'open'), k('f', 'solved/failed'), k('t', 'turns'), k('/', 'search problem id')];
    if (canReload) keys.push(k('r', 'reload'));
  } else keys = [k('←/→', 'turns'), k('↑↓/j/k', 'scroll'), k('esc', 'back to list')];
  return (
    <Text color="gray" wrap="truncate-end">
      {keys}
      <Text bold>q</Text> quit
    </Text>
  );
}

/** The replay browser. */
export function ReplayApp({ data: initialData, initialFilters = NO_FILTERS, reload, columns, rows }: ReplayAppProps): ReactNode {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const width = Math.max(40, columns ?? (stdout.columns || 80));
  const height = Math.max(CHROME_ROWS + EPISODE_HEAD_ROWS + 2, rows ?? (stdout.rows || 24));
  const contentRows = height - CHROME_ROWS;
  const bodyRows = contentRows - EPISODE_HEAD_ROWS;
  const [state, dispatch] = useReducer(replayReducer, undefined, () => initialReplayState(initialData, initialFilters));
  const { data, filters, view, search, notice } = state;
  const shown = visible(state);
  const open = view.mode === 'episode' ? data.episodes.find((e) => e.key === view.key) : undefined;

  useInput((input, key) => {
    const geometry = { width, listRows: contentRows, bodyRows };
    // Keys typed faster than they are read (or pasted) arrive as one chunk, e.g. "jj\r": ink
    // passes it whole, so it is split here into the keys it is made of.
    const keys = input.length > 1 && key.ctrl !== true && key.meta !== true ? [...input] : [input];
    for (const k of keys) {
      const enter = keys.length > 1 && (k === '\r' || k === '\n');
      dispatch({ type: 'key', input: enter ? '' : k, key: enter ? { ...key, return: true } : key, geometry, canReload: reload !== undefined });
    }
  });

  useEffect(() => {
    if (state.quit) exit();
  }, [state.quit, exit]);

  useEffect(() => {
    if (state.reloads === 0 || reload === undefined) return;
    reload().then(
      (next) => {
        dispatch({ type: 'reloaded', data: next });
      },
      (error: unknown) => {
        dispatch({ type: 'notice', text: `reload failed: ${error instanceof Error ? error.message : String(error)}` });
      },
    );
  }, [state.reloads, reload]);

  const note = readNote(data);
  const header = (
    <Text wrap="truncate-end">
      <Text bold color="magenta">rlef replay</Text>
      <Text> {sanitize(data.source)} </Text>
      <Text color="gray">
        · {data.episodes.length} episodes · {shown.episodes.length} shown
      </Text>
      {note === '' ? null : <Text color="yellow"> · {note}</Text>}
      {notice === '' ? null : <Text color="cyan"> · {notice}</Text>}
    </Text>
  );
  const filterLine =
    search !== null ? (
      <Text wrap="truncate-end">
        <Text color="cyan">/ problem id contains: </Text>
        {sanitize(search)}
        <Text inverse> </Text>
      </Text>
    ) : (
      <Text color="gray" wrap="truncate-end">
        filter: {describeFilters(filters)}
      </Text>
    );
  return (
    <Box flexDirection="column" width={width}>
      {header}
      {filterLine}
      {view.mode === 'episode' && open !== undefined ? (
        <ReplayEpisode episode={open} turn={view.turn} scroll={view.scroll} rows={bodyRows} width={width} />
      ) : (
        <ReplayList episodes={shown.episodes} selected={shown.selected} rows={contentRows} width={width} />
      )}
      <Footer view={view} canReload={reload !== undefined} searching={search !== null} />
    </Box>
  );
}
