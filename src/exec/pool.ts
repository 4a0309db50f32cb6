/**
 * The execution pool: piscina workers, each driving one Python fork server (fork-server.py) that
 * forks a sandboxed child per test. Implements `ExecutionPool` (types.ts).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { randomUUID } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';
import { Piscina, type PiscinaTask, type TaskQueue } from 'piscina';
import { DEFAULT_MEMORY_LIMIT_BYTES, DEFAULT_TIME_LIMIT_MS } from '../problems/problem.ts';
import type { ExecutionPool, Isolation, JudgeRequest, JudgeResult, RunLimits, RunResult, TestOutcome } from './types.ts';
import type { ServerHello, ServerRunResult } from './fork-server-client.ts';
import type { ControlMessage, ExecWorkerData, ResolvedLimits, WorkerTask } from './exec.worker.ts';
import { BOARD_HEARTBEAT, boardClock, clearThread, createBoard, runningFor } from './board.ts';
import { PoolClosedError, SandboxError } from './errors.ts';
import { resolvePython } from './python.ts';

/** Default caps on captured output. */
export const DEFAULT_MAX_STDOUT_BYTES = 32 * 1024 * 1024;
export const DEFAULT_MAX_STDERR_BYTES = 1024 * 1024;
/** Tasks a worker holds at once by default (it runs them one at a time). */
export const DEFAULT_TASKS_PER_WORKER = 16;
/** Piscina's error for the tasks of a worker thread that ended (see `#submit`). */
const THREAD_TERMINATION = 'Terminating worker thread';
/** How often a task is submitted at most when its worker threads keep ending (crashes). */
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
   * servers busy while the main thread is blocked (a PPO update). Tasks a worker holds unstarted
   * move to an idle worker while the main thread is responsive (exec.worker.ts), so they do not
   * wait behind a slow one.
   */
  readonly tasksPerWorker?: number;
}

type Reply = { readonly serverPid: number };

/** Piscina's balancer type (not exported by name). */
type LoadBalancer = NonNullable<NonNullable<ConstructorParameters<typeof Piscina>[0]>['loadBalancer']>;

/** How often the main thread marks itself responsive on the board while tasks are in flight. */
const HEARTBEAT_EVERY_MS = 10;

/** A worker that has been running its current task this long counts as stuck on a slow one. */
const SLOW_TASK_MS = 25;

/**
 * Least busy worker first (ties: the first), each holding at most `maximumUsage` tasks; a worker
 * stuck on a slow task (the board says since when it runs it) comes after all the others.
 */
function leastBusy(maximumUsage: number, board: Int32Array): LoadBalancer {
  return (_task, workers) => {
    let candidate: (typeof workers)[number] | null = null;
    let best = Number.POSITIVE_INFINITY;
    for (const worker of workers) {
      if (worker.terminating || worker.destroyed || worker.currentUsage >= maximumUsage) continue;
      const load = worker.currentUsage + (runningFor(board, worker.id) > SLOW_TASK_MS ? maximumUsage : 0);
      if (load < best) {
        candidate = worker;
        best = load;
      }
    }
    return candidate;
  };
}

/**
 * Piscina's queue of tasks not yet handed to a worker, kept in submission order (our `taskId`;
 * hellos first). A task a worker gives back (`requeue`) keeps its place ahead of later ones instead
 * of going to the back: with the default queue, and a task put back at the back whenever the
 * balancer finds every worker full, a task submitted early could wait until the very end (measured
 * on HumanEval: the slowest test, submitted 76th of 164, ran last, and the pass took ≈ 20 % longer).
 * A binary heap on (taskId, arrival).
 */
export class SubmissionOrderQueue implements TaskQueue {
  readonly #heap: { readonly key: number; readonly seq: number; readonly task: PiscinaTask }[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  push(task: PiscinaTask): void {
    const payload = (task as PiscinaTask & { task?: { taskId?: number } }).task;
    this.#heap.push({ key: payload?.taskId ?? -1, seq: this.#seq++, task });
    this.#up(this.#heap.length - 1);
  }

  unshift(task: PiscinaTask): void {
    this.push(task);
  }

  shift(): PiscinaTask | null {
    const top = this.#heap[0];
    if (top === undefined) return null;
    const last = this.#heap.pop()!;
    if (this.#heap.length > 0) {
      this.#heap[0] = last;
      this.#down(0);
    }
    return top.task;
  }

  remove(task: PiscinaTask): void {
    const index = this.#heap.findIndex((entry) => entry.task === task);
    if (index < 0) return;
    const last = this.#heap.pop()!;
    if (index === this.#heap.length) return;
    this.#heap[index] = last;
    this.#down(index);
    this.#up(index);
  }

  #before(a: number, b: number): boolean {
    const x = this.#heap[a]!;
    const y = this.#heap[b]!;
    return x.key < y.key || (x.key === y.key && x.seq < y.seq);
  }

  #swap(a: number, b: number): void {
    [this.#heap[a], this.#heap[b]] = [this.#heap[b]!, this.#heap[a]!];
  }

  #up(index: number): void {
    for (let i = index; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.#before(i, parent)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(index: number): void {
    for (let i = index; ; ) {
      const left = 2 * i + 1;
      let first = i;
      if (left < this.#heap.length && this.#before(left, first)) first = left;
      if (left + 1 < this.#heap.length && this.#before(left + 1, first)) first = left + 1;
      if (first === i) return;
      this.#swap(i, first);
      i = first;
    }
  }
}

/** Starts the workers and their fork servers, probes the isolation, and returns the pool. */
export async function createExecutionPool(options: ExecutionPoolOptions = {}): Promise<ExecutionPool> {
  const workers = Math.max(1, options.workers ?? Math.min(availableParallelism(), 8));
  const board = createBoard();
  const view = new Int32Array(board);
  const data: ExecWorkerData = { python: resolvePython(options.python), board, channel: `rlef-exec-${randomUUID()}` };
  const tasksPerWorker = Math.max(1, Math.floor(options.tasksPerWorker ?? DEFAULT_TASKS_PER_WORKER));
  const piscina = new Piscina<WorkerTask, unknown>({
    filename: new URL('./exec-worker.mjs', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    // Each worker holds up to this many tasks and runs them one after another (exec.worker.ts):
    // it then keeps its fork server busy while the main thread is blocked (a PPO update can hold
    // it for seconds), instead of waiting for the main thread to hand over each next task.
    // Our balancer, because piscina's gives a task with an AbortSignal only to an idle worker;
    // the pool cancels tasks itself (`#submit`), so piscina never sees a signal anyway.
    concurrentTasksPerWorker: tasksPerWorker,
    loadBalancer: leastBusy(tasksPerWorker, view),
    idleTimeout: Number.POSITIVE_INFINITY,
    // Tasks start in the order they were submitted (see SubmissionOrderQueue).
    taskQueue: new SubmissionOrderQueue(),
    stricterFIFO: true,
    // Workers keep a child process and its pipes: their event loop must keep running between tasks.
    atomics: 'disabled',
    workerData: data,
  });
  // A worker that ended (crash, close) can no longer give back the tasks its slot says it holds.
  piscina.on('workerDestroy', (worker: { id: number }) => clearThread(view, worker.id));
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
  return new PiscinaExecutionPool(piscina, isolation, resolveLimits({}, options.defaultLimits ?? {}), hellos.map((h) => h.pid), view, data.channel);
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
  /** Shared with the workers (exec.worker.ts): the main thread's heartbeat lives here. */
  readonly #board: Int32Array;
  /** The workers' BroadcastChannel: cancellations go out on it. */
  readonly #channel: BroadcastChannel;
  #heartbeat: NodeJS.Timeout | undefined;
  #nextTaskId = 1;
  #inFlight = 0;
  #completed = 0;
  #closed: Promise<void> | undefined;

  constructor(
    piscina: Piscina<WorkerTask, unknown>, isolation: Isolation, defaults: ResolvedLimits, serverPids: number[],
    board: Int32Array, channel: string,
  ) {
    this.#piscina = piscina;
    this.isolation = isolation;
    this.#defaults = defaults;
    this.#serverPids = new Set(serverPids);
    this.#board = board;
    this.#channel = new BroadcastChannel(channel);
    this.#channel.onmessage = (): void => undefined; // workers' requests to each other
    this.#channel.unref();
  }

  async judge(request: JudgeRequest, signal?: AbortSignal): Promise<JudgeResult> {
    const started = performance.now();
    const reply = await this.#submit<Reply & { outcomes: TestOutcome[] }>({
      kind: 'judge',
      taskId: this.#nextTaskId++,
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
      kind: 'run', taskId: this.#nextTaskId++, code, stdin, limits: resolveLimits(limits ?? {}, this.#defaults),
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

  /**
   * Submits a task and waits for its reply. Cancelling is the pool's own, not piscina's (which
   * would end the worker thread and fail every other task it holds): the caller gets an AbortError
   * at once, and the worker holding the task drops it, or, if it is running, ends its fork server
   * (which kills the program) and goes on with a fresh one.
   */
  async #submit<T extends Reply>(task: Extract<WorkerTask, { taskId: number }>, signal?: AbortSignal): Promise<T> {
    if (this.#closed !== undefined) throw new PoolClosedError();
    if (this.#inFlight++ === 0) this.#beat();
    try {
      for (let attempt = 1; ; ) {
        if (signal?.aborted === true) throw abortError(signal.reason);
        if (this.#closed !== undefined) throw new PoolClosedError(); // closed while a task was given back
        try {
          const reply = await this.#cancellable(this.#piscina.run(task) as Promise<T | { requeue: true }>, task.taskId, signal);
          // Given back unstarted by a worker because another one is idle: submit it again.
          if ('requeue' in reply) continue;
          this.#serverPids.add(reply.serverPid);
          return reply;
        } catch (error: unknown) {
          // A worker thread that ended (it crashed, or the pool is closing) fails the tasks it
          // held with piscina's termination error; unless the pool is closing, run them again.
          const bystander = error instanceof Error && error.message === THREAD_TERMINATION;
          if (!bystander || this.#closed !== undefined || attempt++ >= MAX_ATTEMPTS) throw error;
        }
      }
    } finally {
      if (--this.#inFlight === 0) this.#stopBeating();
      this.#completed++;
    }
  }

  /** `reply`, or an AbortError as soon as `signal` aborts (then the workers are told to cancel `taskId`). */
  #cancellable<R>(reply: Promise<R>, taskId: number, signal?: AbortSignal): Promise<R> {
    if (signal === undefined) return reply;
    return new Promise<R>((resolve, reject) => {
      const onAbort = (): void => {
        reply.catch(() => undefined); // settles later, with nobody waiting
        this.#channel.postMessage({ cancel: taskId } satisfies ControlMessage);
        reject(abortError(signal.reason));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      reply.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** While tasks are in flight, tell the workers every few ms that this thread is responsive. */
  #beat(): void {
    Atomics.store(this.#board, BOARD_HEARTBEAT, boardClock());
    this.#heartbeat ??= setInterval(() => Atomics.store(this.#board, BOARD_HEARTBEAT, boardClock()), HEARTBEAT_EVERY_MS).unref();
  }

  #stopBeating(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  async #shutdown(): Promise<void> {
    this.#stopBeating();
    this.#channel.close();
    // Ending the worker threads closes each fork server's stdin; the server then kills its child,
    // removes its scratch space and exits. Wait for that so no process outlives `close`.
    await this.#piscina.destroy();
    const deadline = Date.now() + 3000;
    for (const pid of this.#serverPids) {
      while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

function abortError(reason: unknown): Error {
  return Object.assign(new Error('The task has been aborted', { cause: reason }), { name: 'AbortError' });
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
