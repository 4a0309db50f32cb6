import assert from 'node:assert/strict';
import { test } from 'node:test';
import { from, Subject, throwError, concat, of } from 'rxjs';
import type { IterationMetrics, RunState } from '../../src/pipeline/run-state.ts';
import { createReporter, isCi } from '../../src/ui/create-reporter.ts';
import {
  createJsonReporter,
  createPlainReporter,
  formatIterationLine,
  formatStatusLine,
  type TextSink,
} from '../../src/ui/plain-progress.ts';
import { loadFixture } from './fixtures.ts';

const starting = loadFixture('starting');
const mid = loadFixture('mid-run');
const failed = loadFixture('failed');

/** A sink that keeps the lines written to it. */
function sink(): TextSink & { lines(): string[] } {
  let text = '';
  return {
    write(chunk: string) {
      text += chunk;
      return true;
    },
    lines: () => text.split('\n').filter((line) => line !== ''),
  };
}

function noControls() {
  return {
    stop: () => assert.fail('a plain reporter has no keys'),
    togglePause: () => assert.fail('a plain reporter has no keys'),
  };
}

const sixth: IterationMetrics = { ...(mid.history[4] as IterationMetrics), iteration: 6, reward: 0.1204, wallMs: 90_002 };
const afterSixth: RunState = {
  ...mid,
  progress: { ...mid.progress, iteration: 7, episodesDone: 0, elapsedMs: 628_000 },
  history: [...mid.history, sixth],
};

test('an iteration line sums up the metrics of a finished iteration', () => {
  assert.equal(
    formatIterationLine(mid.history[4] as IterationMetrics, 20),
    'iteration 5/20  reward 0.0563  solve 53.1% (@1 31.3% @2 46.9% @3 53.1%)  fix@2 22.7%  kl 0.0062  ' +
      'policy-loss -0.0015  value-loss 0.2331  entropy 0.8659  episodes 32  took 01:32',
  );
});

test('a status line says where the run stands', () => {
  assert.equal(
    formatStatusLine(mid),
    '[08:57] running · iteration 6/20 · episodes 19/32 · in flight 8 · 1.8k tok/s · 23.7 runs/s · ' +
      'pool 6 running, 9 queued · eta 23:11 · iteration 6: collecting episodes',
  );
  assert.match(formatStatusLine(failed), /· sandbox errors 37 · eta – · execution pool failed: /);
});

test('the plain reporter prints each iteration once, status changes at once, and otherwise a status line per period', async () => {
  const out = sink();
  const err = sink();
  let now = 0;
  const states = new Subject<RunState>();
  const reporter = createPlainReporter(states, { stdout: out, stderr: err, statusEveryMs: 10_000, now: () => now });
  states.next(starting);
  now = 4_000;
  states.next(mid); // Five iterations at once (joined late), and a status change.
  now = 9_000;
  states.next({ ...mid, progress: { ...mid.progress, episodesDone: 20 } }); // Within the period: quiet.
  now = 14_000;
  states.next({ ...mid, progress: { ...mid.progress, episodesDone: 21 } }); // Period over: a status line.
  now = 15_000;
  states.next(afterSixth); // One new iteration.
  states.next(afterSixth); // Nothing new.
  now = 16_000;
  states.next({ ...afterSixth, status: 'done', message: 'finished' });
  states.complete();
  await reporter.waitUntilExit();
  const lines = out.lines();
  assert.deepEqual(
    lines.map((line) => /^(iteration \d+|\[\d\d:\d\d\] \w+ · episodes|\[\d\d:\d\d\] \w+)/.exec(line)?.[1] ?? line),
    [
      '[00:01] starting',
      'iteration 1',
      'iteration 2',
      'iteration 3',
      'iteration 4',
      'iteration 5',
      '[08:57] running',
      '[08:57] running',
      'iteration 6',
      '[10:28] done',
    ],
  );
  assert.match(lines[7] ?? '', /episodes 21\/32/);
  assert.match(lines[8] ?? '', /^iteration 6\/20 {2}reward 0\.1204 .* took 01:30$/);
  assert.deepEqual(err.lines(), []);
});

test('the json reporter writes exactly one metrics object per iteration on stdout', async () => {
  const out = sink();
  const err = sink();
  const reporter = createJsonReporter(from([starting, mid, mid, afterSixth, { ...afterSixth, status: 'done' as const }]), {
    stdout: out,
    stderr: err,
  });
  await reporter.waitUntilExit();
  const objects = out.lines().map((line) => JSON.parse(line) as IterationMetrics);
  assert.deepEqual(objects, [...mid.history, sixth]);
  assert.deepEqual(
    err.lines().map((line) => /^\[[\d:]+\] (\w+)/.exec(line)?.[1]),
    ['starting', 'running', 'done'],
    'status changes go to stderr',
  );
});

test('a failing state stream ends the reporter with one line on stderr', async () => {
  const out = sink();
  const err = sink();
  const reporter = createPlainReporter(concat(of(mid), throwError(() => new Error('batcher lost its input'))), { stdout: out, stderr: err });
  await reporter.waitUntilExit();
  assert.deepEqual(err.lines(), ['state stream failed: batcher lost its input']);
});

test('unmount stops a reporter before its stream ends', async () => {
  const states = new Subject<RunState>();
  const out = sink();
  const reporter = createJsonReporter(states, { stdout: out, stderr: sink() });
  states.next(mid);
  reporter.unmount();
  await reporter.waitUntilExit();
  assert.equal(states.observed, false);
  states.next(afterSixth);
  assert.equal(out.lines().length, 5);
});

test('createReporter falls back to plain lines when tui is asked for but stdout is not a terminal', async () => {
  const out = sink();
  const reporter = createReporter(from([starting, mid]), { mode: 'tui', stdout: out, stderr: sink(), controls: noControls() });
  await reporter.waitUntilExit();
  assert.equal(out.lines().length, 1 + 5 + 1);
  assert.match(out.lines()[0] ?? '', /^\[00:01\] starting/);
});

test('createReporter in json mode writes metrics lines and plain mode writes progress lines', async () => {
  const json = sink();
  await createReporter(from([mid]), { mode: 'json', stdout: json, stderr: sink(), controls: noControls() }).waitUntilExit();
  assert.equal(json.lines().length, 5);
  assert.equal((JSON.parse(json.lines()[0] ?? '') as IterationMetrics).iteration, 1);
  const plain = sink();
  await createReporter(from([mid]), { mode: 'plain', stdout: plain, stderr: sink(), controls: noControls() }).waitUntilExit();
  assert.match(plain.lines()[0] ?? '', /^iteration 1\/20 {2}reward /);
});

test('CI is recognised the way ink recognises it, so a TTY in CI still gets plain lines', () => {
  assert.equal(isCi({ CI: 'true' }), true);
  assert.equal(isCi({ CONTINUOUS_INTEGRATION: '1' }), true);
  assert.equal(isCi({ CI: 'false' }), false);
  assert.equal(isCi({ CI: '0', CONTINUOUS_INTEGRATION: 'false' }), false);
  assert.equal(isCi({ HOME: '/root', TERM: 'xterm' }), false);
});

test('plain and json reporters log lines for the user on stderr, keeping stdout for progress', async () => {
  for (const create of [createPlainReporter, createJsonReporter]) {
    const out = sink();
    const err = sink();
    const reporter = create(from([mid]), { stdout: out, stderr: err });
    reporter.log('checkpoint saved: runs/demo/iteration-5');
    await reporter.waitUntilExit();
    assert.deepEqual(err.lines().filter((line) => !line.startsWith('[')), ['checkpoint saved: runs/demo/iteration-5']);
    assert.ok(out.lines().every((line) => !line.includes('checkpoint saved')));
  }
});
