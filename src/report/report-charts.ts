/**
 * The charts of `rlef report`, as plain data for the page to draw: x is the iteration, one series
 * per line. Pure: stats and metrics in, chart specs out. The page's layout is fixed (every chart
 * at a known place and size), so a screenshot can be checked chart by chart.
 */
import type { RunMetricsLine } from './run-metrics.ts';
import type { GroupStats, TrajectoryStats } from './stats.ts';

/** One line of a chart; `values[i]` belongs to `x[i]` (null: no value at that iteration). */
export interface SeriesSpec {
  readonly label: string;
  /** CSS colour, `#rrggbb`. */
  readonly colour: string;
  readonly values: readonly (number | null)[];
  readonly dash?: boolean;
}

export interface ChartSpec {
  readonly id: 'reward' | 'solve-rate' | 'kl' | 'losses';
  readonly title: string;
  readonly x: readonly number[];
  readonly series: readonly SeriesSpec[];
  /** Fixed y range (rates); otherwise fitted to the data. */
  readonly yRange?: readonly [number, number];
  /** Values are fractions, shown as percentages on the axis. */
  readonly percent?: boolean;
}

/** Series colours: saturated, far from white, grey and black, and from each other. */
export const SERIES_COLOURS = ['#1f77e4', '#e4561f', '#16a34a', '#c026d3', '#d4a106'] as const;

/** Size of each chart's canvas, in CSS pixels. */
export const CHART_SIZE = { width: 560, height: 300 } as const;

/** A rectangle in CSS pixels from the top-left of the page. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const MARGIN = 24;
const TOP = 120;
const COLUMN_GAP = 32;
/** Room above each chart for its title and below it for the legend. */
const TITLE_ROOM = 30;
const LEGEND_ROOM = 60;

/** Where the canvas of chart `index` is: two per row under the page header. */
export function chartRect(index: number): Rect {
  const column = index % 2;
  const row = Math.floor(index / 2);
  return {
    x: MARGIN + column * (CHART_SIZE.width + COLUMN_GAP),
    y: TOP + TITLE_ROOM + row * (TITLE_ROOM + CHART_SIZE.height + LEGEND_ROOM),
    ...CHART_SIZE,
  };
}

/** Height of the chart area for `count` charts, where the page's tables begin. */
export function chartsBottom(count: number): number {
  const rows = Math.ceil(count / 2);
  return TOP + rows * (TITLE_ROOM + CHART_SIZE.height + LEGEND_ROOM) + MARGIN;
}

/** The title's top-left for chart `index`. */
export function chartTitleRect(index: number): Rect {
  const r = chartRect(index);
  return { x: r.x, y: r.y - TITLE_ROOM, width: r.width, height: TITLE_ROOM };
}

function colour(i: number): string {
  return SERIES_COLOURS[i % SERIES_COLOURS.length] ?? '#000000';
}

function along(x: readonly number[], groups: readonly GroupStats[], pick: (g: GroupStats) => number | null): (number | null)[] {
  return x.map((iteration) => {
    const g = groups.find((s) => s.iteration === iteration);
    return g === undefined ? null : pick(g);
  });
}

/**
 * The charts for a log and its run's metrics: mean reward (train, and eval where present), solve
 * rate within each turn with the turn-2 fix rate, mean KL, and — only when metrics.jsonl had
 * them — the policy and value losses.
 */
export function reportCharts(stats: TrajectoryStats, metrics: readonly RunMetricsLine[]): ChartSpec[] {
  const train = stats.byIteration.filter((g) => g.split === 'train');
  const evals = stats.byIteration.filter((g) => g.split === 'eval');
  const main = train.length > 0 ? train : evals;
  const x = [...new Set(stats.byIteration.map((g) => g.iteration ?? 0))].sort((a, b) => a - b);
  const charts: ChartSpec[] = [];
  if (x.length > 0) {
    const reward: SeriesSpec[] = [];
    if (train.length > 0) reward.push({ label: 'train', colour: colour(0), values: along(x, train, (g) => g.meanReward) });
    if (evals.length > 0) reward.push({ label: 'eval', colour: colour(1), values: along(x, evals, (g) => g.meanReward) });
    charts.push({ id: 'reward', title: 'Mean episode reward (R, KL penalty included)', x, series: reward });
    const solve: SeriesSpec[] = Array.from({ length: stats.maxTurns }, (_, t) => ({
      label: `solved ≤ turn ${t + 1}`,
      colour: colour(t),
      values: along(x, main, (g) => g.solvedWithin[t]?.rate ?? null),
    }));
    solve.push({ label: 'turn-2 fix rate', colour: colour(stats.maxTurns), values: along(x, main, (g) => g.turn2Fix.rate), dash: true });
    charts.push({ id: 'solve-rate', title: `Solve rate within turn t and turn-2 fix rate (${main[0]?.split ?? 'train'})`, x, series: solve, yRange: [0, 1], percent: true });
    charts.push({
      id: 'kl',
      title: 'Mean KL per turn (policy vs reference)',
      x,
      series: [{ label: `${main[0]?.split ?? 'train'} KL`, colour: colour(2), values: along(x, main, (g) => g.meanKl) }],
    });
  }
  const lossKeys = ['policyLoss', 'valueLoss'].filter((key) => metrics.some((m) => typeof m.values[key] === 'number'));
  if (lossKeys.length > 0) {
    const mx = metrics.map((m) => m.iteration);
    charts.push({
      id: 'losses',
      title: 'PPO losses (from metrics.jsonl)',
      x: mx,
      series: lossKeys.map((key, i) => ({
        label: key === 'policyLoss' ? 'policy loss' : 'value loss',
        colour: colour(i + 3),
        values: metrics.map((m) => m.values[key] ?? null),
      })),
    });
  }
  return charts;
}
