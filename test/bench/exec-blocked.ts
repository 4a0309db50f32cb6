/**
 * `npm run bench -- exec-blocked`: execution throughput while the main thread is blocked, as it is
 * during a PPO update (the learner runs on the main thread in blocks of seconds). The workload:
 * the reference solutions of the first 64 training problems of the built-in suite, judged on
 * their public tests by a one-worker pool while the main thread is busy 2 s out of every 2.02 s.
 * The pool as configured (workers hold 16 tasks each) against the baseline of one task per worker,
 * where each next task needs the main thread to hand it over. Each judge carries an AbortSignal,
 * as training's and evaluation's do.
 */
import { join } from 'node:path';
import { createExecutionPool, DEFAULT_TASKS_PER_WORKER } from '../../src/exec/pool.ts';
import { loadProblems } from '../../src/problems/load.ts';
import type { Problem } from '../../src/problems/problem.ts';
import { REPO_ROOT } from '../../src/runtime/load-pipeline.ts';
import type { BenchOptions, BenchResult } from './run.ts';

const BLOCK_MS = 2000;
const GAP_MS = 20;

async function judgeWhileBlocked(problems: readonly Problem[], tasksPerWorker: number, workers: number): Promise<{ ms: number; passed: number; total: number }> {
  const pool = await createExecutionPool({ workers, tasksPerWorker });
  try {
    const t0 = performance.now();
    let finished = false;
    const all = Promise.all(problems.map((problem) =>
      pool.judge({ code: problem.solutions[0] ?? '', tests: problem.tests.public, mode: 'all' }, new AbortController().signal)));
    void all.finally(() => {
      finished = true;
    });
    while (!finished) {
      const until = performance.now() + BLOCK_MS;
      while (performance.now() < until) {
        // the "learner" holds the main thread
      }
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    }
    const results = await all;
    return { ms: performance.now() - t0, passed: results.filter((result) => result.verdict === 'passed').length, total: results.length };
  } finally {
    await pool.close();
  }
}

export async function benchExecBlocked(options: BenchOptions): Promise<BenchResult> {
  const workers = options.workers ?? 1;
  const problems = (await loadProblems(join(REPO_ROOT, 'data/suite/train.jsonl'))).slice(0, 64);
  const baseline = await judgeWhileBlocked(problems, 1, workers);
  const pool = await judgeWhileBlocked(problems, DEFAULT_TASKS_PER_WORKER, workers);
  const ratio = baseline.ms / pool.ms;
  return {
    name: 'exec-blocked',
    metrics: { workers, tasksPerWorker: DEFAULT_TASKS_PER_WORKER, poolMs: pool.ms, baselineMs: baseline.ms, ratio, passed: pool.passed, judges: pool.total },
    summary: [
      `workload: ${pool.total} judges (built-in suite, public tests), ${workers} worker(s), main thread blocked ${BLOCK_MS} ms of every ${BLOCK_MS + GAP_MS} ms`,
      `pool (${DEFAULT_TASKS_PER_WORKER} tasks per worker): ${(pool.ms / 1000).toFixed(1)} s (${pool.passed} passed)`,
      `baseline (1 task per worker): ${(baseline.ms / 1000).toFixed(1)} s (${baseline.passed} passed)`,
      `ratio:    ${ratio.toFixed(1)}x`,
    ],
  };
}
