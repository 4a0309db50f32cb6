/**
 * `rlef judge` as a function: load a dataset, judge reference or given solutions in a fresh pool,
 * print counts (or one JSON object per problem). Exit-code policy lives in the CLI: failing
 * solutions are results, not errors; bad input throws `InputError`/`UsageError`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createExecutionPool } from '../exec/pool.ts';
import { loadProblems } from '../problems/load.ts';
import type { FormatOption } from '../problems/load.ts';
import { UsageError } from './errors.ts';
import type { ExecutionPool } from '../exec/types.ts';
import type { ProblemVerdict, Submission, TestSelection } from './judge.ts';
import { judgeSubmissions, readSolutionSubmissions, referenceSubmissions, summarize, summaryLines, verdictJson } from './judge.ts';

export interface JudgeCommandOptions {
  readonly data: string;
  readonly format: FormatOption;
  /** Judge each problem's first reference solution. */
  readonly canonical: boolean;
  /** Or judge the programs of this JSONL of `{problem_id, code}`. */
  readonly solutions?: string;
  readonly tests: TestSelection;
  readonly json: boolean;
  readonly workers?: number;
  /** Where EvalPlus expected outputs are cached; `false` for none. */
  readonly cacheDir?: string | false;
}

export interface JudgeCommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** The default cache of EvalPlus expected outputs: `$XDG_CACHE_HOME/rlef/evalplus`. */
export function defaultCacheDir(): string {
  return join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'rlef', 'evalplus');
}

/** Runs the command; returns the number of problems that passed and failed. */
export async function runJudgeCommand(options: JudgeCommandOptions, io: JudgeCommandIo): Promise<{ passed: number; failed: number }> {
  if (options.canonical === (options.solutions !== undefined)) {
    throw new UsageError('judge: give exactly one of --canonical and --solutions FILE');
  }
  const progress = io.stderr.isTTY === true ? (text: string) => io.stderr.write(`\r\x1b[2K${text}`) : undefined;
  const pool = await createExecutionPool(options.workers === undefined ? {} : { workers: options.workers });
  try {
    const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
    const problems = await loadProblems(options.data, {
      format: options.format,
      pool,
      ...(cacheDir === false ? {} : { cacheDir }),
      ...(progress === undefined ? {} : { onProgress: (done: number, total: number) => progress(`computing expected outputs ${done}/${total}`) }),
    });
    const { submissions, skipped } = options.solutions === undefined
      ? referenceSubmissions(problems)
      : await readSolutionSubmissions(options.solutions, problems);
    const results = await judge(submissions, pool, options, io, progress);
    progress?.('');
    if (skipped.length > 0) {
      const why = options.canonical ? 'no reference solution' : 'no solution in the file';
      io.stderr.write(`skipped ${skipped.length} problem(s) with ${why}: ${preview(skipped)}\n`);
    }
    const summary = summarize(results, skipped.length);
    if (!options.json) io.stdout.write(`${summaryLines(summary).join('\n')}\n`);
    return { passed: summary.passed, failed: summary.failed };
  } finally {
    await pool.close();
  }
}

async function judge(
  submissions: readonly Submission[],
  pool: ExecutionPool,
  options: JudgeCommandOptions,
  io: JudgeCommandIo,
  progress: ((text: string) => void) | undefined,
): Promise<ProblemVerdict[]> {
  // JSON lines come out in dataset order: each waits for the results before it.
  const ready: (Record<string, unknown> | undefined)[] = [];
  let printed = 0;
  let done = 0;
  let passed = 0;
  return judgeSubmissions(submissions, {
    pool,
    tests: options.tests,
    onResult: (result, index) => {
      done++;
      if (result.verdict === 'passed') passed++;
      progress?.(`judged ${done}/${submissions.length}, ${passed} passed`);
      if (!options.json) return;
      ready[index] = verdictJson(result);
      while (ready[printed] !== undefined) {
        io.stdout.write(`${JSON.stringify(ready[printed])}\n`);
        ready[printed++] = undefined;
      }
    },
  });
}

function preview(ids: readonly string[]): string {
  return ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')}, …`;
}
