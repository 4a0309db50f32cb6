/**
 * The piscina worker: owns one long-lived Python fork server and runs tasks on it, one at a time.
 * Loaded through `exec-worker.mjs`, which registers tsx in the worker thread first.
 */
import { BroadcastChannel, threadId } from 'node:worker_threads';
import { workerData } from 'piscina';
import type { Test } from '../problems/problem.ts';
import type { JudgeMode, RunLimits, TestOutcome } from './types.ts';
import { ForkServerClient, type ServerHello, type ServerRunRequest, type ServerRunResult } from './fork-server-client.ts';
import { classify } from './verdict.ts';
import { boardClock, mainThreadResponsive, othersWaiting, publishSlot, takeSlot } from './board.ts';

/** Limits with every field resolved, as the pool sends them. */
export type ResolvedLimits = Required<RunLimits>;

/** What the pool asks a worker to do. `taskId`: unique in the pool, for cancelling (`ControlMessage`). */
export type WorkerTask =
  | { readonly kind: 'hello' }
  | { readonly kind: 'run'; readonly taskId: number; readonly code: string; readonly stdin: string; readonly limits: ResolvedLimits }
  | {
      readonly kind: 'judge';
      readonly taskId: number;
      readonly code: string;
      readonly tests: readonly Test[];
      readonly mode: JudgeMode;
      readonly limits: ResolvedLimits;
    };

/**
 * Messages on the pool's BroadcastChannel: an idle worker asking the others to give back the
 * tasks they hold unstarted (`steal`: the asker's board slot), or the pool cancelling a task.
 */
export type ControlMessage = { readonly steal: number } | { readonly cancel: number };

/** Data every worker gets at start. */
export interface ExecWorkerData {
  readonly python: string;
  /** Shared load board (layout in board.ts), written by the workers and the pool. */
  readonly board: SharedArrayBuffer;
  /** Name of the pool's BroadcastChannel (`ControlMessage`). */
  readonly channel: string;
}

const { python, board: boardBuffer, channel: channelName } = workerData as ExecWorkerData;
let server: Promise<ForkServerClient> | undefined;

async function getServer(): Promise<ForkServerClient> {
  const current = server === undefined ? undefined : await server.catch(() => undefined);
  if (current?.alive === true) return current;
  server = ForkServerClient.start(python, current?.hello.uid ?? undefined);
  return server;
}

/** Runs once; on an infrastructure fault restarts the server and runs once more (never a third time). */
async function runOnce(request: ServerRunRequest, signal: AbortSignal): Promise<ServerRunResult> {
  let lastError = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    if (signal.aborted) throw new Error('cancelled');
    try {
      const result = await (await getServer()).run(request);
      if (result.sandboxError === undefined) return result;
      lastError = result.sandboxError;
    } catch (error: unknown) {
      lastError = error instanceof Error ? error.message : String(error);
    }
  }
  if (signal.aborted) throw new Error('cancelled');
  return {
    exitCode: null, signal: null, stdout: '', stderr: '', stdoutTruncated: false, stderrTruncated: false,
    wallMs: 0, timedOut: false, memoryExceeded: false, testCompleted: false, sandboxError: lastError,
  };
}

function request(code: string, stdin: string, limits: ResolvedLimits, testCode?: string): ServerRunRequest {
  const base = { code, stdin, ...limits };
  return testCode === undefined ? base : { ...base, testCode };
}

/**
 * What a worker answers; `serverPid` lets the pool wait for every fork server on close. `requeue`:
 * the task was given back unstarted (another worker is idle) and must be submitted again.
 * `cancelled`: the pool cancelled it (and has already answered its caller).
 */
export type WorkerReply =
  | (ServerHello & { readonly serverPid: number })
  | { readonly serverPid: number; readonly result: ServerRunResult }
  | { readonly serverPid: number; readonly outcomes: readonly TestOutcome[] }
  | { readonly requeue: true }
  | { readonly cancelled: true };

interface Waiting {
  readonly task: WorkerTask;
  readonly resolve: (reply: WorkerReply) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Tasks wait here for the fork server, which runs one program at a time. The pool hands a worker
 * several tasks at once (`concurrentTasksPerWorker`), so that the worker goes from one to the next
 * without waiting for the main thread, which may be busy for seconds (a PPO update).
 *
 * Holding tasks has a cost: those queued behind a slow one (a 10 s timeout) would wait although
 * another worker is idle. So an idle worker asks the others (BroadcastChannel) to give back what
 * they have not started; they answer each such task with `requeue`, and the pool submits it again,
 * to the least busy worker. Only while the main thread is responsive (its heartbeat on the board
 * is fresh): given back while it is blocked, the tasks would wait for it instead of running.
 */
const waiting: Waiting[] = [];
let draining = false;
/** The task being run, and how to cancel it. */
let running: { readonly taskId: number; readonly controller: AbortController } | undefined;
/** When the running task started (boardClock()), for the board. */
let runningSince: number | undefined;
const board = new Int32Array(boardBuffer);
const slot = takeSlot(board);
/** How often an idle worker looks for tasks held unstarted by others, while the pool has work in flight. */
const IDLE_POLL_MS = 10;
/** The idle worker's next look, when one is due. */
let poll: NodeJS.Timeout | undefined;
const channel = new BroadcastChannel(channelName);
channel.unref();
channel.onmessage = (event: unknown): void => {
  const message = (event as { data: ControlMessage }).data;
  if ('cancel' in message) cancel(message.cancel);
  else if (message.steal !== slot) giveBack();
};

/**
 * Cancelled tasks this worker did not hold when told: a task still in the pool's queue may reach
 * a worker after its cancellation (the two travel on different channels). The newest are kept.
 */
const cancelledElsewhere = new Set<number>();
const CANCELLED_KEPT = 4096;

/**
 * Cancels a task held here: unstarted, it is dropped; running, the fork server is ended, which
 * kills the program and everything it started (the next task starts a fresh server).
 */
function cancel(taskId: number): void {
  const index = waiting.findIndex((entry) => entry.task.kind !== 'hello' && entry.task.taskId === taskId);
  if (index >= 0) {
    const [entry] = waiting.splice(index, 1);
    publish();
    entry!.resolve({ cancelled: true });
  } else if (running?.taskId === taskId) {
    running.controller.abort();
    // The server kills its child, sweeps and exits when its stdin closes. The next task starts a
    // new one, with a uid of its own (sweeping the old uid meanwhile would race the old server).
    const ending = server;
    server = undefined;
    void ending?.then((client) => client.close(), () => undefined);
  } else {
    cancelledElsewhere.add(taskId);
    if (cancelledElsewhere.size > CANCELLED_KEPT) cancelledElsewhere.delete(cancelledElsewhere.values().next().value!);
  }
}

/** Piscina entry point. */
export default function handle(task: WorkerTask): Promise<WorkerReply> {
  if (task.kind !== 'hello' && cancelledElsewhere.delete(task.taskId)) return Promise.resolve({ cancelled: true });
  return new Promise<WorkerReply>((resolve, reject) => {
    waiting.push({ task, resolve, reject });
    publish();
    if (!draining) void drain();
  });
}

async function drain(): Promise<void> {
  draining = true;
  for (let next = waiting.shift(); next !== undefined; next = waiting.shift()) {
    const controller = new AbortController();
    running = next.task.kind === 'hello' ? undefined : { taskId: next.task.taskId, controller };
    runningSince = boardClock();
    publish();
    try {
      next.resolve(await handleNow(next.task, controller.signal));
    } catch (error: unknown) {
      if (controller.signal.aborted) next.resolve({ cancelled: true });
      else next.reject(error);
    } finally {
      running = undefined;
      runningSince = undefined;
    }
  }
  draining = false;
  publish();
  askForWork();
}

/**
 * Idle: if another worker holds tasks it has not started, ask for them once the main thread is
 * responsive. Looked at again every few ms while the pool has work in flight (its heartbeat is
 * fresh: tasks can reach a busy worker after this one went idle) or others hold unstarted tasks
 * (the main thread may be blocked now and free later); a new task of our own ends the polling.
 */
function askForWork(): void {
  if (draining || waiting.length > 0 || poll !== undefined) return; // one polling chain at most
  const responsive = mainThreadResponsive(board);
  const others = othersWaiting(board, slot);
  if (responsive && others) channel.postMessage({ steal: slot } satisfies ControlMessage);
  if (responsive || others) {
    poll = setTimeout(() => {
      poll = undefined;
      askForWork();
    }, IDLE_POLL_MS).unref();
  }
}

/** Answers every unstarted run/judge task with `requeue` (hello stays: it is for this worker). */
function giveBack(): void {
  if (waiting.length === 0 || !mainThreadResponsive(board)) return;
  const keep = waiting.filter((entry) => entry.task.kind === 'hello');
  const back = waiting.filter((entry) => entry.task.kind !== 'hello');
  waiting.splice(0, waiting.length, ...keep);
  publish();
  for (const entry of back) entry.resolve({ requeue: true });
}

/** Our state on the board, for idle workers deciding whether to ask and for the pool's balancer. */
function publish(): void {
  publishSlot(board, slot, threadId, waiting.length, runningSince);
}

async function handleNow(task: WorkerTask, signal: AbortSignal): Promise<WorkerReply> {
  switch (task.kind) {
    case 'hello': {
      const { hello } = await getServer();
      return { ...hello, serverPid: hello.pid };
    }
    case 'run': {
      const result = await runOnce(request(task.code, task.stdin, task.limits), signal);
      return { serverPid: await serverPid(), result };
    }
    case 'judge': {
      const outcomes: TestOutcome[] = [];
      for (const [index, test] of task.tests.entries()) {
        const run = test.kind === 'stdio'
          ? await runOnce(request(task.code, test.input, task.limits), signal)
          : await runOnce(request(task.code, '', task.limits, test.code), signal);
        const outcome = classify(test, index, run);
        outcomes.push(outcome);
        if (task.mode === 'first-failure' && outcome.verdict !== 'passed') break;
      }
      return { serverPid: await serverPid(), outcomes };
    }
  }
}

async function serverPid(): Promise<number> {
  return (await getServer()).hello.pid;
}
