/**
 * `rlef replay`'s browser: a filtered list of episodes and, on enter, one episode turn by turn.
 * It only reads the log it is given (and reads it again on `r` when a `reload` is passed, to
 * follow a run that is still writing). Keys are listed in the footer of each view.
 */
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useState, type ReactNode } from 'react';
import { sanitize } from './format.ts';
import { EPISODE_HEAD_ROWS, maxScroll, ReplayEpisode } from './replay-episode.tsx';
import { ReplayList } from './replay-list.tsx';
import {
  describeFilters,
  filterEpisodes,
  nextOutcome,
  nextTurns,
  NO_FILTERS,
  readNote,
  type ReplayData,
  type ReplayFilters,
} from './replay-model.ts';

export interface ReplayAppProps {
  readonly data: ReplayData;
  readonly initialFilters?: ReplayFilters;
  /** Reads the log again (for `r`); absent, `r` does nothing. */
  readonly reload?: () => Promise<ReplayData>;
  /** Fixed terminal size; by default read from stdout. */
  readonly columns?: number;
  readonly rows?: number;
}

type View = { readonly mode: 'list' } | { readonly mode: 'episode'; readonly key: string; readonly turn: number; readonly scroll: number };

/** Rows around the content: header, filter line, footer, and one spare so ink never scrolls. */
const CHROME_ROWS = 4;

function Footer({ view, canReload, searching }: { view: View; canReload: boolean; searching: boolean }): ReactNode {
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
  const [data, setData] = useState(initialData);
  const [filters, setFilters] = useState(initialFilters);
  const [selected, setSelected] = useState(0);
  const [view, setView] = useState<View>({ mode: 'list' });
  const [search, setSearch] = useState<string | null>(null);
  const [notice, setNotice] = useState('');

  const shown = filterEpisodes(data.episodes, filters);
  const maxTurns = data.episodes.reduce((m, e) => Math.max(m, e.numTurns), 0);
  const contentRows = height - CHROME_ROWS;
  const bodyRows = contentRows - EPISODE_HEAD_ROWS;
  const open = view.mode === 'episode' ? data.episodes.find((e) => e.key === view.key) : undefined;
  const current = Math.min(selected, Math.max(0, shown.length - 1));

  const applyFilters = (next: ReplayFilters): void => {
    // Keep the selected episode selected when it still passes the filters.
    const key = shown[current]?.key;
    const after = filterEpisodes(data.episodes, next);
    setFilters(next);
    setSelected(Math.max(0, after.findIndex((e) => e.key === key)));
  };

  useInput((input, key) => {
    if (search !== null) {
      if (key.return) {
        applyFilters({ ...filters, problem: search });
        setSearch(null);
      } else if (key.escape) setSearch(null);
      else if (key.backspace || key.delete) setSearch(search.slice(0, -1));
      else if (input !== '' && !key.ctrl && !key.meta) setSearch(search + input);
      return;
    }
    if (input === 'q') {
      exit();
      return;
    }
    if (view.mode === 'episode' && open !== undefined) {
      const limit = maxScroll(open, view.turn, width, bodyRows);
      if (key.escape || key.backspace || key.delete) setView({ mode: 'list' });
      else if (key.leftArrow || input === 'h') setView({ ...view, turn: Math.max(0, view.turn - 1), scroll: 0 });
      else if (key.rightArrow || input === 'l') setView({ ...view, turn: Math.min(open.numTurns - 1, view.turn + 1), scroll: 0 });
      else if (key.upArrow || input === 'k') setView({ ...view, scroll: Math.max(0, view.scroll - 1) });
      else if (key.downArrow || input === 'j') setView({ ...view, scroll: Math.min(limit, view.scroll + 1) });
      else if (key.pageUp) setView({ ...view, scroll: Math.max(0, view.scroll - bodyRows) });
      else if (key.pageDown || input === ' ') setView({ ...view, scroll: Math.min(limit, view.scroll + bodyRows) });
      return;
    }
    if (key.upArrow || input === 'k') setSelected(Math.max(0, current - 1));
    else if (key.downArrow || input === 'j') setSelected(Math.min(shown.length - 1, current + 1));
    else if (key.pageUp) setSelected(Math.max(0, current - contentRows));
    else if (key.pageDown) setSelected(Math.max(0, Math.min(shown.length - 1, current + contentRows)));
    else if (key.return) {
      const episode = shown[current];
      if (episode !== undefined) setView({ mode: 'episode', key: episode.key, turn: 0, scroll: 0 });
    } else if (input === 'f') applyFilters({ ...filters, outcome: nextOutcome(filters.outcome) });
    else if (input === 't') applyFilters({ ...filters, turns: nextTurns(filters.turns, maxTurns) });
    else if (input === '/') setSearch(filters.problem);
    else if (input === 'r' && reload !== undefined) {
      setNotice('reloading…');
      reload().then(
        (next) => {
          setData(next);
          setNotice(`reloaded: ${next.episodes.length} episodes`);
        },
        (error: unknown) => {
          setNotice(`reload failed: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
    }
  });

  const note = readNote(data);
  const header = (
    <Text wrap="truncate-end">
      <Text bold color="magenta">rlef replay</Text>
      <Text> {sanitize(data.source)} </Text>
      <Text color="gray">
        · {data.episodes.length} episodes · {shown.length} shown
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
        <ReplayList episodes={shown} selected={current} rows={contentRows} width={width} />
      )}
      <Footer view={view} canReload={reload !== undefined} searching={search !== null} />
    </Box>
  );
}
