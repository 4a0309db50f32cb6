/**
 * `npm run bench -- NAME [--json] [--workers N] [--rounds N]`: runs the named benchmarks (all when none is
 * named) and prints their summaries, or one JSON object per benchmark with `--json`.
 * To add a benchmark, add one entry to `benchmarks`: a name and an async function.
 */
import { parseArgs } from 'node:util';
import { benchExec } from './exec.ts';
import { benchExecBlocked } from './exec-blocked.ts';
import { benchLearner } from './learner.ts';
import { benchModelResult } from './model.ts';
import { benchPipeline } from './pipeline.ts';

/** What every benchmark gets from the command line. */
export interface BenchOptions {
  readonly workers?: number;
  /** Measured rounds, for benchmarks that repeat their workload (exec: pool and baseline alternate). */
  readonly rounds?: number;
}

/** What every benchmark reports: plain metrics (for --json) and lines for people. */
export interface BenchResult {
  readonly name: string;
  readonly metrics: Readonly<Record<string, number | string | boolean>>;
  readonly summary: readonly string[];
}

/** The registry: benchmark name → function. */
export const benchmarks: Readonly<Record<string, (options: BenchOptions) => Promise<BenchResult>>> = {
  exec: benchExec,
  'exec-blocked': benchExecBlocked,
  learner: benchLearner,
  model: benchModelResult,
  pipeline: benchPipeline,
};

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, workers: { type: 'string' }, rounds: { type: 'string' } },
  });
  const names = positionals.length > 0 ? positionals : Object.keys(benchmarks);
  const unknown = names.filter((name) => !(name in benchmarks));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark: ${unknown.join(', ')} (known: ${Object.keys(benchmarks).join(', ')})\n`);
    return 64;
  }
  const options: BenchOptions = {
    ...(values.workers === undefined ? {} : { workers: positiveInteger('--workers', values.workers) }),
    ...(values.rounds === undefined ? {} : { rounds: positiveInteger('--rounds', values.rounds) }),
  };
  for (const name of names) {
    const result = await benchmarks[name]!(options);
    if (values.json) process.stdout.write(`${JSON.stringify({ name: result.name, ...result.metrics })}\n`);
    else process.stdout.write(`${[`# ${result.name}`, ...result.summary].join('\n')}\n`);
  }
  return 0;
}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

process.exitCode = await main(process.argv.slice(2));
