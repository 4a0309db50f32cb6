import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadChartAssets, renderHtmlReport } from '../../../src/report/html-report.ts';
import { chartRect, reportCharts } from '../../../src/report/report-charts.ts';
import { computeStats } from '../../../src/report/stats.ts';
import type { RunMetricsLine } from '../../../src/report/run-metrics.ts';
import { episode } from './rows.ts';

const rows = [
  ...episode({ id: 'e1', iteration: 0, verdicts: ['wrong_answer', 'passed'], solved: true, rewards: [0, 1], kls: [0.5, 0.25] }),
  ...episode({ id: 'e2', iteration: 1, verdicts: ['passed'], solved: true, rewards: [1] }),
  ...episode({ id: 'v1', iteration: 1, split: 'eval', verdicts: ['invalid'], solved: false, rewards: [-1] }),
];
const metrics: RunMetricsLine[] = [
  { iteration: 0, values: { policyLoss: 0.5, valueLoss: 1 } },
  { iteration: 1, values: { policyLoss: 0.25, valueLoss: 0.5 } },
];

test('charts follow the iterations: train and eval reward, solve rate within each turn with the fix rate, KL, losses', () => {
  const charts = reportCharts(computeStats(rows), metrics);
  assert.deepEqual(charts.map((c) => c.id), ['reward', 'solve-rate', 'kl', 'losses']);
  const [reward, solve, kl, losses] = charts;
  assert.deepEqual(reward?.x, [0, 1]);
  assert.deepEqual(reward?.series.map((s) => [s.label, s.values]), [
    ['train', [1, 1]],
    ['eval', [null, -1]],
  ]);
  assert.deepEqual(solve?.series.map((s) => [s.label, s.values]), [
    ['solved ≤ turn 1', [0, 1]],
    ['solved ≤ turn 2', [1, 1]],
    ['turn-2 fix rate', [1, null]],
  ]);
  assert.deepEqual(kl?.series[0]?.values, [0.375, 0]);
  assert.deepEqual(losses?.series.map((s) => [s.label, s.values]), [
    ['policy loss', [0.5, 0.25]],
    ['value loss', [1, 0.5]],
  ]);
});

test('without metrics.jsonl the losses chart is left out', () => {
  assert.deepEqual(reportCharts(computeStats(rows), []).map((c) => c.id), ['reward', 'solve-rate', 'kl']);
});

test('charts are laid out two per row without overlapping', () => {
  const rects = [0, 1, 2, 3].map(chartRect);
  for (let i = 0; i < rects.length; i++) {
    for (let j = i + 1; j < rects.length; j++) {
      const a = rects[i]!;
      const b = rects[j]!;
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      assert.ok(apart, `charts ${i} and ${j} do not overlap`);
    }
  }
  assert.ok(rects.every((r) => r.x + r.width <= 1200), 'every chart fits a 1200 px wide window');
});

test('the page inlines uPlot, loads nothing from the network, and escapes text from the log', async () => {
  const html = renderHtmlReport(
    { source: 'runs/</script><img src=http://evil.test/x>', stats: computeStats(rows), metrics, truncatedBytes: 42, generatedAt: '2026-01-01T00:00:00Z' },
    await loadChartAssets(),
  );
  assert.match(html, /uPlot/);
  assert.ok(html.length > 40_000, 'the library itself is in the page');
  assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=/i, 'no external script, stylesheet or image');
  assert.doesNotMatch(html, /<img/i);
  assert.match(html, /runs\/&#60;\/script&#62;&#60;img src=http:\/\/evil\.test\/x&#62;/);
  assert.match(html, /truncated: 42 bytes ignored/);
  assert.equal(html.match(/<script/g)?.length, 3, 'chart data, uPlot and the drawing script');
  for (const id of ['reward', 'solve-rate', 'kl', 'losses']) assert.match(html, new RegExp(`id="chart-${id}"`));
  assert.match(html, /<p>train: turn-2 fix 100\.0% \(1\/1\) in iteration 0 → – in iteration 1: no difference \(a half without failed first turns\)<\/p>/);
});
