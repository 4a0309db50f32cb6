/**
 * The fork server when the pool goes away mid-run: the pool closes its end of the server's
 * stdout while a program runs (as `close()` with tasks in flight can). The server must finish
 * that run, find nobody to answer, and leave quietly: exit 0, nothing on stderr.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { FORK_SERVER_SCRIPT } from '../../../src/exec/fork-server-client.ts';
import { resolvePython } from '../../../src/exec/python.ts';

test('a fork server whose answer pipe was closed mid-run exits quietly', async () => {
  const child = spawn(resolvePython(), ['-s', '-S', '-B', FORK_SERVER_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stderrDone = once(child.stderr, 'end');
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // The hello frame: 4-byte length, then JSON.
  const [first] = (await once(child.stdout, 'data')) as [Buffer];
  assert.ok(first.length >= 4 && first.subarray(4).toString().includes('"hello"'), first.toString());
  const request = {
    id: 1, token: 't', code: 'import time\ntime.sleep(0.4)\nprint("done")', stdin: '',
    timeLimitMs: 5000, memoryLimitBytes: 512 * 1024 * 1024, maxStdoutBytes: 1 << 16, maxStderrBytes: 1 << 16,
  };
  const body = Buffer.from(JSON.stringify(request));
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length);
  child.stdin.write(Buffer.concat([header, body]));
  // While the program sleeps, drop the answer pipe; end the requests only after the run is over
  // (an end of requests during a run makes the server abandon it, with nothing to send). The
  // server may leave before that, when it finds the pipe closed.
  const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  await wait(150);
  child.stdout.destroy();
  await wait(1200);
  child.stdin.end();
  const code = await exited;
  await stderrDone;
  assert.equal(stderr, '');
  assert.equal(code, 0);
});
