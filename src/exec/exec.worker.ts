/**
 * The piscina worker: owns one long-lived Python fork server and runs tasks on it, one at a time.
 * Loaded through `exec-worker.mjs`, which registers tsx in the worker thread first.
 */
import { workerData } from 'piscina';
import type { Test } from '../problems/problem.ts';
import type { JudgeMode, RunLimits, TestOutcome } from './types.ts';
import { ForkServerClient, type ServerHello, type ServerRunRequest, type ServerRunResult } from './fork-server-client.ts';
import { classify } from './verdict.ts';

/** Limits with every field resolved, as the pool sends them. */
export type ResolvedLimits = Required<RunLimits>;

/** What the pool asks a worker to do. */
export type WorkerTask =
  | { readonly kind: 'hello' }
  | { readonly kind: 'run'; readonly code: string; readonly stdin: string; readonly limits: ResolvedLimits }
  | {
      readonly kind: 'judge';
      readonly code: string;
      readonly tests: readonly Test[];
      readonly mode: JudgeMode;
      readonly limits: ResolvedLimits;
    };

/** Data every worker gets at start. */
export interface ExecWorkerData {
  readonly python: string;
}

const { python } = workerData as ExecWorkerData;
let server: Promise<ForkServerClient> | undefined;

async function getServer(): Promise<ForkServerClient> {
  const current = server === undefined ? undefined : await server.catch(() => undefined);
  if (current?.alive === true) return current;
  server = ForkServerClient.start(python, current?.hello.uid ?? undefined);
  return server;
}

/** Runs once; on an infrastructure fault restarts the server and runs once more (never a third time). */
async function runOnce(request: ServerRunRequest): Promise<ServerRunResult> {
  let lastError = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const result = await (await getServer()).run(request);
      if (result.sandboxError === undefined) return result;
      lastError = result.sandboxError;
    } catch (error: unknown) {
      lastError = error instanceof Error ? error.message : String(error);
    }
  }
  return {
    exitCode: null, signal: null, stdout: '', stderr: '', stdoutTruncated: false, stderrTruncated: false,
    wallMs: 0, timedOut: false, memoryExceeded: false, testCompleted: false, sandboxError: lastError,
  };
}

function request(code: string, stdin: string, limits: ResolvedLimits, testCode?: string): ServerRunRequest {
  const base = { code, stdin, ...limits };
  return testCode === undefined ? base : { ...base, testCode };
}

/** What a worker answers; `serverPid` lets the pool wait for every fork server on close. */
export type WorkerReply =
  | (ServerHello & { readonly serverPid: number })
  | { readonly serverPid: number; readonly result: ServerRunResult }
  | { readonly serverPid: number; readonly outcomes: readonly TestOutcome[] };

/**
 * Tasks wait here for the fork server, which runs one program at a time. The pool hands a worker
 * several tasks at once (`concurrentTasksPerWorker`), so that the worker goes from one to the next
 * without waiting for the main thread, which may be busy for seconds (a PPO update).
 */
let tail: Promise<unknown> = Promise.resolve();

/** Piscina entry point. */
export default function handle(task: WorkerTask): Promise<WorkerReply> {
  const reply = tail.then(() => handleNow(task));
  tail = reply.catch(() => undefined);
  return reply;
}

async function handleNow(task: WorkerTask): Promise<WorkerReply> {
  switch (task.kind) {
    case 'hello': {
      const { hello } = await getServer();
      return { ...hello, serverPid: hello.pid };
    }
    case 'run': {
      const result = await runOnce(request(task.code, task.stdin, task.limits));
      return { serverPid: await serverPid(), result };
    }
    case 'judge': {
      const outcomes: TestOutcome[] = [];
      for (const [index, test] of task.tests.entries()) {
        const run = test.kind === 'stdio'
          ? await runOnce(request(task.code, test.input, task.limits))
          : await runOnce(request(task.code, '', task.limits, test.code));
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
