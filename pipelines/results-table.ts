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
 *
 * `--by-params[=FILE]` adds two rows per condition: the problems of families with parameters and
 * those without (a problem has parameters when its `meta` has an upper-case key, as the built-in
 * suite's K, C, S …), looked up in FILE (default data/suite/heldout.jsonl).
 *
 * `--against=LABEL` adds a second table: each other condition minus condition LABEL, per problem
 * (the problems both hold), with a paired percentile-bootstrap 95% interval over problems. Paired
 * differences are far tighter than the two conditions' own intervals suggest, since most
 * problems are solved by both or by neither.
 */
import { readFile } from 'node:fs/promises';
import { readTrajectoryRun } from '../src/store/trajectory-reader.ts';
import { bootstrapCI, pairedBootstrapCI } from '../src/eval/bootstrap.ts';
import { formatPoints } from '../src/ui/format.ts';

interface Condition {
  readonly label: string;
  readonly dirs: readonly string[];
}

function parseArgs(all: readonly string[]): { conditions: Condition[]; byParams?: string; against?: string } {
  const args = all.filter((arg) => !arg.startsWith('--by-params') && !arg.startsWith('--against='));
  const flag = all.find((arg) => arg.startsWith('--by-params'));
  const against = all.find((arg) => arg.startsWith('--against='))?.slice('--against='.length);
  if (args.length === 0 || args.includes('--help')) {
    process.stderr.write('usage: results-table.ts [--by-params[=PROBLEMS.jsonl]] [--against=LABEL] "LABEL=EVAL_DIR[,EVAL_DIR…]" …\n');
    process.exit(args.length === 0 ? 64 : 0);
  }
  const byParams = flag === undefined ? undefined : flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : 'data/suite/heldout.jsonl';
  const conditions = args.map((arg) => {
    const eq = arg.indexOf('=');
    if (eq <= 0) {
      process.stderr.write(`results-table: ${JSON.stringify(arg)}: expected LABEL=DIR[,DIR…]\n`);
      process.exit(64);
    }
    return { label: arg.slice(0, eq), dirs: arg.slice(eq + 1).split(',').filter((d) => d !== '') };
  });
  if (against !== undefined && !conditions.some((c) => c.label === against)) {
    process.stderr.write(`results-table: --against=${against}: no condition has that label\n`);
    process.exit(64);
  }
  return { conditions, ...(byParams === undefined ? {} : { byParams }), ...(against === undefined ? {} : { against }) };
}

/** Problem id → whether its family has parameters (an upper-case key in `meta`), from a JSONL file. */
async function parameterised(file: string): Promise<Map<string, boolean>> {
  const map = new Map<string, boolean>();
  (await readFile(file, 'utf8')).split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let problem: { id?: unknown; meta?: Record<string, unknown> };
    try {
      problem = JSON.parse(line) as typeof problem;
    } catch {
      process.stderr.write(`results-table: ${file}:${i + 1}: not JSON\n`);
      process.exit(65);
    }
    map.set(String(problem.id), Object.keys(problem.meta ?? {}).some((key) => /^[A-Z]+$/.test(key)));
  });
  return map;
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

const { conditions, byParams, against } = parseArgs(process.argv.slice(2));
const withParams = byParams === undefined ? undefined : await parameterised(byParams);
const loaded = await Promise.all(conditions.map(async (c) => ({ ...c, ...(await outcomesByProblem(c.dirs)) })));
const turns = Math.max(...loaded.map((c) => c.turns));
const label = (t: number): string => (t === 1 ? 'pass@1 (turn 1)' : t === turns ? `1@${t} (≤ ${t} turns)` : `≤ ${t} turns`);
const header = ['condition', 'runs', 'problems', ...Array.from({ length: turns }, (_, t) => label(t + 1))];
const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
/** Per problem, the share of its episodes solved within t turns. */
function solvedWithin(problems: readonly (readonly Outcome[])[], t: number): number[] {
  return problems.map((list) => list.filter((o) => o.solved && o.turnsUsed <= t).length / list.length);
}
/** The row of `problems` (per problem, its episodes' outcomes). */
function row(label: string, runs: number, problems: readonly (readonly Outcome[])[]): string {
  const within = (t: number): number[] => solvedWithin(problems, t);
  const cells = problems.length === 0 ? Array.from({ length: turns }, () => '–') : Array.from({ length: turns }, (_, t) => cell(within(t + 1)));
  return `| ${[label, String(runs), String(problems.length), ...cells].join(' | ')} |`;
}
for (const c of loaded) {
  lines.push(row(c.label, c.dirs.length, [...c.byProblem.values()]));
  if (withParams === undefined) continue;
  const entries = [...c.byProblem.entries()];
  const missing = entries.find(([id]) => !withParams.has(id));
  if (missing !== undefined) {
    process.stderr.write(`results-table: problem ${missing[0]} of ${c.label} is not in ${byParams}\n`);
    process.exit(65);
  }
  lines.push(row(`${c.label}, families with parameters`, c.dirs.length, entries.filter(([id]) => withParams.get(id)).map(([, list]) => list)));
  lines.push(row(`${c.label}, families without`, c.dirs.length, entries.filter(([id]) => !withParams.get(id)).map(([, list]) => list)));
}
process.stdout.write(`${lines.join('\n')}\n\nPercent of held-out problems; [95% bootstrap interval over problems]; per problem the mean over runs and rollouts.\n`);
const reference = loaded.find((c) => c.label === against);
if (reference !== undefined) {
  const diffHeader = ['condition', 'problems', ...Array.from({ length: turns }, (_, t) => `Δ ${label(t + 1)}`)];
  const diff = [`| ${diffHeader.join(' | ')} |`, `| ${diffHeader.map(() => '---').join(' | ')} |`];
  for (const c of loaded) {
    if (c === reference) continue;
    /** Problem id → share of its episodes solved within t turns. */
    const within = (byProblem: ReadonlyMap<string, readonly Outcome[]>, t: number): Map<string, number> =>
      new Map([...byProblem].map(([id, list]) => [id, solvedWithin([list], t)[0] ?? 0]));
    const paired = Array.from({ length: turns }, (_, t) => pairedBootstrapCI(within(reference.byProblem, t + 1), within(c.byProblem, t + 1), { seed: 0 }));
    const cells = paired.map((ci) => (ci === null ? '–' : `${formatPoints(ci.mean)} [${formatPoints(ci.lower)}, ${formatPoints(ci.upper)}]`));
    diff.push(`| ${[`${c.label} − ${reference.label}`, String(paired[0]?.problems ?? 0), ...cells].join(' | ')} |`);
  }
  process.stdout.write(`\n${diff.join('\n')}\n\nPoints; [95% paired bootstrap interval over the problems both conditions hold].\n`);
}
