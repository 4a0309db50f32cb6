/**
 * Hostile programs against the real pool: each gets the right verdict, leaves no process and no
 * temp dir behind, and the pool keeps serving afterwards.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { createExecutionPool } from '../../../src/exec/pool.ts';
import type { ExecutionPool, JudgeResult, RunLimits, Verdict } from '../../../src/exec/types.ts';
import { forkServers, leftovers } from './processes.ts';

const SECRET = `rlef-secret-${process.pid}-${Date.now()}`;
const LIMITS: Partial<RunLimits> = { timeLimitMs: 1000, memoryLimitBytes: 256 * 1024 * 1024, maxStdoutBytes: 1 << 20 };
const MARK = `rlef-escape-${process.pid}`;

let pool: ExecutionPool;
const uidsSeen = new Set<number>();
let tmpBefore: Set<string>;

function rlefTempDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('rlef-exec-'));
}

async function judge(code: string, input = '', output = '', limits = LIMITS): Promise<JudgeResult> {
  return pool.judge({ code, tests: [{ kind: 'stdio', input, output }], mode: 'all', limits });
}

/** The checks every hostile test ends with. */
async function assertCleanAndServing(): Promise<void> {
  assert.deepEqual(leftovers([...uidsSeen]), [], 'a sandboxed process outlived its run');
  const temps = rlefTempDirs().filter((name) => !tmpBefore.has(name));
  const ok = await judge('print(int(input()) + 1)', '41\n', '42\n');
  assert.equal(ok.verdict, 'passed', 'the pool stopped serving');
  // A fork server keeps one scratch dir while it lives (only without a mount namespace); runs add none.
  assert.ok(temps.length <= forkServers().length, `temp dirs left: ${temps.join(', ')}`);
}

async function expectVerdict(code: string, verdict: Verdict, input = '', output = ''): Promise<JudgeResult> {
  const result = await judge(code, input, output);
  assert.equal(result.verdict, verdict, JSON.stringify(result.outcomes[0]));
  await assertCleanAndServing();
  return result;
}

describe('the sandbox', () => {
  before(async () => {
    process.env['RLEF_TEST_SECRET'] = SECRET;
    tmpBefore = new Set(rlefTempDirs());
    pool = await createExecutionPool({ workers: 2, log: () => undefined });
    // Learn the sandbox uids so leftover checks also look for processes that escaped the tree.
    for (let i = 0; i < 4; i++) {
      const run = await pool.run('import os\nprint(os.getuid())', '', LIMITS);
      if (pool.isolation.unprivilegedUser) uidsSeen.add(Number(run.stdout.trim()));
    }
  });
  after(async () => {
    await pool.close();
    delete process.env['RLEF_TEST_SECRET'];
    assert.deepEqual(forkServers(), [], 'a fork server outlived close()');
  });

  test('an infinite loop times out', async () => {
    await expectVerdict('while True:\n    pass\n', 'timeout');
  });

  test('sleeping past the limit times out', async () => {
    await expectVerdict('import time\ntime.sleep(30)\n', 'timeout');
  });

  test('a fork bomb times out and leaves no process behind', async () => {
    await expectVerdict('import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n', 'timeout');
  });

  test('a memory bomb is a memory limit, not a runtime error', async () => {
    await expectVerdict('blocks = []\nwhile True:\n    blocks.append(bytearray(10**7))\n', 'memory_limit');
    await expectVerdict('s = " " * (10**10)\n', 'memory_limit');
  });

  test('a flood of output is cut at the cap and reported as an output limit', async () => {
    await expectVerdict('while True:\n    print("x" * 4096)\n', 'output_limit');
    const run = await pool.run('while True:\n    print("x" * 4096)\n', '', LIMITS);
    assert.equal(run.stdoutTruncated, true);
    assert.ok(run.stdout.length <= (LIMITS.maxStdoutBytes ?? 0));
  });

  test('deep recursion is a runtime error', async () => {
    const plain = await expectVerdict('def f(n):\n    return f(n + 1) + 1\nf(0)\n', 'runtime_error');
    assert.match(plain.outcomes[0]?.traceback ?? '', /RecursionError/);
    // Recursion through C code (map) with the limit lifted overflows the C stack: a crash, not a hang.
    const code = 'import sys\nsys.setrecursionlimit(10**8)\ndef f(n):\n    return list(map(f, [n + 1]))\nf(0)\n';
    const crash = await judge(code, '', '', { ...LIMITS, timeLimitMs: 5000 });
    assert.equal(crash.verdict, 'runtime_error', JSON.stringify(crash.outcomes[0]));
    assert.match(crash.outcomes[0]?.traceback ?? '', /SIGSEGV/);
    await assertCleanAndServing();
  });

  test('connecting a socket fails: the child has no network', async (t) => {
    if (!pool.isolation.network) {
      t.skip(`no network namespace here: ${pool.isolation.notes.join('; ')}`);
      return;
    }
    let connections = 0;
    const server: Server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const result = await expectVerdict(
        `import socket\nsocket.create_connection(("127.0.0.1", ${port}), timeout=0.5)\nprint("connected")\n`,
        'runtime_error', '', 'connected',
      );
      assert.match(result.outcomes[0]?.traceback ?? '', /Error/);
      await expectVerdict('import socket\nsocket.create_connection(("1.1.1.1", 53), timeout=0.5)\n', 'runtime_error');
      assert.equal(connections, 0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('writing outside the work dir does not reach the host', async () => {
    const targets = [`/tmp/${MARK}`, `/var/tmp/${MARK}`, `/dev/shm/${MARK}`, `${process.cwd()}/${MARK}`, `/etc/${MARK}`, `/root/${MARK}`];
    const code = [
      'import os',
      `for path in ${JSON.stringify(targets)}:`,
      '    try:',
      '        with open(path, "w") as f:',
      '            f.write("escaped")',
      '    except OSError:',
      '        pass',
      'open("inside.txt", "w").write("fine")',
      'print(open("inside.txt").read())',
    ].join('\n');
    await expectVerdict(code, 'passed', '', 'fine');
    for (const path of targets) assert.equal(existsSync(path), false, `${path} was written from the sandbox`);
  });

  test("the child cannot read the parent's environment", async () => {
    assert.equal(process.env['RLEF_TEST_SECRET'], SECRET);
    const code = [
      'import os',
      'print(sorted(os.environ.items()))',
      `for pid in ("self", str(os.getppid()), "${process.pid}"):`,
      '    try:',
      '        print(open("/proc/%s/environ" % pid, "rb").read())',
      '    except OSError as e:',
      '        print("denied", pid, e.errno)',
    ].join('\n');
    const run = await pool.run(code, '', LIMITS);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.ok(!run.stdout.includes(SECRET), 'the secret leaked into the sandbox');
    assert.ok(!run.stdout.includes('RLEF_TEST_SECRET'));
    await assertCleanAndServing();
  });

  test('killing the parent process is refused and the pool keeps serving', async () => {
    const before = forkServers().map((info) => info.pid).sort();
    await expectVerdict('import os\nos.kill(os.getppid(), 9)\n', 'runtime_error');
    assert.deepEqual(forkServers().map((info) => info.pid).sort(), before, 'a fork server was killed');
  });

  test('a double-fork daemon does not outlive the run', async () => {
    const code = [
      'import os, sys, time',
      'if os.fork() == 0:',
      '    os.setsid()',
      '    if os.fork() == 0:',
      '        sys.stdout.close()',
      '        time.sleep(60)',
      '    os._exit(0)',
      'time.sleep(0.1)',
      'print("parent done")',
    ].join('\n');
    await expectVerdict(code, 'passed', '', 'parent done');
  });

  test('a daemon that keeps stdout open does not hold the run until the limit', async () => {
    const code = 'import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(60)\nprint("done")\n';
    const result = await expectVerdict(code, 'passed', '', 'done');
    assert.equal(result.outcomes[0]?.verdict, 'passed');
  });

  test('a program that ignores SIGTERM is still killed at the limit', async () => {
    const code = 'import signal, time\nfor s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):\n    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.05)\n';
    await expectVerdict(code, 'timeout');
  });

  test('a ctypes segfault is a runtime error naming the signal', async () => {
    const result = await expectVerdict('import ctypes\nctypes.string_at(0)\n', 'runtime_error');
    assert.match(result.outcomes[0]?.traceback ?? '', /SIGSEGV/);
  });

  test('closing stdout early ends the run with the output so far', async () => {
    await expectVerdict('import sys, time\nprint("partial")\nsys.stdout.close()\ntime.sleep(0.1)\n', 'wrong_answer', '', 'partial more');
    await expectVerdict('import os\nos.close(1)\nprint("lost")\n', 'runtime_error', '', 'lost');
  });

  test('cancelling through an AbortSignal kills the running program', async () => {
    const controller = new AbortController();
    const running = pool.run('while True:\n    pass\n', '', { ...LIMITS, timeLimitMs: 30_000 }, controller.signal);
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(running, (error: unknown) => error instanceof Error && error.name === 'AbortError');
    // The aborted worker's fork server notices its pipe closing and kills its child; wait for it.
    const deadline = Date.now() + 5000;
    while (leftovers([...uidsSeen]).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await assertCleanAndServing();
  });

  test('cancelling one task does not fail the tasks queued behind it on the same worker', async () => {
    // One worker, so the others really wait behind the endless loop (none can move elsewhere).
    const single = await createExecutionPool({ workers: 1, log: () => undefined });
    try {
      const controller = new AbortController();
      const started = Date.now();
      const running = single.run('while True:\n    pass\n', '', { ...LIMITS, timeLimitMs: 30_000 }, controller.signal);
      const others = Array.from({ length: 8 }, (_, i) =>
        single.run(`print(${i})\n`, '', LIMITS, new AbortController().signal).then((result) => ({ result, at: Date.now() - started })));
      setTimeout(() => controller.abort(), 300);
      await assert.rejects(running, (error: unknown) => error instanceof Error && error.name === 'AbortError');
      const done = await Promise.all(others);
      done.forEach(({ result }, i) => assert.equal(result.stdout, `${i}\n`));
      assert.ok(done.some(({ at }) => at >= 300), 'no task waited behind the cancelled one');
      assert.equal((await single.run('print(7)', '', LIMITS)).stdout, '7\n', 'the worker stopped serving');
    } finally {
      await single.close();
    }
    const deadline = Date.now() + 5000;
    while (leftovers([...uidsSeen]).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await assertCleanAndServing();
  });
});
