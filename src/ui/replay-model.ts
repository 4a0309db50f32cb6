/**
 * The replay browser's data and the pure parts of its behaviour: filters, the text of one turn
 * laid out as terminal lines, and the plain listing printed when there is no terminal.
 */
import type { StoredEpisode } from '../report/episodes.ts';
import { turnOf } from '../report/episodes.ts';
import type { TurnRow } from '../store/schema.ts';
import { formatMetric, sanitize, truncate } from './format.ts';

/** What the replay browser shows: the episodes of one log and how the log was read. */
export interface ReplayData {
  /** The file or run directory, as given. */
  readonly source: string;
  readonly episodes: readonly StoredEpisode[];
  /** Bytes after the last complete batch (a flush cut short), summed over the files read. */
  readonly truncatedBytes: number;
  /** True when every file was closed by its writer. */
  readonly closed: boolean;
}

export type OutcomeFilter = 'all' | 'solved' | 'failed';

export interface ReplayFilters {
  readonly outcome: OutcomeFilter;
  /** Substring the problem id must contain (case-insensitive); '' for any. */
  readonly problem: string;
  /** Number of turns the episode must have taken; null for any. */
  readonly turns: number | null;
}

export const NO_FILTERS: ReplayFilters = { outcome: 'all', problem: '', turns: null };

const OUTCOMES: readonly OutcomeFilter[] = ['all', 'solved', 'failed'];

/** all → solved → failed → all. */
export function nextOutcome(outcome: OutcomeFilter): OutcomeFilter {
  return OUTCOMES[(OUTCOMES.indexOf(outcome) + 1) % OUTCOMES.length] ?? 'all';
}

/** any → 1 → 2 → … → maxTurns → any. */
export function nextTurns(turns: number | null, maxTurns: number): number | null {
  if (turns === null) return maxTurns >= 1 ? 1 : null;
  return turns >= maxTurns ? null : turns + 1;
}

/** The episodes that pass every filter, in log order. */
export function filterEpisodes(episodes: readonly StoredEpisode[], filters: ReplayFilters): StoredEpisode[] {
  const needle = filters.problem.toLowerCase();
  return episodes.filter(
    (e) =>
      (filters.outcome === 'all' || e.solved === (filters.outcome === 'solved')) &&
      (needle === '' || e.problemId.toLowerCase().includes(needle)) &&
      (filters.turns === null || e.numTurns === filters.turns),
  );
}

/** `solved · problem ~ "sum" · 2 turns`, or `none`. */
export function describeFilters(filters: ReplayFilters): string {
  const parts: string[] = [];
  if (filters.outcome !== 'all') parts.push(filters.outcome);
  if (filters.problem !== '') parts.push(`problem ~ "${filters.problem}"`);
  if (filters.turns !== null) parts.push(`${filters.turns} turn${filters.turns === 1 ? '' : 's'}`);
  return parts.length === 0 ? 'none' : parts.join(' · ');
}

/** How the log was read: `truncated: N bytes ignored`, `still being written`, or ''. */
export function readNote(data: Pick<ReplayData, 'truncatedBytes' | 'closed'>): string {
  if (data.truncatedBytes > 0) return `truncated: ${data.truncatedBytes} bytes ignored`;
  return data.closed ? '' : 'still being written (not closed)';
}

/** `+0.95` / `-1.40`: a reward with its sign. */
export function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
}

/** Untrusted text as lines of at most `width` characters (sanitized, hard-wrapped). */
export function wrapLines(text: string, width: number): string[] {
  const w = Math.max(1, Math.floor(width));
  const out: string[] = [];
  for (const line of sanitize(text).split('\n')) {
    const chars = [...line];
    if (chars.length === 0) out.push('');
    for (let i = 0; i < chars.length; i += w) out.push(chars.slice(i, i + w).join(''));
  }
  return out;
}

/** One line of a turn's body; `heading` lines are section titles. */
export interface BodyLine {
  readonly text: string;
  readonly heading?: boolean;
}

/** The numbers of one turn on one line. */
export function turnNumbers(row: TurnRow): string {
  return [
    `verdict ${row.verdict}`,
    `reward ${formatMetric(row.reward)}`,
    `advantage ${formatMetric(row.advantage)}`,
    `return ${formatMetric(row.return)}`,
    `value ${formatMetric(row.value)}`,
    `KL ${formatMetric(row.kl)}`,
    `${row.tokenIds.length} tokens`,
  ].join(' · ');
}

/** The sections of turn `turn` (0-based): prompt, response or code, feedback, wrapped to `width`. */
export function turnBody(episode: StoredEpisode, turn: number, width: number): BodyLine[] {
  const row = turnOf(episode, turn);
  if (row === undefined) return [{ text: `turn ${turn + 1} was not read: the log ends before its batch` }];
  const section = (title: string, text: string): BodyLine[] => [
    { text: title, heading: true },
    // Code usually ends with a newline; a blank last line would only push the next section down.
    ...wrapLines(text.replace(/\n+$/, ''), width).map((line) => ({ text: line })),
  ];
  return [
    ...section('Prompt', row.prompt),
    // A response without code is shown whole: it is what made the answer invalid.
    ...(row.code === null ? section('Response (no code block: invalid)', row.response) : section('Code', row.code)),
    ...section(
      'Feedback',
      row.feedback ?? (row.final ? `(final turn: graded on all tests · ${episode.solved ? 'solved' : 'not solved'})` : '(none)'),
    ),
  ];
}

/** One episode on one line: outcome, problem, iteration, split, turns, reward, verdicts. */
export function episodeLine(e: StoredEpisode): string {
  const verdicts = e.verdicts.map((v, t) => `T${t + 1} ${v}`).join(' → ');
  const turns = `${e.numTurns} turn${e.numTurns === 1 ? '' : 's'}${e.complete ? '' : ' (cut short)'}`;
  return `${e.solved ? '✔' : '✘'} ${e.problemId}  it ${e.iteration} · ${e.split} · ${turns} · r ${signed(e.reward)} · ${verdicts}`;
}

/** The plain listing of `rlef replay` off a terminal: a header line, then one line per episode. */
export function plainListing(data: ReplayData, filters: ReplayFilters, width = Number.POSITIVE_INFINITY): string {
  const shown = filterEpisodes(data.episodes, filters);
  const note = readNote(data);
  const head = [`${data.source}: ${shown.length} of ${data.episodes.length} episodes`, `filter: ${describeFilters(filters)}`];
  if (note !== '') head.push(note);
  const lines = [head.join(' · ')];
  for (const e of shown) {
    const line = `${e.key}  ${episodeLine(e)}`;
    lines.push(Number.isFinite(width) ? truncate(line, width) : line);
  }
  return `${lines.join('\n')}\n`;
}

/** One episode in full (every turn's prompt, answer, feedback and numbers), for `--episode`. */
export function plainEpisode(e: StoredEpisode): string {
  const lines = [
    `episode ${e.key} · problem ${e.problemId} · iteration ${e.iteration} · ${e.split} · ${e.solved ? 'solved' : 'not solved'} · ${e.numTurns} turns · reward ${signed(e.reward)}`,
  ];
  for (let t = 0; t < e.numTurns; t++) {
    const row = turnOf(e, t);
    lines.push('', `━━ turn ${t + 1}/${e.numTurns}${row === undefined ? '' : ` · ${turnNumbers(row)}`}`);
    for (const line of turnBody(e, t, Number.MAX_SAFE_INTEGER)) lines.push(line.heading === true ? `── ${line.text}` : line.text);
  }
  return `${lines.join('\n')}\n`;
}
