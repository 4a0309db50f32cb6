import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, parseMismatch } from '../../../src/exec/verdict.ts';
import type { ServerRunResult } from '../../../src/exec/fork-server-client.ts';
import type { Test } from '../../../src/problems/problem.ts';

const run = (fields: Partial<ServerRunResult>): ServerRunResult => ({
  exitCode: 0, signal: null, stdout: '', stderr: '', stdoutTruncated: false, stderrTruncated: false,
  wallMs: 1, timedOut: false, memoryExceeded: false, testCompleted: false, ...fields,
});
const stdio: Test = { kind: 'stdio', input: '1 2', output: '3' };
const callTest: Test = { kind: 'call', code: 'assert f() == 1', display: 'f()', expected: '1' };

describe('verdicts', () => {
  test('infrastructure faults are sandbox errors whatever else happened', () => {
    assert.equal(classify(stdio, 0, run({ sandboxError: 'fork server exited', timedOut: true })).verdict, 'sandbox_error');
  });

  test('limits come before exit status: timeout, output limit, memory limit', () => {
    assert.equal(classify(stdio, 0, run({ timedOut: true, exitCode: null, signal: 'SIGKILL' })).verdict, 'timeout');
    assert.equal(classify(stdio, 0, run({ stdoutTruncated: true, exitCode: null, signal: 'SIGKILL' })).verdict, 'output_limit');
    assert.equal(classify(stdio, 0, run({ memoryExceeded: true, exitCode: 1, stderr: 'MemoryError\n' })).verdict, 'memory_limit');
  });

  test('stdio output is compared token by token', () => {
    assert.equal(classify(stdio, 0, run({ stdout: '3\n' })).verdict, 'passed');
    const wrong = classify(stdio, 2, run({ stdout: '4\n' }));
    assert.deepEqual(wrong, { index: 2, input: '1 2', wallMs: 1, verdict: 'wrong_answer', expected: '3', actual: '4\n' });
  });

  test('a crash by signal is a runtime error that names the signal', () => {
    const outcome = classify(stdio, 0, run({ exitCode: null, signal: 'SIGSEGV' }));
    assert.equal(outcome.verdict, 'runtime_error');
    assert.match(outcome.traceback ?? '', /SIGSEGV/);
  });

  test('call tests pass only when the test code itself finished', () => {
    assert.equal(classify(callTest, 0, run({ testCompleted: true })).verdict, 'passed');
    assert.equal(classify(callTest, 0, run({ testCompleted: false })).verdict, 'runtime_error');
  });

  test('call tests: AssertionError is a wrong answer, other exceptions runtime errors', () => {
    const assertion = 'Traceback (most recent call last):\n  File "test.py", line 1, in <module>\nAssertionError\n';
    assert.equal(classify(callTest, 0, run({ exitCode: 1, stderr: assertion })).verdict, 'wrong_answer');
    const typeError = 'Traceback (most recent call last):\nTypeError: bad\n';
    assert.equal(classify(callTest, 0, run({ exitCode: 1, stderr: typeError })).verdict, 'runtime_error');
  });

  test('the mismatch line gives expected and actual, the last line winning', () => {
    const stderr = '__RLEF_MISMATCH__ {"expected": "1", "actual": "0"}\nnoise\n__RLEF_MISMATCH__ {"expected": [1], "actual": "2"}\n';
    assert.deepEqual(parseMismatch(stderr), { expected: '[1]', actual: '2' });
    assert.equal(parseMismatch('__RLEF_MISMATCH__ not json\n'), undefined);
    const outcome = classify(callTest, 0, run({ exitCode: 1, stderr }));
    assert.equal(outcome.verdict, 'wrong_answer');
    assert.equal(outcome.actual, '2');
  });
});
