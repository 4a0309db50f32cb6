/**
 * The pool's judging against real Python: stdio and call tests, modes, limits, the mismatch
 * protocol, infrastructure retries, and start-up without `--import tsx`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createExecutionPool } from '../../../src/exec/pool.ts';
import type { ExecutionPool, RunLimits } from '../../../src/exec/types.ts';
import type { Test } from '../../../src/problems/problem.ts';
import { forkServers, leftovers } from './processes.ts';

const LIMITS: Partial<RunLimits> = { timeLimitMs: 2000, memoryLimitBytes: 256 * 1024 * 1024 };
const ADD = 'a, b = map(int, input().split())\nprint(a + b)\n';
const stdio = (input: string, output: string): Test => ({ kind: 'stdio', input, output });
const call = (code: string, display: string, expected?: string): Test =>
  expected === undefined ? { kind: 'call', code, display } : { kind: 'call', code, display, expected };

let pool: ExecutionPool;

describe('the execution pool', () => {
  before(async () => {
    pool = await createExecutionPool({ workers: 2, log: () => undefined });
  });
  after(async () => {
    await pool.close();
    assert.deepEqual(forkServers(), []);
  });

  test('passes a correct stdio program and reports which isolation was in force', async () => {
    const result = await pool.judge({ code: ADD, tests: [stdio('1 2\n', '3\n'), stdio('10 -3', '7')], mode: 'all', limits: LIMITS });
    assert.equal(result.verdict, 'passed');
    assert.deepEqual(result.outcomes.map((o) => o.verdict), ['passed', 'passed']);
    assert.deepEqual(result.isolation, pool.isolation);
    assert.equal(typeof pool.isolation.network, 'boolean');
  });

  test('first-failure mode stops at the first failing test, all mode runs every test', async () => {
    const tests = [stdio('1 1', '3'), stdio('1 2', '3'), stdio('2 2', '5')];
    const first = await pool.judge({ code: ADD, tests, mode: 'first-failure', limits: LIMITS });
    assert.equal(first.verdict, 'wrong_answer');
    assert.equal(first.outcomes.length, 1);
    assert.equal(first.outcomes[0]?.actual, '2\n');
    assert.equal(first.outcomes[0]?.expected, '3');
    const all = await pool.judge({ code: ADD, tests, mode: 'all', limits: LIMITS });
    assert.deepEqual(all.outcomes.map((o) => o.verdict), ['wrong_answer', 'passed', 'wrong_answer']);
  });

  test('a runtime error carries a natural traceback naming solution.py', async () => {
    const result = await pool.judge({ code: 'def f(x):\n    return 1 // x\nprint(f(int(input())))\n', tests: [stdio('0', '1')], mode: 'all', limits: LIMITS });
    assert.equal(result.verdict, 'runtime_error');
    const traceback = result.outcomes[0]?.traceback ?? '';
    assert.match(traceback, /File "solution\.py", line 2, in f\n {4}return 1 \/\/ x/);
    assert.match(traceback, /ZeroDivisionError: integer division or modulo by zero\n$/);
    assert.doesNotMatch(traceback, /fork-server/);
  });

  test('call tests: passing asserts pass, a failing assert is a wrong answer, other exceptions are runtime errors', async () => {
    const code = 'def add(a, b):\n    return a + b\n';
    const result = await pool.judge({
      code,
      tests: [
        call('assert add(1, 2) == 3', 'add(1, 2)', '3'),
        call('assert add(2, 2) == 5', 'add(2, 2)', '5'),
        call('add(1)', 'add(1)'),
      ],
      mode: 'all',
      limits: LIMITS,
    });
    assert.deepEqual(result.outcomes.map((o) => o.verdict), ['passed', 'wrong_answer', 'runtime_error']);
    assert.equal(result.outcomes[1]?.input, 'add(2, 2)');
    assert.equal(result.outcomes[1]?.expected, '5');
    assert.match(result.outcomes[2]?.traceback ?? '', /TypeError/);
  });

  test('call tests: the __RLEF_MISMATCH__ line gives the expected and actual values', async () => {
    const testCode = [
      'import json, sys',
      'got = add(2, 2)',
      'if got != 5:',
      '    sys.stderr.write("__RLEF_MISMATCH__ " + json.dumps({"expected": "5", "actual": repr(got)}) + "\\n")',
      '    sys.exit(1)',
    ].join('\n');
    const result = await pool.judge({ code: 'def add(a, b):\n    return a + b\n', tests: [call(testCode, 'add(2, 2)', '5')], mode: 'all', limits: LIMITS });
    assert.equal(result.verdict, 'wrong_answer');
    assert.equal(result.outcomes[0]?.expected, '5');
    assert.equal(result.outcomes[0]?.actual, '4');
  });

  test('call tests: a solution that exits before the test runs does not pass', async () => {
    const result = await pool.judge({ code: 'import sys\nsys.exit(0)\n', tests: [call('assert False', 'f()')], mode: 'all', limits: LIMITS });
    assert.equal(result.verdict, 'runtime_error');
  });

  test('HumanEval-style check(entry_point) tests pass for a correct solution', async () => {
    const code = 'from typing import List\n\ndef total(xs: List[int]) -> int:\n    return sum(xs)\n';
    const testCode = 'def check(candidate):\n    assert candidate([1, 2, 3]) == 6\n    assert candidate([]) == 0\n\ncheck(total)\n';
    const result = await pool.judge({ code, tests: [call(testCode, 'check(total)')], mode: 'first-failure', limits: LIMITS });
    assert.equal(result.verdict, 'passed');
  });

  test('the problem limits apply: a tight time limit turns slow code into a timeout', async () => {
    const slow = 'import time\ntime.sleep(1.5)\nprint(1)\n';
    assert.equal((await pool.judge({ code: slow, tests: [stdio('', '1')], mode: 'all', limits: { timeLimitMs: 3000 } })).verdict, 'passed');
    assert.equal((await pool.judge({ code: slow, tests: [stdio('', '1')], mode: 'all', limits: { timeLimitMs: 500 } })).verdict, 'timeout');
  });

  test('stdin larger than a pipe buffer is fed completely', async () => {
    const numbers = Array.from({ length: 100_000 }, (_, i) => i);
    const input = `${numbers.length}\n${numbers.join(' ')}\n`;
    const expected = String(numbers.reduce((a, b) => a + b, 0));
    const code = 'import sys\ndata = sys.stdin.read().split()\nprint(sum(map(int, data[1:])))\n';
    assert.equal((await pool.judge({ code, tests: [stdio(input, expected)], mode: 'all', limits: LIMITS })).verdict, 'passed');
  });

  test('a fork server that dies mid-run is replaced and the run retried once', async () => {
    const servers = forkServers().map((info) => info.pid);
    const running = pool.run('import time\ntime.sleep(0.5)\nprint("ok")\n', '', LIMITS);
    await new Promise((resolve) => setTimeout(resolve, 150));
    for (const pid of servers) process.kill(pid, 'SIGKILL');
    const result = await running;
    assert.equal(result.sandboxError, undefined);
    assert.equal(result.stdout, 'ok\n');
    const fresh = forkServers().map((info) => info.pid);
    assert.ok(fresh.every((pid) => !servers.includes(pid)) || fresh.length < 2);
    // The killed servers' children die with them (parent-death signal), and each replacement
    // server sweeps its predecessor's sandbox uid (fork-server.py: uid = 1000000 + server pid).
    const oldUids = pool.isolation.unprivilegedUser ? servers.map((pid) => 1_000_000 + pid) : [];
    // They were killed from outside our tree, so init reaps them: give it a moment.
    const deadline = Date.now() + 5000;
    while (leftovers(oldUids).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(leftovers(oldUids), []);
  });

  test('the program ends as the interpreter would: threads joined, atexit run, output flushed', async () => {
    const code = [
      'import atexit, sys, threading',
      'sys.setrecursionlimit(10**6)',
      'threading.stack_size(1 << 26)',
      'atexit.register(lambda: print("bye"))',
      'def main():',
      '    def depth(n):',
      '        return 0 if n == 0 else 1 + depth(n - 1)',
      '    print(depth(int(input())))',
      'threading.Thread(target=main).start()',
    ].join('\n');
    const result = await pool.judge({ code, tests: [stdio('50000', '50000 bye')], mode: 'all', limits: LIMITS });
    assert.equal(result.verdict, 'passed', JSON.stringify(result.outcomes[0]));
  });

  test('each run starts in a fresh, empty, writable work dir with an empty environment', async () => {
    const code = [
      'import os',
      'print(len(os.listdir(".")), os.getcwd() == os.environ["HOME"])',
      'print(sorted(os.environ))',
      'open("left-behind.txt", "w").write("x")',
    ].join('\n');
    const expected = "0 True\n['HOME', 'LANG', 'OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'PATH', 'PYTHONHASHSEED']\n";
    for (let i = 0; i < 4; i++) {
      const run = await pool.run(code, '', LIMITS);
      assert.equal(run.stdout, expected, run.stderr);
    }
  });

  test('stats count completed tasks', async () => {
    const before = pool.stats().completed;
    await Promise.all([pool.run('print(1)', ''), pool.run('print(2)', ''), pool.run('print(3)', '')]);
    const stats = pool.stats();
    assert.equal(stats.completed, before + 3);
    assert.equal(stats.running, 0);
    assert.equal(stats.queued, 0);
  });
});

test('the pool works when tsx is registered programmatically, as bin/rlef does', async () => {
  const script = [
    "import { register } from 'tsx/esm/api';",
    'register();',
    "const { createExecutionPool } = await import('./src/exec/pool.ts');",
    'const pool = await createExecutionPool({ workers: 1 });',
    "const result = await pool.judge({ code: 'print(input()[::-1])', tests: [{ kind: 'stdio', input: 'abc', output: 'cba' }], mode: 'all' });",
    'await pool.close();',
    'console.log(result.verdict);',
  ].join('\n');
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('../../../', import.meta.url).pathname,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  assert.equal(stdout.trim(), 'passed');
});
