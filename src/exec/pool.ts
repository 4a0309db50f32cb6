/**
 * The execution pool: piscina workers, each driving one Python fork server (fork-server.py) that
 * forks a sandboxed child per test. Implements `ExecutionPool` (types.ts).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { DEFAULT_MEMORY_LIMIT_BYTES, DEFAULT_TIME_LIMIT_MS } from '../problems/problem.ts';
import type { ExecutionPool, Isolation, JudgeRequest, JudgeResult, RunLimits, RunResult, TestOutcome } from './types.ts';
import type { ServerHello, ServerRunResult } from './fork-server-client.ts';
import type { ExecWorkerData, ResolvedLimits, WorkerTask } from './exec.worker.ts';
import { PoolClosedError, SandboxError } from './errors.ts';
import { resolvePython } from './python.ts';

/** Default caps on captured output. */
export const DEFAULT_MAX_STDOUT_BYTES = 32 * 1024 * 1024;
export const DEFAULT_MAX_STDERR_BYTES = 1024 * 1024;
/** Tasks a worker holds at once by default (it runs them one at a time). */
export const DEFAULT_TASKS_PER_WORKER = 16;
/** Piscina's error for the tasks of a worker thread it ended (see `#submit`). */
const THREAD_TERMINATION = 'Terminating worker thread';
/** How often a task is submitted at most when other tasks' cancellations keep ending its worker. */
const MAX_ATTEMPTS = 4;

export interface ExecutionPoolOptions {
  /** Worker threads, each with its own fork server (default: available cores, at most 8). */
  readonly workers?: number;
  /** Python interpreter (default: `$RLEF_PYTHON`, else a real python3 found on the system). */
  readonly python?: string;
  /** Limits used where a request gives none (default: RLEF.md §1.6, 10 s and 1 GiB). */
  readonly defaultLimits?: Partial<RunLimits>;
  /** Where the startup line about missing isolation goes (default: stderr). */
  readonly log?: (line: string) => void;
  /**
   * Tasks each worker holds at once and runs one after another (default 16). More keep the fork
   * servers busy while the main thread is blocked (a PPO update); 1 balances best between
   * workers (a task never waits behind a slow one on a busy worker while another is idle).
   */
  readonly tasksPerWorker?: number;
}

type Reply = { readonly serverPid: number };

/** Starts the workers and their fork servers, probes the isolation, and returns the pool. */
export async function createExecutionPool(options: ExecutionPoolOptions = {}): Promise<ExecutionPool> {
  const workers = Math.max(1, options.workers ?? Math.min(availableParallelism(), 8));
  const data: ExecWorkerData = { python: resolvePython(options.python) };
  const piscina = new Piscina<WorkerTask, unknown>({
    filename: new URL('./exec-worker.mjs', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    // Each worker holds up to this many tasks and runs them one after another (exec.worker.ts):
    // it then keeps its fork server busy while the main thread is blocked (a PPO update can hold
    // it for seconds), instead of waiting for the main thread to hand over each next task.
    concurrentTasksPerWorker: Math.max(1, Math.floor(options.tasksPerWorker ?? DEFAULT_TASKS_PER_WORKER)),
    idleTimeout: Number.POSITIVE_INFINITY,
    // Workers keep a child process and its pipes: their event loop must keep running between tasks.
    atomics: 'disabled',
    workerData: data,
  });
  let hellos: ServerHello[];
  try {
    // One hello per worker, at once: each starts its fork server and probes the isolation.
    hellos = await Promise.all(Array.from({ length: workers }, () => piscina.run({ kind: 'hello' }) as Promise<ServerHello>));
  } catch (error: unknown) {
    await piscina.destroy();
    throw new SandboxError(`cannot start the execution pool: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const isolation = isolationOf(hellos);
  if (isolation.notes.length > 0) {
    (options.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(
      `rlef exec: isolation incomplete: ${isolation.notes.join('; ')}`,
    );
  }
  return new PiscinaExecutionPool(piscina, isolation, resolveLimits({}, options.defaultLimits ?? {}), hellos.map((h) => h.pid));
}

function isolationOf(hellos: readonly ServerHello[]): Isolation {
  const notes = [...new Set(hellos.flatMap((hello) => hello.notes))];
  return {
    network: hellos.every((hello) => hello.network),
    unprivilegedUser: hellos.every((hello) => hello.unprivilegedUser),
    notes,
  };
}

function resolveLimits(request: Partial<RunLimits>, defaults: Partial<RunLimits> | ResolvedLimits): ResolvedLimits {
  return {
    timeLimitMs: request.timeLimitMs ?? defaults.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS,
    memoryLimitBytes: request.memoryLimitBytes ?? defaults.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES,
    maxStdoutBytes: request.maxStdoutBytes ?? defaults.maxStdoutBytes ?? DEFAULT_MAX_STDOUT_BYTES,
    maxStderrBytes: request.maxStderrBytes ?? defaults.maxStderrBytes ?? DEFAULT_MAX_STDERR_BYTES,
  };
}

class PiscinaExecutionPool implements ExecutionPool {
  readonly isolation: Isolation;
  readonly #piscina: Piscina<WorkerTask, unknown>;
  readonly #defaults: ResolvedLimits;
  /** Fork server pids seen, so `close` can wait until they are gone. */
  readonly #serverPids: Set<number>;
  #inFlight = 0;
  #completed = 0;
  #closed: Promise<void> | undefined;

  constructor(piscina: Piscina<WorkerTask, unknown>, isolation: Isolation, defaults: ResolvedLimits, serverPids: number[]) {
    this.#piscina = piscina;
    this.isolation = isolation;
    this.#defaults = defaults;
    this.#serverPids = new Set(serverPids);
  }

  async judge(request: JudgeRequest, signal?: AbortSignal): Promise<JudgeResult> {
    const started = performance.now();
    const reply = await this.#submit<Reply & { outcomes: TestOutcome[] }>({
      kind: 'judge',
      code: request.code,
      tests: request.tests,
      mode: request.mode,
      limits: resolveLimits(request.limits ?? {}, this.#defaults),
    }, signal);
    const failed = reply.outcomes.find((outcome) => outcome.verdict !== 'passed');
    return {
      verdict: failed?.verdict ?? 'passed',
      outcomes: reply.outcomes,
      isolation: this.isolation,
      wallMs: performance.now() - started,
    };
  }

  async run(code: string, stdin: string, limits?: Partial<RunLimits>, signal?: AbortSignal): Promise<RunResult> {
    const reply = await this.#submit<Reply & { result: ServerRunResult }>({
      kind: 'run', code, stdin, limits: resolveLimits(limits ?? {}, this.#defaults),
    }, signal);
    const { testCompleted: _testCompleted, ...result } = reply.result;
    return result;
  }

  stats(): { readonly running: number; readonly queued: number; readonly completed: number } {
    const queued = Math.min(this.#piscina.queueSize, this.#inFlight);
    return { running: this.#inFlight - queued, queued, completed: this.#completed };
  }

  close(): Promise<void> {
    this.#closed ??= this.#shutdown();
    return this.#closed;
  }

  async #submit<T extends Reply>(task: WorkerTask, signal?: AbortSignal): Promise<T> {
    if (this.#closed !== undefined) throw new PoolClosedError();
    this.#inFlight++;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const reply = (await this.#piscina.run(task, signal === undefined ? {} : { signal })) as T;
          this.#serverPids.add(reply.serverPid);
          return reply;
        } catch (error: unknown) {
          // Cancelling a task ends the worker thread it runs on (and so its fork server and the
          // program); the other tasks that worker held fail with piscina's termination error.
          // They were not cancelled: run them again on a fresh worker.
          const bystander = error instanceof Error && error.message === THREAD_TERMINATION && signal?.aborted !== true;
          if (!bystander || this.#closed !== undefined || attempt >= MAX_ATTEMPTS) throw error;
        }
      }
    } finally {
      this.#inFlight--;
      this.#completed++;
    }
  }

  async #shutdown(): Promise<void> {
    // Ending the worker threads closes each fork server's stdin; the server then kills its child,
    // removes its scratch space and exits. Wait for that so no process outlives `close`.
    await this.#piscina.destroy();
    const deadline = Date.now() + 3000;
    for (const pid of this.#serverPids) {
      while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** A zombie counts as gone: it runs nothing, and its parent (this process) reaps it. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/s.test(stat);
  } catch {
    return false;
  }
}
