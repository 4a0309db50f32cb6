/**
 * Runs programs on inputs in one real Python process (src/suite/run-batch.py), so the suite's
 * expected outputs come from executing the reference solutions, not from a TypeScript model of them.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The interpreter used by default: the system one, never a version-manager shim. */
export const DEFAULT_PYTHON = '/usr/bin/python3';

/** Programs to run, each on every input. */
export interface BatchJob {
  readonly programs: readonly string[];
  readonly inputs: readonly string[];
}

/** One program on one input: `ok` false when it raised (the exception's class name ends `stdout`). */
export interface BatchRun {
  readonly ok: boolean;
  readonly stdout: string;
}

/** Per job, per program, per input. */
export type BatchResult = readonly (readonly (readonly BatchRun[])[])[];

const SCRIPT = fileURLToPath(new URL('./run-batch.py', import.meta.url));

/** Runs every job; rejects when the interpreter itself fails or exceeds `timeoutMs`. */
export function runBatch(jobs: readonly BatchJob[], python = DEFAULT_PYTHON, timeoutMs = 300_000): Promise<BatchResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-I', '-S', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const why = signal === null ? `exit ${code}` : `signal ${signal}`;
        reject(new Error(`${python} batch failed (${why}): ${Buffer.concat(err).toString().slice(-500)}`));
        return;
      }
      const raw = JSON.parse(Buffer.concat(out).toString()) as [number, string][][][];
      resolve(raw.map((job) => job.map((program) => program.map(([status, stdout]) => ({ ok: status === 0, stdout })))));
    });
    child.stdin.end(JSON.stringify(jobs));
  });
}
