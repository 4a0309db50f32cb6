/** `rlef report`: one self-contained HTML page with a run's charts and stats tables. */
import type { Command } from 'commander';
import { writeHtmlReport } from '../../src/report/html-report.ts';
import { loadRun } from '../../src/report/load-run.ts';
import { computeStats } from '../../src/report/stats.ts';

const HELP = `
The page holds everything it needs (uPlot is inlined), so it opens offline and can be mailed:
  - mean episode reward by iteration (train, and eval when present)
  - solve rate within turn 1, 2, 3 and the turn-2 fix rate
  - mean KL per turn
  - policy and value losses, from RUN_DIR/metrics.jsonl (left out when there is none)
  - the tables of \`rlef stats\`

Examples:
  $ rlef report runs/rlef-ppo-2026-01-01T10-00-00 --out report.html
  $ rlef report runs/x/trajectories/trajectories-000.arrow --out /tmp/r.html
`;

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write one self-contained HTML page with charts (reward, solve rate per turn, KL, losses) and stats tables')
    .argument('<path>', 'trajectory file (trajectories-NNN.arrow) or run directory (metrics.jsonl adds the losses)')
    .requiredOption('--out <file>', 'the HTML file to write')
    .addHelpText('after', HELP)
    .action(async (path: string, opts: { out: string }) => {
      const run = await loadRun(path);
      const written = await writeHtmlReport(opts.out, {
        source: path,
        stats: computeStats(run.rows),
        metrics: run.metrics,
        truncatedBytes: run.truncatedBytes,
        generatedAt: new Date().toISOString(),
      });
      process.stderr.write(`[report] wrote ${opts.out} (${Math.round(written.bytes / 1024)} KiB; charts: ${written.charts.join(', ') || 'none'})\n`);
    });
}
