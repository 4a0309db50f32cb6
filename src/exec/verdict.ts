/**
 * Turns one raw run into a test outcome: the verdict rules of the pool, kept pure so they are
 * tested without processes.
 */
import type { Test } from '../problems/problem.ts';
import type { TestOutcome, Verdict } from './types.ts';
import type { ServerRunResult } from './fork-server-client.ts';
import { outputsMatch } from './compare.ts';

/** The stderr line a call test writes to report a precise mismatch (problem.ts, CallTest). */
export const MISMATCH_MARKER = '__RLEF_MISMATCH__';

/** How much of stderr an outcome keeps (feedback shows the last 512 characters). */
export const TRACEBACK_KEEP_CHARS = 2048;

/** The text shown for a test in feedback: stdin for stdio tests, `display` for call tests. */
export function testInput(test: Test): string {
  return test.kind === 'stdio' ? test.input : test.display;
}

/** Classifies one run of `test` (RLEF verdicts; see types.ts). */
export function classify(test: Test, index: number, run: ServerRunResult): TestOutcome {
  const base = { index, input: testInput(test), wallMs: run.wallMs };
  const expected = test.kind === 'stdio' ? test.output : test.expected;
  const withExpected = expected === undefined ? base : { ...base, expected };
  const simple = (verdict: Verdict): TestOutcome => ({ ...withExpected, verdict });
  if (run.sandboxError !== undefined) return { ...simple('sandbox_error'), traceback: run.sandboxError };
  if (run.timedOut) return simple('timeout');
  if (run.stdoutTruncated) return simple('output_limit');
  if (run.memoryExceeded) return { ...simple('memory_limit'), traceback: tail(run.stderr) };
  const failed = run.exitCode !== 0 || run.signal !== null;
  if (test.kind === 'stdio') {
    if (failed) return runtimeError(withExpected, run);
    if (outputsMatch(test.output, run.stdout)) return simple('passed');
    return { ...base, verdict: 'wrong_answer', expected: test.output, actual: run.stdout };
  }
  if (!failed) {
    if (run.testCompleted) return simple('passed');
    // Exit status 0 without the test's own completion mark: the solution exited before the test ran.
    return { ...simple('runtime_error'), traceback: tail(run.stderr) + 'SystemExit: the program exited before the test finished\n' };
  }
  const mismatch = parseMismatch(run.stderr);
  if (mismatch !== undefined) return { ...base, verdict: 'wrong_answer', ...mismatch };
  if (lastExceptionLine(run.stderr).startsWith('AssertionError')) {
    return { ...simple('wrong_answer'), traceback: tail(run.stderr) };
  }
  return runtimeError(withExpected, run);
}

function runtimeError(base: Omit<TestOutcome, 'verdict'>, run: ServerRunResult): TestOutcome {
  let traceback = tail(run.stderr);
  if (run.signal !== null) traceback += `${traceback === '' || traceback.endsWith('\n') ? '' : '\n'}Killed by signal ${run.signal}\n`;
  else if (traceback === '') traceback = `Exited with status ${run.exitCode}\n`;
  return { ...base, verdict: 'runtime_error', traceback };
}

/** The `{expected, actual}` of the last `__RLEF_MISMATCH__ {json}` line in stderr, if any. */
export function parseMismatch(stderr: string): { expected: string; actual: string } | undefined {
  const lines = stderr.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (!line.startsWith(MISMATCH_MARKER)) continue;
    try {
      const value: unknown = JSON.parse(line.slice(MISMATCH_MARKER.length));
      if (typeof value === 'object' && value !== null) {
        const { expected, actual } = value as Record<string, unknown>;
        return { expected: asText(expected), actual: asText(actual) };
      }
    } catch {
      // A malformed marker line is ignored; the exit status still decides.
    }
  }
  return undefined;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

function lastExceptionLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  return lines[lines.length - 1] ?? '';
}

function tail(text: string): string {
  return text.length > TRACEBACK_KEEP_CHARS ? text.slice(-TRACEBACK_KEEP_CHARS) : text;
}
