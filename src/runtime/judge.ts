/**
 * The judge behind `rlef judge`: runs one program per problem (a reference solution or a given one)
 * on the problem's tests in the execution pool and reports a verdict per problem, plus counts.
 */
import type { ExecutionPool, TestOutcome, Verdict } from '../exec/types.ts';
import { problemLimits, type Problem, type Test } from '../problems/problem.ts';
import { assembleSolution, referenceSolution } from '../problems/solution.ts';
import { Fields, parseJsonObject } from '../problems/fields.ts';
import { readLines } from '../problems/read-lines.ts';
import { InputError } from './errors.ts';

/** `public`: the feedback tests only; `all`: public + private + generated (grading). */
export type TestSelection = 'public' | 'all';
export type TestRole = 'public' | 'private' | 'generated';

/** A program to judge for one problem. */
export interface Submission {
  readonly problem: Problem;
  /** The complete program, already assembled (see `assembleSolution`). */
  readonly code: string;
}

/** The first failing test of a problem, as far as it can be shown. */
export interface FailedTest {
  readonly role: TestRole;
  /** Index within its role's list. */
  readonly index: number;
  readonly verdict: Verdict;
  readonly input: string;
  readonly expected?: string;
  readonly actual?: string;
  readonly traceback?: string;
}

export interface ProblemVerdict {
  readonly problemId: string;
  /** `passed`, or the verdict of the first failing test. */
  readonly verdict: Verdict;
  readonly testsRun: number;
  readonly testsTotal: number;
  readonly failure?: FailedTest;
  readonly wallMs: number;
}

export interface JudgeOptions {
  readonly pool: ExecutionPool;
  /** Default `all`. */
  readonly tests?: TestSelection;
  /** Problems judged at once (default 8; the pool's workers bound the real parallelism). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Called once per problem, in completion order. */
  readonly onResult?: (result: ProblemVerdict, index: number) => void;
}

/** The tests of a problem for a selection, each with its role and index within the role. */
export function selectTests(problem: Problem, which: TestSelection): { test: Test; role: TestRole; index: number }[] {
  const roles: TestRole[] = which === 'public' ? ['public'] : ['public', 'private', 'generated'];
  return roles.flatMap((role) => problem.tests[role].map((test, index) => ({ test, role, index })));
}

/** Judges every submission (stopping each at its first failing test); results in input order. */
export async function judgeSubmissions(submissions: readonly Submission[], options: JudgeOptions): Promise<ProblemVerdict[]> {
  const results = new Array<ProblemVerdict>(submissions.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < submissions.length) {
      const index = next++;
      const result = await judgeOne(submissions[index]!, options);
      results[index] = result;
      options.onResult?.(result, index);
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? 8, submissions.length));
  await Promise.all(Array.from({ length: lanes }, worker));
  return results;
}

async function judgeOne({ problem, code }: Submission, options: JudgeOptions): Promise<ProblemVerdict> {
  const selected = selectTests(problem, options.tests ?? 'all');
  const limits = problemLimits(problem);
  if (selected.length === 0) {
    // A problem with no tests at all cannot be shown correct: it counts as failed.
    const failure: FailedTest = { role: 'public', index: 0, verdict: 'wrong_answer', input: '(the problem has no tests)' };
    return { problemId: problem.id, verdict: 'wrong_answer', testsRun: 0, testsTotal: 0, failure, wallMs: 0 };
  }
  const result = await options.pool.judge({ code, tests: selected.map((s) => s.test), mode: 'first-failure', limits }, options.signal);
  const failed = result.outcomes.find((outcome) => outcome.verdict !== 'passed');
  const base = { problemId: problem.id, testsRun: result.outcomes.length, testsTotal: selected.length, wallMs: result.wallMs };
  if (failed === undefined) return { ...base, verdict: 'passed' };
  const where = selected[failed.index]!;
  return { ...base, verdict: failed.verdict, failure: failureOf(failed, where.role, where.index) };
}

function failureOf(outcome: TestOutcome, role: TestRole, index: number): FailedTest {
  return {
    role,
    index,
    verdict: outcome.verdict,
    input: outcome.input,
    ...(outcome.expected === undefined ? {} : { expected: outcome.expected }),
    ...(outcome.actual === undefined ? {} : { actual: outcome.actual }),
    ...(outcome.traceback === undefined ? {} : { traceback: outcome.traceback }),
  };
}

/** Submissions of each problem's first reference solution; problems without one are listed apart. */
export function referenceSubmissions(problems: readonly Problem[]): { submissions: Submission[]; skipped: string[] } {
  const submissions: Submission[] = [];
  const skipped: string[] = [];
  for (const problem of problems) {
    const code = referenceSolution(problem);
    if (code === undefined) skipped.push(problem.id);
    else submissions.push({ problem, code });
  }
  return { submissions, skipped };
}

/**
 * Reads a solutions file, JSONL of `{"problem_id": ..., "code": ...}`, into submissions in dataset
 * order; each code is assembled with `assembleSolution`. An unknown or repeated problem id is an
 * InputError; problems without a solution are listed apart.
 */
export async function readSolutionSubmissions(file: string, problems: readonly Problem[]): Promise<{ submissions: Submission[]; skipped: string[] }> {
  const byId = new Map(problems.map((problem) => [problem.id, problem]));
  const codes = new Map<string, string>();
  const lines = new Map<string, number>();
  for await (const { line, text } of readLines(file)) {
    const fields = new Fields({ file, line }, parseJsonObject(file, line, text));
    const id = fields.id('problem_id');
    const code = fields.string('code');
    if (!byId.has(id)) throw new InputError(file, line, `unknown problem_id ${JSON.stringify(id)}: not in the dataset`);
    const first = lines.get(id);
    if (first !== undefined) throw new InputError(file, line, `a second solution for ${JSON.stringify(id)} (the first is on line ${first})`);
    codes.set(id, code);
    lines.set(id, line);
  }
  if (codes.size === 0) throw new InputError(file, undefined, 'no solutions (the file is empty)');
  const submissions: Submission[] = [];
  const skipped: string[] = [];
  for (const problem of problems) {
    const code = codes.get(problem.id);
    if (code === undefined) skipped.push(problem.id);
    else submissions.push({ problem, code: assembleSolution(problem, code) });
  }
  return { submissions, skipped };
}

/** Counts by verdict, and problems passed and failed. */
export interface JudgeSummary {
  readonly counts: ReadonlyMap<Verdict, number>;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export function summarize(results: readonly ProblemVerdict[], skipped = 0): JudgeSummary {
  const counts = new Map<Verdict, number>();
  for (const result of results) counts.set(result.verdict, (counts.get(result.verdict) ?? 0) + 1);
  const passed = counts.get('passed') ?? 0;
  return { counts, passed, failed: results.length - passed, skipped };
}

/** The summary as text lines; the last is `N passed, M failed` (`, K skipped` when K > 0). */
export function summaryLines(summary: JudgeSummary): string[] {
  const order: Verdict[] = ['passed', 'wrong_answer', 'runtime_error', 'timeout', 'memory_limit', 'output_limit', 'sandbox_error'];
  const shown = order.filter((verdict) => (summary.counts.get(verdict) ?? 0) > 0);
  const width = Math.max(0, ...shown.map((verdict) => verdict.length));
  const lines = shown.map((verdict) => `${verdict.padEnd(width)}  ${summary.counts.get(verdict) ?? 0}`);
  const skipped = summary.skipped > 0 ? `, ${summary.skipped} skipped` : '';
  lines.push(`${summary.passed} passed, ${summary.failed} failed${skipped}`);
  return lines;
}

/** One problem's result as a JSON-ready object (long texts cut to `limit` characters). */
export function verdictJson(result: ProblemVerdict, limit = 2000): Record<string, unknown> {
  const cut = (text: string | undefined): string | undefined =>
    text === undefined || text.length <= limit ? text : `${text.slice(0, limit)}...`;
  const failure = result.failure === undefined ? undefined : {
    role: result.failure.role,
    index: result.failure.index,
    verdict: result.failure.verdict,
    input: cut(result.failure.input),
    expected: cut(result.failure.expected),
    actual: cut(result.failure.actual),
    traceback: cut(result.failure.traceback),
  };
  return {
    problem_id: result.problemId,
    verdict: result.verdict,
    passed: result.verdict === 'passed',
    tests_run: result.testsRun,
    tests_total: result.testsTotal,
    wall_ms: Math.round(result.wallMs),
    ...(failure === undefined ? {} : { failure }),
  };
}
