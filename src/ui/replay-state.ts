/**
 * The replay browser's state and its one reducer. Every key goes through `replayReducer`, so a
 * key pressed before React has re-subscribed the input handler still acts on the latest state.
 * Pure: side effects (quitting, reading the log again) are requested through counters/flags.
 */
import { filterEpisodes, nextOutcome, nextTurns, turnBody, type ReplayData, type ReplayFilters } from './replay-model.ts';

export type ReplayView =
  | { readonly mode: 'list' }
  | { readonly mode: 'episode'; readonly key: string; readonly turn: number; readonly scroll: number };

export interface ReplayState {
  readonly data: ReplayData;
  readonly filters: ReplayFilters;
  /** Index into the filtered episodes. */
  readonly selected: number;
  readonly view: ReplayView;
  /** The search text being typed after `/`; null when not searching. */
  readonly search: string | null;
  readonly notice: string;
  readonly quit: boolean;
  /** Incremented on each `r`: the app reads the log again when it changes. */
  readonly reloads: number;
}

/** The subset of ink's key flags the browser uses. */
export interface KeyFlags {
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly leftArrow?: boolean;
  readonly rightArrow?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly backspace?: boolean;
  readonly delete?: boolean;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
}

/** Sizes the keys depend on (how far a page moves, how far a turn scrolls). */
export interface ReplayGeometry {
  readonly width: number;
  readonly listRows: number;
  readonly bodyRows: number;
}

export type ReplayAction =
  | { readonly type: 'key'; readonly input: string; readonly key: KeyFlags; readonly geometry: ReplayGeometry; readonly canReload: boolean }
  | { readonly type: 'reloaded'; readonly data: ReplayData }
  | { readonly type: 'notice'; readonly text: string };

export function initialReplayState(data: ReplayData, filters: ReplayFilters): ReplayState {
  return { data, filters, selected: 0, view: { mode: 'list' }, search: null, notice: '', quit: false, reloads: 0 };
}

/** The filtered episodes and the selection clamped to them. */
export function visible(state: ReplayState): { episodes: ReturnType<typeof filterEpisodes>; selected: number } {
  const episodes = filterEpisodes(state.data.episodes, state.filters);
  return { episodes, selected: Math.min(state.selected, Math.max(0, episodes.length - 1)) };
}

function withFilters(state: ReplayState, filters: ReplayFilters): ReplayState {
  // Keep the selected episode selected when it still passes the filters.
  const { episodes, selected } = visible(state);
  const key = episodes[selected]?.key;
  const after = filterEpisodes(state.data.episodes, filters);
  return { ...state, filters, selected: Math.max(0, after.findIndex((e) => e.key === key)) };
}

function searchKey(state: ReplayState, search: string, input: string, key: KeyFlags): ReplayState {
  if (key.return === true) return { ...withFilters(state, { ...state.filters, problem: search }), search: null };
  if (key.escape === true) return { ...state, search: null };
  if (key.backspace === true || key.delete === true) return { ...state, search: search.slice(0, -1) };
  if (input !== '' && key.ctrl !== true && key.meta !== true) return { ...state, search: search + input };
  return state;
}

function episodeKey(state: ReplayState, view: Extract<ReplayView, { mode: 'episode' }>, input: string, key: KeyFlags, g: ReplayGeometry): ReplayState {
  const open = state.data.episodes.find((e) => e.key === view.key);
  if (open === undefined || key.escape === true || key.backspace === true || key.delete === true) return { ...state, view: { mode: 'list' } };
  const limit = Math.max(0, turnBody(open, view.turn, g.width).length - Math.max(1, g.bodyRows));
  const to = (turn: number, scroll: number): ReplayState => ({ ...state, view: { ...view, turn, scroll: Math.max(0, Math.min(limit, scroll)) } });
  if (key.leftArrow === true || input === 'h') return view.turn > 0 ? { ...state, view: { ...view, turn: view.turn - 1, scroll: 0 } } : state;
  if (key.rightArrow === true || input === 'l') return view.turn < open.numTurns - 1 ? { ...state, view: { ...view, turn: view.turn + 1, scroll: 0 } } : state;
  if (key.upArrow === true || input === 'k') return to(view.turn, view.scroll - 1);
  if (key.downArrow === true || input === 'j') return to(view.turn, view.scroll + 1);
  if (key.pageUp === true) return to(view.turn, view.scroll - g.bodyRows);
  if (key.pageDown === true || input === ' ') return to(view.turn, view.scroll + g.bodyRows);
  return state;
}

function listKey(state: ReplayState, input: string, key: KeyFlags, g: ReplayGeometry, canReload: boolean): ReplayState {
  const { episodes, selected } = visible(state);
  const last = Math.max(0, episodes.length - 1);
  const select = (i: number): ReplayState => ({ ...state, selected: Math.max(0, Math.min(last, i)) });
  if (key.upArrow === true || input === 'k') return select(selected - 1);
  if (key.downArrow === true || input === 'j') return select(selected + 1);
  if (key.pageUp === true) return select(selected - g.listRows);
  if (key.pageDown === true) return select(selected + g.listRows);
  if (key.return === true) {
    const episode = episodes[selected];
    return episode === undefined ? state : { ...state, selected, view: { mode: 'episode', key: episode.key, turn: 0, scroll: 0 } };
  }
  if (input === 'f') return withFilters(state, { ...state.filters, outcome: nextOutcome(state.filters.outcome) });
  if (input === 't') {
    const maxTurns = state.data.episodes.reduce((m, e) => Math.max(m, e.numTurns), 0);
    return withFilters(state, { ...state.filters, turns: nextTurns(state.filters.turns, maxTurns) });
  }
  if (input === '/') return { ...state, search: state.filters.problem };
  if (input === 'r' && canReload) return { ...state, reloads: state.reloads + 1, notice: 'reloading…' };
  return state;
}

/** The next state after `action`. */
export function replayReducer(state: ReplayState, action: ReplayAction): ReplayState {
  switch (action.type) {
    case 'reloaded':
      return { ...state, data: action.data, notice: `reloaded: ${action.data.episodes.length} episodes` };
    case 'notice':
      return { ...state, notice: action.text };
    case 'key': {
      const { input, key, geometry } = action;
      if (state.quit) return state;
      if (state.search !== null) return searchKey(state, state.search, input, key);
      if (input === 'q') return { ...state, quit: true };
      if (state.view.mode === 'episode') return episodeKey(state, state.view, input, key, geometry);
      return listKey(state, input, key, geometry, action.canReload);
    }
  }
}
