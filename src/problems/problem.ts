/**
 * The one problem model every loader produces and every stage consumes.
 * Pure data: no I/O here. Loaders live beside this file, one per format.
 */

/** A stdin/stdout test: the program reads `input`, its stdout is compared with `output` (RLEF.md §1.7). */
export interface StdioTest {
  readonly kind: 'stdio';
  readonly input: string;
  readonly output: string;
}

/**
 * A function-call test: Python `code` that runs after the solution, in the same child process,
 * and passes when it exits normally (its asserts hold).
 * `display` names the test in feedback (e.g. `add(1, 2)`); `expected` is the expected value as
 * text when known. The test code may report a mismatch precisely by writing one line
 * `__RLEF_MISMATCH__ {"expected": "...", "actual": "..."}` to stderr before exiting with status 1;
 * the judge then reports `wrong_answer` with those strings. An uncaught AssertionError is also
 * `wrong_answer`; any other exception is `runtime_error`.
 */
export interface CallTest {
  readonly kind: 'call';
  readonly code: string;
  readonly display: string;
  readonly expected?: string;
}

export type Test = StdioTest | CallTest;

/** Which dataset format a problem came from. */
export type ProblemSource = 'codecontests' | 'humaneval' | 'evalplus' | 'mbpp' | 'rlef';

/** Tests by role: `public` tests give feedback; all three grade the final answer (RLEF.md §1.5). */
export interface ProblemTests {
  readonly public: readonly Test[];
  readonly private: readonly Test[];
  readonly generated: readonly Test[];
}

export interface Problem {
  /** Unique within a dataset, e.g. `HumanEval/0` or a CodeContests `name`. */
  readonly id: string;
  readonly source: ProblemSource;
  /** The text placed at `{description}` in the RLEF turn-1 prompt. */
  readonly description: string;
  readonly tests: ProblemTests;
  /** Per-test limits; undefined means the defaults (10 s, 1 GiB). */
  readonly timeLimitMs?: number;
  readonly memoryLimitBytes?: number;
  /** Python 3 reference solutions (complete programs or, for function tasks, complete modules). */
  readonly solutions: readonly string[];
  /** Known-wrong Python 3 solutions (CodeContests `incorrect_solutions`, buggy variants). */
  readonly incorrectSolutions: readonly string[];
  /** For function-call tasks: the function the tests call. */
  readonly entryPoint?: string;
  /** Code the solution is prefixed with when it only defines the function body (HumanEval prompt). */
  readonly solutionPrefix?: string;
  /** Free-form extras kept from the source (difficulty, tags, rating). */
  readonly meta?: Readonly<Record<string, string | number | boolean>>;
}

/** The defaults of RLEF.md §1.6 when a problem gives no limits. */
export const DEFAULT_TIME_LIMIT_MS = 10_000;
export const DEFAULT_MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024;

/** The run limits a problem sets itself, to pass to the execution pool (which fills in the defaults). */
export function problemLimits(problem: Problem): { timeLimitMs?: number; memoryLimitBytes?: number } {
  return {
    ...(problem.timeLimitMs === undefined ? {} : { timeLimitMs: problem.timeLimitMs }),
    ...(problem.memoryLimitBytes === undefined ? {} : { memoryLimitBytes: problem.memoryLimitBytes }),
  };
}
