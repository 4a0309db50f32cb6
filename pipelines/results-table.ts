/**
 * The README's results table from evaluation runs: each condition is a label and one or more
 * `rlef eval` output directories (one per training seed), e.g.
 *
 *   node --import tsx pipelines/results-table.ts \
 *     "warm start=runs/eval-ws" "RLEF=runs/eval-rlef-s1,runs/eval-rlef-s2,runs/eval-rlef-s3"
 *
 * For every held-out problem it averages, over the directories (seeds) and their rollouts, whether
 * the episode was solved within t turns (t = 1 … T): at t = 1 that is pass@1 (the first answer
 * passes every test), and with one rollout of up to T turns per problem the last column is 1@T.
 * Each cell is the mean over problems with a percentile-bootstrap 95% interval over problems
 * (10 000 resamples, seed 0), printed as a Markdown table.
 */
import { readFile } from 'node:fs/promises';
import { readTrajectoryRun } from '../src/store/trajectory-reader.ts';
import { bootstrapCI } from '../src/eval/bootstrap.ts';

interface Condition {
  readonly label: string;
  readonly dirs: readonly string[];
}

function parseArgs(args: readonly string[]): Condition[] {
  if (args.length === 0 || args.includes('--help')) {
    process.stderr.write('usage: results-table.ts "LABEL=EVAL_DIR[,EVAL_DIR…]" …\n');
    process.exit(args.length === 0 ? 64 : 0);
  }
  return args.map((arg) => {
    const eq = arg.indexOf('=');
    if (eq <= 0) {
      process.stderr.write(`results-table: ${JSON.stringify(arg)}: expected LABEL=DIR[,DIR…]\n`);
      process.exit(64);
    }
    return { label: arg.slice(0, eq), dirs: arg.slice(eq + 1).split(',').filter((d) => d !== '') };
  });
}

/** A finished episode: how many turns it used and whether its final answer passed every test. */
interface Outcome {
  readonly turnsUsed: number;
  readonly solved: boolean;
}

/** Final rows of every episode in `dirs`, by problem, and the largest turn limit of the runs (eval.json). */
async function outcomesByProblem(dirs: readonly string[]): Promise<{ turns: number; byProblem: Map<string, Outcome[]> }> {
  const byProblem = new Map<string, Outcome[]>();
  let turns = 1;
  for (const dir of dirs) {
    const report = JSON.parse(await readFile(`${dir}/eval.json`, 'utf8')) as { turnLimits: { turnLimit: number }[] };
    for (const limit of report.turnLimits) turns = Math.max(turns, limit.turnLimit);
    const { rows } = await readTrajectoryRun(`${dir}/trajectories`);
    for (const row of rows.filter((r) => r.final)) {
      const list = byProblem.get(row.problemId) ?? [];
      list.push({ turnsUsed: row.numTurns, solved: row.solved });
      byProblem.set(row.problemId, list);
    }
  }
  return { turns, byProblem };
}

function cell(values: readonly number[]): string {
  const ci = bootstrapCI(values, { seed: 0 });
  return `${(100 * ci.mean).toFixed(1)} [${(100 * ci.lower).toFixed(1)}, ${(100 * ci.upper).toFixed(1)}]`;
}

const conditions = parseArgs(process.argv.slice(2));
const loaded = await Promise.all(conditions.map(async (c) => ({ ...c, ...(await outcomesByProblem(c.dirs)) })));
const turns = Math.max(...loaded.map((c) => c.turns));
const label = (t: number): string => (t === 1 ? 'pass@1 (turn 1)' : t === turns ? `1@${t} (≤ ${t} turns)` : `≤ ${t} turns`);
const header = ['condition', 'runs', 'problems', ...Array.from({ length: turns }, (_, t) => label(t + 1))];
const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
for (const c of loaded) {
  const problems = [...c.byProblem.values()];
  /** Per problem, the share of its episodes for which `hit` holds. */
  const share = (hit: (o: Outcome) => boolean): number[] => problems.map((list) => list.filter(hit).length / list.length);
  const within = (t: number): number[] => share((o) => o.solved && o.turnsUsed <= t);
  const cells = Array.from({ length: turns }, (_, t) => cell(within(t + 1)));
  lines.push(`| ${[c.label, String(c.dirs.length), String(problems.length), ...cells].join(' | ')} |`);
}
process.stdout.write(`${lines.join('\n')}\n\nPercent of held-out problems; [95% bootstrap interval over problems]; per problem the mean over runs and rollouts.\n`);
