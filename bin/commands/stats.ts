/** `rlef stats`: solve rates, reward, KL and the turn-2 fix rate of a trajectory log, by iteration. */
import type { Command } from 'commander';
import { loadRun } from '../../src/report/load-run.ts';
import { computeStats } from '../../src/report/stats.ts';
import { statsText } from '../../src/report/stats-table.ts';
import { fixTrends } from '../../src/report/fix-trend.ts';

const HELP = `
Tables, one row per split (train, eval) and iteration plus a total row per split:
  solved        episodes whose final answer passes all tests
  ≤ turn t      episodes solved using at most t turns
  turn-2 fix    of the episodes whose turn-1 answer failed (any verdict but passed), the share
                whose turn-2 answer passed the public tests: whether the policy uses feedback
  mean reward   per episode, summed over turns (R_t = r_t − β·KL_t)
  mean KL       per turn (mean over the response's tokens)
  invalid       turns whose response held no code block
Below the first table, the fix-rate trend: the turn-2 fix rate of the first half of the
iterations pooled against the second half's, and the difference with a 95 % interval.
A log cut short or still being written is read up to its last complete batch.

Examples:
  $ rlef stats runs/rlef-ppo-2026-01-01T10-00-00
  $ rlef stats runs/x/trajectories/trajectories-000.arrow --json | jq '.byIteration[].turn2Fix'
`;

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('solve rate by iteration and turn, reward, KL, invalid answers and turn-2 fix rate of a trajectory log')
    .argument('<path>', 'trajectory file (trajectories-NNN.arrow) or run directory')
    .option('--json', 'print one JSON object (source, byIteration, bySplit, fixTrends) instead of tables', false)
    .addHelpText('after', HELP)
    .action(async (path: string, opts: { json: boolean }) => {
      const run = await loadRun(path);
      const stats = computeStats(run.rows);
      if (opts.json) {
        const source = { path, files: run.files, batches: run.batches, truncatedBytes: run.truncatedBytes, closed: run.closed };
        process.stdout.write(`${JSON.stringify({ source, ...stats, fixTrends: fixTrends(stats) }, null, 2)}\n`);
      } else process.stdout.write(statsText(stats, run));
    });
}
