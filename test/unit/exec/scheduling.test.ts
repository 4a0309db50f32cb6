/**
 * How the pool spreads tasks over its workers: tasks start in the order they were submitted,
 * cancellable tasks are held several per worker like the others, tasks waiting behind a slow one
 * move to an idle worker, and a task cancelled before it starts never runs.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createExecutionPool } from '../../../src/exec/pool.ts';
import type { ExecutionPool, RunLimits } from '../../../src/exec/types.ts';
import { leftovers } from './processes.ts';

const LIMITS: Partial<RunLimits> = { timeLimitMs: 5000, memoryLimitBytes: 256 * 1024 * 1024 };

/** Runs `body` with a fresh pool of `workers` workers holding `tasksPerWorker` tasks each, then closes it. */
async function withPool<T>(workers: number, tasksPerWorker: number, body: (pool: ExecutionPool) => Promise<T>): Promise<T> {
  const pool = await createExecutionPool({ workers, tasksPerWorker, log: () => undefined });
  try {
    return await body(pool);
  } finally {
    await pool.close();
  }
}

function blockMainThread(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy, as a PPO update keeps the main thread
  }
}

/**
 * Two workers: one slow task, then 16 quick ones (checked for their output), optionally blocking
 * this thread for `blockMs` right after submitting; returns how many quick ones finished only
 * after the slow one.
 */
async function quickBehindSlow(o: { slowSeconds: number; quickCode: (i: number) => string; blockMs?: number }): Promise<number> {
  return withPool(2, 16, async (pool) => {
    await Promise.all([pool.run('pass', '', LIMITS), pool.run('pass', '', LIMITS)]);
    const slow = pool.run(`import time\ntime.sleep(${o.slowSeconds})\nprint("slow")`, '', LIMITS).then(() => Date.now());
    const quick = Array.from({ length: 16 }, (_, i) => pool.run(o.quickCode(i), '', LIMITS, new AbortController().signal)
      .then((result) => ({ at: Date.now(), stdout: result.stdout })));
    if (o.blockMs !== undefined) blockMainThread(o.blockMs);
    const quickDone = await Promise.all(quick);
    const slowDone = await slow;
    quickDone.forEach(({ stdout }, i) => assert.equal(stdout, `${i}\n`));
    return quickDone.filter(({ at }) => at >= slowDone).length;
  });
}

describe('pool scheduling', () => {
  test('tasks start in the order they were submitted, also while every worker is full', async () => {
    // Piscina's default puts a task back at the end of its queue whenever the balancer finds every
    // worker full, so under load an early task could start last (HumanEval's slowest test did).
    await withPool(1, 2, async (pool) => {
      await pool.run('pass', '', LIMITS);
      const runs = Array.from({ length: 12 }, () => pool.run('import time\nprint(time.monotonic_ns())', '', LIMITS));
      const started = (await Promise.all(runs)).map((result) => Number(result.stdout.trim()));
      const order = started.map((at, i) => ({ at, i })).sort((a, b) => a.at - b.at).map(({ i }) => i);
      assert.deepEqual(order, order.slice().sort((a, b) => a - b), `tasks ran in the order ${order.join(' ')}`);
    });
  });

  test('a worker holds several cancellable tasks and runs them while the main thread is blocked', async () => {
    await withPool(1, 16, async (pool) => {
      await pool.run('pass', '', LIMITS); // the worker is up and warm
      const started = Date.now();
      const runs = Array.from({ length: 8 }, (_, i) =>
        pool.run(`import time\ntime.sleep(0.02)\nprint(time.time(), ${i})`, '', LIMITS, new AbortController().signal));
      blockMainThread(1500);
      const blockEnded = Date.now();
      const results = await Promise.all(runs);
      const finishedAt = results.map((result) => Number(result.stdout.split(' ')[0]) * 1000);
      const during = finishedAt.filter((at) => at >= started && at < blockEnded).length;
      // Handed over one at a time, only the first would run before the main thread is free again.
      assert.equal(during, 8, `only ${during} of 8 ran while the main thread was blocked`);
    });
  });

  test('tasks waiting behind a slow one move to an idle worker', async () => {
    // The least busy worker gets each next task, so about half of the quick ones land behind the slow one.
    const late = await quickBehindSlow({ slowSeconds: 2, quickCode: (i) => `print(${i})` });
    assert.equal(late, 0, `${late} quick tasks waited for the slow one although the other worker was idle`);
  });

  test('tasks waiting behind a slow one still move once a blocked main thread is free again', async () => {
    // The other worker runs out of work (≈ 8 × 30 ms) while this thread is blocked: it may not
    // ask then (tasks given back would wait for this thread), but must ask once the thread is free.
    const late = await quickBehindSlow({ slowSeconds: 2.5, quickCode: (i) => `import time\ntime.sleep(0.03)\nprint(${i})`, blockMs: 800 });
    assert.equal(late, 0, `${late} quick tasks waited for the slow one`);
  });

  test('a task cancelled while it waits for a worker never runs', async () => {
    await withPool(1, 1, async (pool) => {
      await pool.run('pass', '', LIMITS);
      const first = pool.run('import time\ntime.sleep(0.5)\nprint("first")', '', LIMITS);
      const controller = new AbortController();
      const queued = pool.run('import time\ntime.sleep(4)\nprint("cancelled")', '', LIMITS, controller.signal);
      controller.abort();
      await assert.rejects(queued, (error: unknown) => error instanceof Error && error.name === 'AbortError');
      assert.equal((await first).stdout, 'first\n');
      // Had the cancelled task been handed to the worker anyway, its sleep would show up here.
      for (let i = 0; i < 10; i++) {
        await new Promise((resolve) => setTimeout(resolve, 60));
        assert.deepEqual(leftovers(), [], 'the cancelled task ran');
      }
      assert.equal((await pool.run('print(42)', '', LIMITS)).stdout, '42\n', 'the pool stopped serving');
    });
  });
});

describe('pool scheduling under churn', () => {
  test('random cancellations among many tasks: every task settles, the rest give their output, nothing is left', async () => {
    await withPool(2, 16, async (pool) => {
      const outcomes = await Promise.all(Array.from({ length: 120 }, async (_, i) => {
        const controller = new AbortController();
        // Every fifth task sleeps (it may be running when cancelled), every third is cancelled at once or soon.
        const code = i % 5 === 0 ? `import time\ntime.sleep(0.2)\nprint(${i})` : `print(${i})`;
        const run = pool.run(code, '', LIMITS, controller.signal);
        if (i % 3 === 0) setTimeout(() => controller.abort(), (i * 7) % 50);
        try {
          return { i, stdout: (await run).stdout };
        } catch (error: unknown) {
          assert.ok(error instanceof Error && error.name === 'AbortError', `task ${i}: ${String(error)}`);
          assert.equal(i % 3, 0, `task ${i} failed but was not cancelled`);
          return { i, stdout: undefined };
        }
      }));
      for (const { i, stdout } of outcomes) if (stdout !== undefined) assert.equal(stdout, `${i}\n`);
      assert.ok(outcomes.filter(({ stdout }) => stdout === undefined).length > 0, 'no cancellation took effect');
      assert.equal((await pool.run('print(1)', '', LIMITS)).stdout, '1\n', 'the pool stopped serving');
      const deadline = Date.now() + 5000;
      while (leftovers().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(leftovers(), [], 'a cancelled program outlived its cancellation');
    });
  });

  test('closing the pool with tasks in flight settles them all', async () => {
    const pool = await createExecutionPool({ workers: 2, tasksPerWorker: 16, log: () => undefined });
    const runs = Array.from({ length: 40 }, (_, i) => pool.run(`import time\ntime.sleep(0.05)\nprint(${i})`, '', LIMITS, new AbortController().signal)
      .then(() => 'done', () => 'failed'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await pool.close();
    const settled = await Promise.all(runs);
    assert.equal(settled.length, 40);
    assert.ok(settled.includes('failed'), 'close waited for every task instead of ending them');
    assert.deepEqual(leftovers(), [], 'a program outlived the pool');
  });
});
