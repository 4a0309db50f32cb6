/**
 * End to end: `rlef report`'s page from a real run directory, opened in headless Chromium with the
 * network off, screenshotted, and each chart's canvas region checked for drawn series.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { writeHtmlReport } from '../../src/report/html-report.ts';
import { loadRun } from '../../src/report/load-run.ts';
import { chartRect, reportCharts } from '../../src/report/report-charts.ts';
import { computeStats } from '../../src/report/stats.ts';

const RUN_DIR = fileURLToPath(new URL('../fixtures/replay/tiny-run', import.meta.url));
const CHROMIUM = process.env['RLEF_CHROMIUM'] ?? 'chromium';

function chromiumMissing(): string | null {
  const probe = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.error !== undefined) return `${CHROMIUM} not found (apt-get install chromium, or set RLEF_CHROMIUM): ${probe.error.message}`;
  return probe.status === 0 ? null : `${CHROMIUM} --version failed: ${probe.stderr.trim()}`;
}

function hexRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

test('the report opens offline in headless Chromium and every chart draws its series', async (t) => {
  const missing = chromiumMissing();
  if (missing !== null) {
    t.skip(`skipped: ${missing}`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'rlef-report-chromium-'));
  try {
    const run = await loadRun(RUN_DIR);
    const stats = computeStats(run.rows);
    const page = join(dir, 'report.html');
    const written = await writeHtmlReport(page, { source: RUN_DIR, stats, metrics: run.metrics, truncatedBytes: 0, generatedAt: 'test' });
    assert.deepEqual(written.charts, ['reward', 'solve-rate', 'kl', 'losses']);

    const shot = join(dir, 'out.png');
    const result = spawnSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${join(dir, 'profile')}`,
        '--force-device-scale-factor=1',
        '--hide-scrollbars',
        // Lets the page's scripts (uPlot draws after a microtask) finish before the shot.
        '--virtual-time-budget=5000',
        `--screenshot=${shot}`,
        '--window-size=1200,1600',
        pathToFileURL(page).href,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(result.status, 0, `chromium exited ${result.status}: ${result.stderr.slice(-2000)}`);
    const png = PNG.sync.read(await readFile(shot));
    assert.equal(png.width, 1200);

    const charts = reportCharts(stats, run.metrics);
    charts.forEach((chart, i) => {
      const rect = chartRect(i);
      const wanted = chart.series.map((s) => hexRgb(s.colour));
      const colours = new Set<number>();
      let seriesPixels = 0;
      for (let y = rect.y; y < rect.y + rect.height; y++) {
        for (let x = rect.x; x < rect.x + rect.width; x++) {
          const at = (y * png.width + x) * 4;
          const [r, g, b] = [png.data[at] ?? 0, png.data[at + 1] ?? 0, png.data[at + 2] ?? 0];
          colours.add((r << 16) | (g << 8) | b);
          if (wanted.some(([wr, wg, wb]) => Math.hypot(r - wr, g - wg, b - wb) < 40)) seriesPixels++;
        }
      }
      assert.ok(colours.size > 8, `chart ${chart.id}: the canvas region is not blank (${colours.size} colours)`);
      // A 2 px line across the plot is several hundred pixels; legend swatches lie outside the canvas.
      assert.ok(seriesPixels > 200, `chart ${chart.id}: its series are drawn (${seriesPixels} pixels in series colours)`);
    });
    // Between the two columns of charts the page is plain background: the checks above are not vacuous.
    const left = chartRect(0);
    const right = chartRect(1);
    for (let y = left.y; y < left.y + left.height; y++) {
      for (let x = left.x + left.width + 4; x < right.x - 4; x++) {
        const at: number = (y * png.width + x) * 4;
        assert.deepEqual([png.data[at], png.data[at + 1], png.data[at + 2]], [255, 255, 255], `background at ${x},${y}`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
