/**
 * Talks to one `fork-server.py` process: length-prefixed JSON frames over its stdin/stdout,
 * one run in flight at a time (a pool worker runs one task at a time).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import type { RunResult } from './types.ts';
import { SandboxError } from './errors.ts';

/** Path of the Python fork server script shipped beside this file. */
export const FORK_SERVER_SCRIPT = fileURLToPath(new URL('./fork-server.py', import.meta.url));

/** What the server reports about itself once it is up. */
export interface ServerHello {
  readonly pid: number;
  readonly network: boolean;
  readonly mountNamespace: boolean;
  readonly unprivilegedUser: boolean;
  readonly uid: number | null;
  readonly python: string;
  readonly notes: readonly string[];
}

/** One run request as the server reads it (limits already resolved). */
export interface ServerRunRequest {
  readonly code: string;
  readonly stdin: string;
  /** For call tests: Python run after `code` in the same namespace. */
  readonly testCode?: string;
  readonly timeLimitMs: number;
  readonly memoryLimitBytes: number;
  readonly maxStdoutBytes: number;
  readonly maxStderrBytes: number;
}

/** A run result plus whether a call test's code ran to its end (proof the test itself finished). */
export interface ServerRunResult extends RunResult {
  readonly testCompleted: boolean;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** A started fork server. `run` rejects with SandboxError when the server dies or misbehaves. */
export class ForkServerClient {
  readonly hello: ServerHello;
  readonly #child: ChildProcessByStdio<Writable, Readable, null>;
  #pending: Pending | undefined;
  #chunks: Buffer[] = [];
  #size = 0;
  #dead: Error | undefined;
  #nextId = 1;

  private constructor(child: ChildProcessByStdio<Writable, Readable, null>, hello: ServerHello) {
    this.#child = child;
    this.hello = hello;
  }

  /**
   * Starts `python` on the server script and waits for its hello frame. `sweepUid`: the sandbox
   * uid of a predecessor that died hard; the new server first kills whatever still runs as it.
   */
  static async start(python: string, sweepUid?: number): Promise<ForkServerClient> {
    const args = ['-s', '-S', '-B', FORK_SERVER_SCRIPT];
    if (sweepUid !== undefined) args.push(`--sweep-uid=${sweepUid}`);
    const child = spawn(python, args, {
      stdio: ['pipe', 'pipe', 'inherit'],
      // Not -I: -I implies -E, which would ignore PYTHONHASHSEED (children must hash deterministically).
      env: { PYTHONHASHSEED: '0', PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
    });
    const holder: { client?: ForkServerClient; first?: Pending } = {};
    const helloPromise = new Promise<unknown>((resolve, reject) => {
      holder.first = { resolve, reject };
    });
    let buffer: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      if (holder.client !== undefined) {
        holder.client.#onData(chunk);
        return;
      }
      buffer = Buffer.concat([buffer, chunk]);
      const frame = takeFrame(buffer);
      if (frame === undefined) return;
      buffer = frame.rest;
      holder.first?.resolve(frame.value);
    };
    const onGone = (why: Error): void => {
      if (holder.client !== undefined) holder.client.#fail(why);
      else holder.first?.reject(why);
    };
    child.stdout.on('data', onData);
    child.on('error', (error) => onGone(new SandboxError(`cannot start ${python}: ${error.message}`, { cause: error })));
    child.on('exit', (code, signal) => onGone(new SandboxError(`fork server exited (${signal ?? `status ${code}`})`)));
    child.stdin.on('error', (error) => onGone(new SandboxError('fork server pipe closed', { cause: error })));
    const hello = (await helloPromise) as ServerHello & { type: string };
    const client = new ForkServerClient(child, hello);
    holder.client = client;
    if (buffer.length > 0) client.#onData(buffer);
    return client;
  }

  /** True until the server process is gone. */
  get alive(): boolean {
    return this.#dead === undefined;
  }

  /** Runs one program in a fresh sandboxed child. */
  async run(request: ServerRunRequest): Promise<ServerRunResult> {
    if (this.#dead !== undefined) throw this.#dead;
    if (this.#pending !== undefined) throw new SandboxError('fork server is busy (one run at a time)');
    const token = Math.random().toString(36).slice(2) + Date.now().toString(36);
    const body = Buffer.from(JSON.stringify({ ...request, id: this.#nextId++, token }), 'utf8');
    const header = Buffer.alloc(4);
    header.writeUInt32BE(body.length);
    const reply = new Promise<unknown>((resolve, reject) => {
      this.#pending = { resolve, reject };
    });
    this.#child.stdin.write(Buffer.concat([header, body]));
    const frame = (await reply) as { result: ServerRunResult | null; error?: string };
    if (frame.result === null) throw new SandboxError(`fork server failed: ${frame.error ?? 'unknown error'}`);
    return frame.result;
  }

  /**
   * Ends the server: closing its stdin makes it kill any child and exit. A run in flight fails at
   * once, and the client counts as gone from now on.
   */
  async close(): Promise<void> {
    this.#fail(new SandboxError('fork server closed'));
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.stdin.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }

  #onData(chunk: Buffer): void {
    // Collect chunks and join once per frame: a big stdout arrives in many 64 KiB chunks.
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    for (;;) {
      if (this.#size < 4) return;
      if (this.#chunks[0]!.length < 4) this.#chunks = [Buffer.concat(this.#chunks)];
      const need = 4 + this.#chunks[0]!.readUInt32BE(0);
      if (this.#size < need) return;
      const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
      const value: unknown = JSON.parse(all.subarray(4, need).toString('utf8'));
      const rest = all.subarray(need);
      this.#chunks = rest.length > 0 ? [rest] : [];
      this.#size = rest.length;
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.resolve(value);
    }
  }

  #fail(why: Error): void {
    this.#dead ??= why;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(why);
  }
}

function takeFrame(buffer: Buffer): { value: unknown; rest: Buffer } | undefined {
  if (buffer.length < 4) return undefined;
  const length = buffer.readUInt32BE(0);
  if (buffer.length < 4 + length) return undefined;
  const value: unknown = JSON.parse(buffer.subarray(4, 4 + length).toString('utf8'));
  return { value, rest: buffer.subarray(4 + length) };
}
