/**
 * Benchmark of the execution pool against a naive baseline, side by side in one run: the same
 * workload (HumanEval canonical solutions as call tests when the dataset is present, else a
 * built-in stdin/stdout set) judged by the pool (fork servers, full isolation) and by spawning one
 * python3 per test from Node (rlimits, empty env, temp dir, wall limit; no namespaces, no uid drop).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createExecutionPool } from '../../src/exec/pool.ts';
import { resolvePython } from '../../src/exec/python.ts';
import { outputsMatch } from '../../src/exec/compare.ts';
import { DEFAULT_MEMORY_LIMIT_BYTES, DEFAULT_TIME_LIMIT_MS, type Test } from '../../src/problems/problem.ts';
import type { BenchOptions, BenchResult } from './run.ts';
import { forkServers } from '../unit/exec/processes.ts';
import { REPO_ROOT } from '../../src/runtime/load-pipeline.ts';

/** The dataset used when present (`RLEF_BENCH_HUMANEVAL` overrides the path; a missing file selects the built-in set). */
const HUMANEVAL = process.env['RLEF_BENCH_HUMANEVAL'] ?? join(REPO_ROOT, '..', 'shared', 'data', 'HumanEval.jsonl.gz');

interface Job {
  readonly code: string;
  readonly test: Test;
}

/** HumanEval: prompt + canonical solution, tested by the dataset's `check(entry_point)`. */
function humanEvalJobs(path: string): Job[] {
  return gunzipSync(readFileSync(path)).toString('utf8').split('\n').filter((line) => line.trim() !== '').map((line) => {
    const row = JSON.parse(line) as { prompt: string; canonical_solution: string; test: string; entry_point: string };
    return {
      code: row.prompt + row.canonical_solution,
      test: { kind: 'call', code: `${row.test}\ncheck(${row.entry_point})\n`, display: `check(${row.entry_point})` },
    };
  });
}

/** A built-in stdin/stdout set for machines without the dataset. */
function builtinJobs(): Job[] {
  const jobs: Job[] = [];
  for (let i = 0; i < 160; i++) {
    const numbers = Array.from({ length: 50 + i }, (_, k) => (k * 7919 + i) % 1000);
    const input = `${numbers.length}\n${numbers.join(' ')}\n`;
    switch (i % 4) {
      case 0:
        jobs.push({ code: 'input()\nprint(sum(map(int, input().split())))\n', test: { kind: 'stdio', input, output: String(numbers.reduce((a, b) => a + b, 0)) } });
        break;
      case 1:
        jobs.push({ code: 'input()\nprint(*sorted(map(int, input().split())))\n', test: { kind: 'stdio', input, output: [...numbers].sort((a, b) => a - b).join(' ') } });
        break;
      case 2:
        jobs.push({ code: 'import collections\ninput()\nc = collections.Counter(input().split())\nprint(len(c))\n', test: { kind: 'stdio', input, output: String(new Set(numbers).size) } });
        break;
      default:
        jobs.push({ code: 'input()\nxs = list(map(int, input().split()))\nprint(max(xs) - min(xs))\n', test: { kind: 'stdio', input, output: String(Math.max(...numbers) - Math.min(...numbers)) } });
    }
  }
  return jobs;
}

/** The baseline: one fresh `python3` per test, with the same rlimits and wall limit. */
function spawnOnce(python: string, job: Job): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'rlef-bench-'));
  const program = job.test.kind === 'call' ? `${job.code}\n${job.test.code}` : job.code;
  writeFileSync(join(dir, 'solution.py'), program);
  const limitS = Math.ceil(DEFAULT_TIME_LIMIT_MS / 1000);
  const preamble = [
    'import resource, sys',
    `resource.setrlimit(resource.RLIMIT_AS, (${DEFAULT_MEMORY_LIMIT_BYTES}, ${DEFAULT_MEMORY_LIMIT_BYTES}))`,
    `resource.setrlimit(resource.RLIMIT_CPU, (${limitS + 1}, ${limitS + 2}))`,
    'resource.setrlimit(resource.RLIMIT_CORE, (0, 0))',
    'resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))',
    "sys.argv = ['solution.py']",
    "exec(compile(open('solution.py').read(), 'solution.py', 'exec'), {'__name__': '__main__'})",
  ].join('\n');
  return new Promise((resolve) => {
    const child = spawn(python, ['-c', preamble], {
      cwd: dir, env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' }, detached: true, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < 1 << 20) stdout += chunk;
    });
    child.stderr.resume();
    child.stdin.on('error', () => undefined);
    child.stdin.end(job.test.kind === 'stdio' ? job.test.input : '');
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(killGroup, DEFAULT_TIME_LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      killGroup();
      rmSync(dir, { recursive: true, force: true });
      resolve(code === 0 && (job.test.kind === 'call' || outputsMatch(job.test.output, stdout)));
    });
  });
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU time (ms) of `pid` and its reaped children, from /proc (utime, stime, cutime, cstime). */
function cpuMsOf(pid: number | 'self'): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return ((fields[11]! + fields[12]! + fields[13]! + fields[14]!) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU time of this process, its reaped children, and the live fork servers with their children. */
function cpuMsTotal(): number {
  return cpuMsOf('self') + forkServers().reduce((sum, server) => sum + cpuMsOf(server.pid), 0);
}

async function withConcurrency<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<boolean>): Promise<number> {
  let next = 0;
  let passed = 0;
  const lanes = Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      if (await fn(item)) passed++;
    }
  });
  await Promise.all(lanes);
  return passed;
}

/** One timed pass of the workload: wall time, CPU time (all processes involved) and tests passed. */
interface Pass {
  readonly ms: number;
  readonly cpuMs: number;
  readonly passed: number;
}

/**
 * Runs the workload through the pool and through the baseline and reports both rates. The two
 * alternate for `rounds` rounds (default 5) after one unmeasured warm-up pass each, and the
 * medians are compared: one pass of HumanEval takes half a second, short enough for a burst of
 * load on a 2-core machine to move a single pass by 30 %.
 */
export async function benchExec(options: BenchOptions): Promise<BenchResult> {
  const workers = options.workers ?? 2;
  const rounds = options.rounds ?? 5;
  const humanEval = existsSync(HUMANEVAL);
  const jobs = humanEval ? humanEvalJobs(HUMANEVAL) : builtinJobs();
  const workload = humanEval ? `HumanEval canonical solutions (${jobs.length} call tests)` : `built-in stdio set (${jobs.length} tests)`;
  const python = resolvePython();

  const startup = performance.now();
  const pool = await createExecutionPool({ workers });
  const startupMs = performance.now() - startup;
  const poolPasses: Pass[] = [];
  const baselinePasses: Pass[] = [];
  try {
    const poolPass = async (): Promise<Pass> => {
      const cpu0 = cpuMsTotal();
      const t0 = performance.now();
      const results = await Promise.all(jobs.map((job) => pool.judge({ code: job.code, tests: [job.test], mode: 'first-failure' })));
      return { ms: performance.now() - t0, cpuMs: cpuMsTotal() - cpu0, passed: results.filter((result) => result.verdict === 'passed').length };
    };
    const baselinePass = async (): Promise<Pass> => {
      const cpu0 = cpuMsOf('self');
      const t0 = performance.now();
      const passed = await withConcurrency(jobs, workers, (job) => spawnOnce(python, job));
      return { ms: performance.now() - t0, cpuMs: cpuMsOf('self') - cpu0, passed };
    };
    await poolPass(); // warm-up: the worker threads' JIT, the page cache
    await baselinePass();
    for (let round = 0; round < rounds; round++) {
      poolPasses.push(await poolPass());
      baselinePasses.push(await baselinePass());
    }
  } finally {
    await pool.close();
  }

  const poolMs = median(poolPasses.map((pass) => pass.ms));
  const baselineMs = median(baselinePasses.map((pass) => pass.ms));
  const poolCpuMs = median(poolPasses.map((pass) => pass.cpuMs));
  const baselineCpuMs = median(baselinePasses.map((pass) => pass.cpuMs));
  const poolPassed = Math.min(...poolPasses.map((pass) => pass.passed));
  const baselinePassed = Math.min(...baselinePasses.map((pass) => pass.passed));
  const roundRatios = poolPasses.map((pass, i) => baselinePasses[i]!.ms / pass.ms);
  const poolRate = (jobs.length / poolMs) * 1000;
  const baselineRate = (jobs.length / baselineMs) * 1000;
  const ratio = poolRate / baselineRate;
  const isolation = pool.isolation;
  return {
    name: 'exec',
    metrics: {
      workload,
      workers,
      rounds,
      tests: jobs.length,
      poolStartupMs: round(startupMs),
      poolMs: round(poolMs),
      poolTestsPerSecond: round(poolRate),
      poolPassed,
      poolCpuMsPerTest: round(poolCpuMs / jobs.length),
      baselineMs: round(baselineMs),
      baselineCpuMsPerTest: round(baselineCpuMs / jobs.length),
      baselineTestsPerSecond: round(baselineRate),
      baselinePassed,
      ratio: round(ratio),
      roundRatioMin: round(Math.min(...roundRatios)),
      roundRatioMax: round(Math.max(...roundRatios)),
      isolation: `network namespace: ${isolation.network}, unprivileged uid: ${isolation.unprivilegedUser}${isolation.notes.length > 0 ? `, notes: ${isolation.notes.join('; ')}` : ''}`,
    },
    summary: [
      `workload: ${workload}, ${workers} workers (pool) / ${workers} concurrent spawns (baseline), ${rounds} alternating rounds after a warm-up pass each; medians`,
      `pool:     ${round(poolRate)} tests/s (${jobs.length} in ${round(poolMs)} ms, ${poolPassed} passed; start-up ${round(startupMs)} ms not counted)`,
      `baseline: ${round(baselineRate)} tests/s (${jobs.length} in ${round(baselineMs)} ms, ${baselinePassed} passed; python3 per test)`,
      `ratio:    ${round(ratio)}x (per round ${roundRatios.map((r) => r.toFixed(1)).join(', ')})`,
      `CPU per test (all processes, load-independent): pool ${round(poolCpuMs / jobs.length)} ms, baseline ${round(baselineCpuMs / jobs.length)} ms (ratio ${round(baselineCpuMs / Math.max(poolCpuMs, 1e-9))}x)`,
      `load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${availableParallelism()} cores (wall-clock rates shrink with load)`,
      `isolation (pool): network namespace ${isolation.network ? 'yes' : 'no'}, unprivileged uid ${isolation.unprivilegedUser ? 'yes' : 'no'}${isolation.notes.length > 0 ? ` (${isolation.notes.join('; ')})` : ''}`,
    ],
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
