/**
 * `rlef report`: one self-contained HTML page (no network needed to view it) with the run's
 * charts drawn by uPlot — its minified script and stylesheet are read from node_modules and
 * inlined — and the `rlef stats` tables. Charts sit at fixed places (report-charts.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { formatMetric } from '../ui/format.ts';
import { chartRect, chartsBottom, chartTitleRect, reportCharts, type ChartSpec } from './report-charts.ts';
import type { RunMetricsLine } from './run-metrics.ts';
import type { GroupStats, TrajectoryStats } from './stats.ts';
import { fixTrendLine, formatRatio } from './stats-table.ts';
import { fixTrends } from './fix-trend.ts';

/** The charting library's files, inlined into the page. */
export interface ChartAssets {
  readonly js: string;
  readonly css: string;
}

/** Reads uPlot's minified IIFE build and stylesheet from node_modules. */
export async function loadChartAssets(): Promise<ChartAssets> {
  const require = createRequire(import.meta.url);
  const [js, css] = await Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  ]);
  return { js, css };
}

export interface HtmlReportInput {
  /** The file or run directory the numbers come from. */
  readonly source: string;
  readonly stats: TrajectoryStats;
  readonly metrics: readonly RunMetricsLine[];
  /** Bytes of a torn tail that were ignored. */
  readonly truncatedBytes: number;
  /** When the page was made (shown in the header), ISO 8601. */
  readonly generatedAt: string;
}

/** HTML-escapes text for element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element (no `</script>`, no `<!--`). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function statsTables(stats: TrajectoryStats): string {
  const groups: GroupStats[] = stats.bySplit.flatMap((t) => [...stats.byIteration.filter((g) => g.split === t.split), t]);
  const label = (g: GroupStats): string[] => [g.split, g.iteration === null ? 'all' : String(g.iteration), String(g.episodes)];
  const solve = htmlTable(
    ['split', 'iteration', 'episodes', 'solved', ...Array.from({ length: stats.maxTurns }, (_, t) => `≤ turn ${t + 1}`), 'turn-2 fix', 'turn-2 repeat'],
    groups.map((g) => [...label(g), formatRatio(g.solved), ...g.solvedWithin.map((r) => formatRatio(r, false)), formatRatio(g.turn2Fix), formatRatio(g.turn2Repeat)]),
  );
  const reward = htmlTable(
    ['split', 'iteration', 'episodes', 'turns', 'mean reward', 'mean KL', 'invalid answers', 'turns/episode'],
    groups.map((g) => [
      ...label(g),
      String(g.turns),
      formatMetric(g.meanReward ?? undefined),
      formatMetric(g.meanKl ?? undefined),
      formatRatio(g.invalid),
      formatMetric(g.meanTurns ?? undefined),
    ]),
  );
  const trends = fixTrends(stats);
  const trend =
    trends.length === 0
      ? ''
      : `<p class="note">fix-rate trend (first half of the iterations pooled against the second; late − early, 95 % Newcombe interval):</p>\n${trends
          .map((t) => `<p>${escapeHtml(fixTrendLine(t))}</p>`)
          .join('\n')}\n`;
  return `<h2>Solve rate</h2>
<p class="note">solved: the final answer passes all tests · ≤ turn t: solved using at most t turns · turn-2 fix: episodes whose turn-1 answer failed and whose turn-2 answer passed the public tests, of those whose turn 1 failed</p>
${solve}
${trend}<h2>Reward, KL and invalid answers</h2>
<p class="note">mean reward: per episode, summed over turns, KL penalty included · KL: per-turn mean over the response's tokens · invalid: responses without a code block</p>
${reward}`;
}

const PAGE_CSS = `
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #111; background: #fff; }
header { position: absolute; left: 24px; top: 16px; right: 24px; height: 96px; overflow: hidden; }
header h1 { font-size: 22px; margin: 0 0 6px; }
header p { margin: 2px 0; color: #444; }
.warn { color: #a15c00; }
.chart-title { position: absolute; font-weight: 600; font-size: 15px; white-space: nowrap; overflow: hidden; }
.chart { position: absolute; }
#tables { position: absolute; left: 24px; right: 24px; }
table { border-collapse: collapse; margin: 6px 0 18px; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: right; }
th:nth-child(-n+2), td:nth-child(-n+2) { text-align: left; }
h2 { font-size: 17px; margin: 18px 0 4px; }
.note { color: #555; margin: 0; font-size: 12px; }
#error { color: #b00020; font-weight: 600; }
`;

/** Draws every chart with uPlot, then says in the page title how many it drew. */
const DRAW_SCRIPT = `
(function () {
  // As many decimals as the tick step needs, so a narrow range (KL ≈ 0.0100 ± 0.0001) still reads.
  function tickLabels(u, ticks) {
    var step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
    var d = 0;
    while (d < 10 && Math.abs(Math.round(step * Math.pow(10, d)) - step * Math.pow(10, d)) > 1e-6) d++;
    return ticks.map(function (v) { return Math.abs(v) >= 1e6 ? v.toExponential(2) : v.toFixed(d); });
  }
  var charts = JSON.parse(document.getElementById('chart-data').textContent);
  var drawn = 0;
  charts.forEach(function (c) {
    try {
      var series = [{ label: 'iteration' }].concat(c.series.map(function (s) {
        return { label: s.label, stroke: s.colour, width: 2, dash: s.dash ? [8, 5] : undefined,
                 points: { show: true, size: 6, fill: s.colour }, spanGaps: false,
                 value: function (u, v) { return v == null ? '–' : (c.percent ? (v * 100).toFixed(1) + '%' : v.toPrecision(4)); } };
      }));
      var y = c.yRange ? { auto: false, range: c.yRange } : { auto: true };
      new uPlot({
        width: c.rect.width, height: c.rect.height, series: series,
        scales: { x: { time: false }, y: y },
        axes: [
          { label: 'iteration', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
          c.percent ? { values: function (u, ticks) { return ticks.map(function (v) { return Math.round(v * 100) + '%'; }); }, size: 60 } : { values: tickLabels, size: function (u, values) { var n = 0; (values || []).forEach(function (v) { n = Math.max(n, String(v).length); }); return Math.max(50, 12 + n * 8); } }
        ],
        cursor: { show: false }, legend: { show: true, live: false }
      }, [c.x].concat(c.series.map(function (s) { return s.values; })), document.getElementById('chart-' + c.id));
      drawn++;
    } catch (e) {
      document.getElementById('error').textContent = 'chart ' + c.id + ' failed: ' + e;
    }
  });
  document.title = document.title + ' · ' + drawn + '/' + charts.length + ' charts drawn';
})();
`;

/** The page for one log. Deterministic for a given input. */
export function renderHtmlReport(input: HtmlReportInput, assets: ChartAssets): string {
  const { stats } = input;
  const charts: (ChartSpec & { rect: ReturnType<typeof chartRect> })[] = reportCharts(stats, input.metrics).map((c, i) => ({ ...c, rect: chartRect(i) }));
  const placed = charts
    .map((c, i) => {
      const t = chartTitleRect(i);
      return `<div class="chart-title" style="left:${t.x}px;top:${t.y}px;width:${t.width}px">${escapeHtml(c.title)}</div>
<div class="chart" id="chart-${c.id}" style="left:${c.rect.x}px;top:${c.rect.y}px;width:${c.rect.width}px"></div>`;
    })
    .join('\n');
  const notes = [`${stats.episodes} episodes`, `${stats.turns} turns`];
  if (input.metrics.length > 0) notes.push(`${input.metrics.length} iterations in metrics.jsonl`);
  else notes.push('no metrics.jsonl: losses not shown');
  const truncated = input.truncatedBytes > 0 ? `<p class="warn">truncated: ${input.truncatedBytes} bytes ignored (the log was cut short or is still being written)</p>` : '';
  const title = `rlef report · ${input.source}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${assets.css}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(notes.join(' · '))} · generated ${escapeHtml(input.generatedAt)}</p>
${truncated}<p id="error"></p>
</header>
${stats.episodes === 0 ? '<p class="chart-title" style="left:24px;top:150px">no episodes in this log yet</p>' : placed}
<div id="tables" style="top:${chartsBottom(charts.length)}px">
${statsTables(stats)}
</div>
<script id="chart-data" type="application/json">${scriptJson(charts)}</script>
<script>${assets.js.replace(/<\/script/gi, '<\\/script')}</script>
<script>${DRAW_SCRIPT}</script>
</body>
</html>
`;
}

/** Writes the page to `path`; returns the charts drawn on it (ids) and its size in bytes. */
export async function writeHtmlReport(path: string, input: HtmlReportInput): Promise<{ readonly charts: readonly string[]; readonly bytes: number }> {
  const html = renderHtmlReport(input, await loadChartAssets());
  await writeFile(path, html);
  return { charts: reportCharts(input.stats, input.metrics).map((c) => c.id), bytes: Buffer.byteLength(html) };
}
