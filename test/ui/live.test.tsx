import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { Subject } from 'rxjs';
import type { RunState } from '../../src/pipeline/run-state.ts';
import { renderLiveUi } from '../../src/ui/live.tsx';
import { loadFixture } from './fixtures.ts';
import { waitFor } from './wait-for.ts';

const mid = loadFixture('mid-run');

/** A keyboard that records every raw-mode switch, as a terminal's stdin would see them. */
class FakeKeyboard extends EventEmitter {
  /** `undefined`, not `false`, is what `process.stdin.isTTY` is on a pipe. */
  isTTY: true | undefined;
  readonly rawMode: boolean[] = [];
  private pending: string | null = null;
  constructor(kind: 'terminal' | 'pipe' = 'terminal') {
    super();
    this.isTTY = kind === 'terminal' ? true : undefined;
  }
  setRawMode(on: boolean): this {
    this.rawMode.push(on);
    return this;
  }
  setEncoding(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  read(): string | null {
    const data = this.pending;
    this.pending = null;
    return data;
  }
  press(key: string): void {
    this.pending = key;
    this.emit('readable');
  }
}

/** A terminal screen that keeps everything written to it. */
class FakeScreen extends EventEmitter {
  readonly isTTY = true;
  columns = 100;
  rows = 40;
  written = '';
  write(chunk: string): boolean {
    this.written += chunk;
    return true;
  }
  text(): string {
    return stripVTControlCharacters(this.written);
  }
}

function start(keyboard = new FakeKeyboard()) {
  const screen = new FakeScreen();
  const states = new Subject<RunState>();
  const calls = { stops: 0, pauses: 0 };
  const ui = renderLiveUi(
    states,
    {
      stop: () => {
        calls.stops += 1;
      },
      togglePause: () => {
        calls.pauses += 1;
      },
    },
    // The fakes stand in for a terminal: only the members ink uses are implemented.
    { stdout: screen as unknown as NodeJS.WriteStream, stderr: screen as unknown as NodeJS.WriteStream, stdin: keyboard as unknown as NodeJS.ReadStream },
  );
  return { screen, states, calls, ui, keyboard };
}

test('raw mode is taken while the run goes on and released when the state stream completes', async () => {
  const { screen, states, ui, keyboard } = start();
  await waitFor(() => states.observed, 'the UI to subscribe');
  states.next(mid);
  await waitFor(() => screen.text().includes('Learning'), 'the first frame');
  assert.deepEqual(keyboard.rawMode, [true]);
  states.next({ ...mid, status: 'done', message: 'finished 20 iterations' });
  states.complete();
  await ui.waitUntilExit();
  assert.deepEqual(keyboard.rawMode, [true, false]);
  assert.equal(keyboard.listenerCount('readable'), 0);
  assert.match(screen.text(), /✔ done/);
});

test('q releases raw mode at once, and the UI stays until the run has stopped', async () => {
  const { screen, states, calls, ui, keyboard } = start();
  await waitFor(() => states.observed, 'the UI to subscribe');
  states.next(mid);
  await waitFor(() => keyboard.rawMode.length === 1, 'raw mode');
  keyboard.press('q');
  await waitFor(() => keyboard.rawMode.length === 2, 'raw mode to be released');
  assert.deepEqual(keyboard.rawMode, [true, false]);
  assert.equal(calls.stops, 1);
  let exited = false;
  void ui.waitUntilExit().then(() => {
    exited = true;
  });
  states.next({ ...mid, status: 'stopping', message: 'finishing 8 episodes in flight' });
  await waitFor(() => screen.text().includes('finishing 8 episodes in flight'), 'the stopping state');
  assert.equal(exited, false);
  states.complete();
  await ui.waitUntilExit();
  assert.deepEqual(keyboard.rawMode, [true, false], 'raw mode is not taken again');
});

test('unmount ends the UI and releases raw mode even while the stream is open', async () => {
  const { states, ui, keyboard } = start();
  await waitFor(() => states.observed, 'the UI to subscribe');
  states.next(mid);
  await waitFor(() => keyboard.rawMode.length === 1, 'raw mode');
  ui.unmount();
  await ui.waitUntilExit();
  assert.deepEqual(keyboard.rawMode, [true, false]);
  assert.equal(states.observed, false, 'the UI unsubscribed from the run');
  ui.unmount();
});

test('with stdin on a pipe the UI runs with keys off and never touches raw mode', async () => {
  const { screen, states, ui, keyboard } = start(new FakeKeyboard('pipe'));
  await waitFor(() => states.observed, 'the UI to subscribe');
  states.next(mid);
  await waitFor(() => screen.text().includes('keys off'), 'the keys-off notice');
  states.complete();
  await ui.waitUntilExit();
  assert.deepEqual(keyboard.rawMode, []);
});

test('a logged line is printed above the live frame, which is drawn again below it', async () => {
  const { screen, states, ui } = start();
  await waitFor(() => states.observed, 'the UI to subscribe');
  states.next(mid);
  await waitFor(() => screen.text().includes('Learning'), 'the first frame');
  ui.log('checkpoint saved: runs/demo/iteration-5');
  await waitFor(() => screen.text().includes('checkpoint saved'), 'the logged line');
  const after = screen.text().split('checkpoint saved: runs/demo/iteration-5\n')[1] ?? '';
  assert.match(after, /^rlef train-20261126-175731-3f9a[\s\S]*Learning[\s\S]*q stop/, 'the frame follows the line');
  states.complete();
  await ui.waitUntilExit();
  const before = screen.written.length;
  ui.log('after the UI: straight to stderr');
  assert.equal(screen.written.slice(before), 'after the UI: straight to stderr\n');
});

test('a resized terminal gets a new layout: side by side panels once it is wide enough', async () => {
  const { screen, states, ui } = start();
  await waitFor(() => states.observed, 'the UI to subscribe');
  states.next(mid);
  await waitFor(() => screen.text().includes('Learning'), 'the first frame');
  assert.equal(screen.text().split('\n').some((line) => line.includes('Stages') && line.includes('Learning')), false);
  screen.columns = 140;
  screen.emit('resize');
  await waitFor(
    () => screen.text().split('\n').some((line) => /── Stages ─+ ━━ ▶ Learning ━+/.test(line)),
    'stages and learning side by side',
  );
  ui.unmount();
  await ui.waitUntilExit();
});
