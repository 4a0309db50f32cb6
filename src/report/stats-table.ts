/**
 * `rlef stats` as plain-text tables: solve rate within each turn and the turn-2 fix rate, then
 * reward, KL and invalid answers, one row per split and iteration plus a total row per split.
 */
import { formatMetric, formatPercent, formatPoints } from '../ui/format.ts';
import type { GroupStats, Ratio, TrajectoryStats } from './stats.ts';
import { fixTrends, type FixTrend } from './fix-trend.ts';

/** Left-aligned first columns, right-aligned numbers, two spaces between columns. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): string[] {
  const widths = header.map((h, c) => Math.max([...h].length, ...rows.map((r) => [...(r[c] ?? '')].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => {
        const pad = ' '.repeat(Math.max(0, (widths[c] ?? 0) - [...cell].length));
        return c < leftColumns ? cell + pad : pad + cell;
      })
      .join('  ')
      .trimEnd();
  return [line(header), line(header.map((_, c) => '─'.repeat(widths[c] ?? 0))), ...rows.map(line)];
}

/** `50.0% (3/6)`, or `–` when nothing was counted. */
export function formatRatio(r: Ratio, parts = true): string {
  if (r.rate === null) return '–';
  return parts ? `${formatPercent(r.rate)} (${r.count}/${r.of})` : formatPercent(r.rate);
}

function label(g: GroupStats): [string, string] {
  return [g.split, g.iteration === null ? 'all' : String(g.iteration)];
}

function groups(stats: TrajectoryStats): GroupStats[] {
  // Each split's iterations, then its total row.
  return stats.bySplit.flatMap((total) => [...stats.byIteration.filter((g) => g.split === total.split), total]);
}

/** The solve-rate table: solved, solved within turn t, the turn-2 fix rate and repeat rate. */
export function solveRateTable(stats: TrajectoryStats): string[] {
  const turnHeaders = Array.from({ length: stats.maxTurns }, (_, t) => `≤ turn ${t + 1}`);
  const header = ['split', 'iter', 'episodes', 'solved', ...turnHeaders, 'turn-2 fix', 'turn-2 repeat'];
  const rows = groups(stats).map((g) => [
    ...label(g),
    String(g.episodes),
    formatRatio(g.solved, false),
    ...g.solvedWithin.map((r) => formatRatio(r, false)),
    formatRatio(g.turn2Fix),
    formatRatio(g.turn2Repeat),
  ]);
  return formatTable(header, rows, 2);
}

/** The reward table: mean episode reward, mean turn KL, invalid answers, turns per episode. */
export function rewardTable(stats: TrajectoryStats): string[] {
  const header = ['split', 'iter', 'episodes', 'turns', 'mean reward', 'mean KL', 'invalid', 'turns/episode'];
  const rows = groups(stats).map((g) => [
    ...label(g),
    String(g.episodes),
    String(g.turns),
    formatMetric(g.meanReward ?? undefined),
    formatMetric(g.meanKl ?? undefined),
    formatRatio(g.invalid),
    formatMetric(g.meanTurns ?? undefined),
  ]);
  return formatTable(header, rows, 2);
}

function span(iterations: readonly number[]): string {
  const first = iterations[0];
  const last = iterations[iterations.length - 1];
  return first === last ? `iteration ${first}` : `iterations ${first}–${last}`;
}

/** `train: turn-2 fix 5/31 (16.1%) in iterations 0–4 → 9/28 (32.1%) in 5–9: +16.1 points [−6.0, +36.5]`. */
export function fixTrendLine(t: FixTrend): string {
  const d = t.difference;
  const change =
    d === null ? 'no difference (a half without failed first turns)' : `${formatPoints(d.value)} points [${formatPoints(d.lower)}, ${formatPoints(d.upper)}]`;
  return `${t.split}: turn-2 fix ${formatRatio(t.early)} in ${span(t.earlyIterations)} → ${formatRatio(t.late)} in ${span(t.lateIterations)}: ${change}`;
}

/** Where the numbers came from, for the first line of the output. */
export interface StatsSource {
  readonly path: string;
  readonly truncatedBytes: number;
  readonly closed: boolean;
}

/** The whole `rlef stats` text output. */
export function statsText(stats: TrajectoryStats, source: StatsSource): string {
  const notes = [`${stats.episodes} episodes`, `${stats.turns} turns`];
  if (source.truncatedBytes > 0) notes.push(`truncated: ${source.truncatedBytes} bytes ignored`);
  else if (!source.closed) notes.push('still being written (or not closed)');
  const incomplete = stats.bySplit.reduce((n, g) => n + g.incomplete, 0);
  if (incomplete > 0) notes.push(`${incomplete} episodes with turns missing`);
  const out = [`${source.path}: ${notes.join(' · ')}`];
  if (stats.episodes === 0) return `${out.join('\n')}\n`;
  out.push('', 'Solve rate (solved = final answer passes all tests; ≤ turn t = solved using at most t turns)', ...solveRateTable(stats));
  out.push(
    '',
    'turn-2 fix = episodes whose turn-1 answer failed and whose turn-2 answer passed the public tests, of those whose turn 1 failed',
    'turn-2 repeat = episodes whose turn-2 code is the failed turn-1 code again (up to trailing spaces and blank lines), of those whose turn 1 failed with code and that went on',
  );
  const trends = fixTrends(stats);
  if (trends.length > 0) {
    out.push('', 'Fix-rate trend (first half of the iterations pooled against the second; late − early, 95 % Newcombe interval)', ...trends.map(fixTrendLine));
  }
  out.push(
    '',
    'Reward and KL (mean reward per episode includes the KL penalty; KL is the per-turn mean over tokens)',
    ...rewardTable(stats),
  );
  return `${out.join('\n')}\n`;
}
