/**
 * The execution pool's contract: what callers send and what comes back.
 * Everything here is plain data so it crosses worker and stage boundaries unchanged.
 */
import type { Test } from '../problems/problem.ts';

/** How a single test ended. `sandbox_error` is an infrastructure fault, never the model's. */
export type Verdict =
  | 'passed'
  | 'wrong_answer'
  | 'runtime_error'
  | 'timeout'
  | 'memory_limit'
  | 'output_limit'
  | 'sandbox_error';

/** Which isolation was in force for a run (reported in the startup log and in every result). */
export interface Isolation {
  /** True when the child runs in its own network namespace (no network at all). */
  readonly network: boolean;
  /** True when the child dropped to an unprivileged uid (only possible when the pool runs as root). */
  readonly unprivilegedUser: boolean;
  /** Human-readable notes on what could not be enforced, e.g. `unshare(CLONE_NEWNET) failed: EPERM`. */
  readonly notes: readonly string[];
}

/** Limits for one run. */
export interface RunLimits {
  readonly timeLimitMs: number;
  readonly memoryLimitBytes: number;
  /** Byte caps on captured output; output past the cap is dropped and reported as truncated. */
  readonly maxStdoutBytes?: number;
  readonly maxStderrBytes?: number;
}

/** One program run with one stdin: the raw outcome before any comparison. */
export interface RunResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutTruncated: boolean;
  readonly stderrTruncated: boolean;
  readonly wallMs: number;
  readonly timedOut: boolean;
  readonly memoryExceeded: boolean;
  /** Set when the sandbox itself failed (fork server died, could not create a work dir, …). */
  readonly sandboxError?: string;
}

/** Outcome of one test of a judged program. */
export interface TestOutcome {
  readonly index: number;
  readonly verdict: Verdict;
  /** The test input as shown in feedback (stdin, or a call test's `display`). */
  readonly input: string;
  readonly expected?: string;
  readonly actual?: string;
  /** Last part of stderr for runtime errors (the traceback tail). */
  readonly traceback?: string;
  readonly wallMs: number;
}

/** `first-failure` stops at the first failing test (grading); `all` runs every test (feedback). */
export type JudgeMode = 'first-failure' | 'all';

export interface JudgeRequest {
  /** The complete Python program (solution plus any prefix) to test. */
  readonly code: string;
  readonly tests: readonly Test[];
  readonly mode: JudgeMode;
  /** Per-test limits; defaults are RLEF.md §1.6 (10 s, 1 GiB). */
  readonly limits?: Partial<RunLimits>;
}

export interface JudgeResult {
  /** `passed` when every test passed; otherwise the verdict of the first failing test. */
  readonly verdict: Verdict;
  readonly outcomes: readonly TestOutcome[];
  readonly isolation: Isolation;
  readonly wallMs: number;
}

/** The pool as other stages see it. Cancelling `signal` kills the task's processes. */
export interface ExecutionPool {
  readonly isolation: Isolation;
  judge(request: JudgeRequest, signal?: AbortSignal): Promise<JudgeResult>;
  run(code: string, stdin: string, limits?: Partial<RunLimits>, signal?: AbortSignal): Promise<RunResult>;
  /**
   * Number of tasks running and queued, for the UI's stages panel. `running` counts the tasks
   * handed to workers, which hold several each and run them one at a time (`tasksPerWorker`).
   */
  stats(): { readonly running: number; readonly queued: number; readonly completed: number };
  close(): Promise<void>;
}
