import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { concat, NEVER, of, Subject, VirtualTimeScheduler } from 'rxjs';
import type { RunState } from '../../src/pipeline/run-state.ts';
import { PANEL_ORDER, type PanelId } from '../../src/ui/layout.ts';
import { LiveApp, type LiveControls } from '../../src/ui/live-app.tsx';
import { loadFixture } from './fixtures.ts';
import { waitFor } from './wait-for.ts';

const mid = loadFixture('mid-run');

/** Controls that count what the UI asked for. */
function recordingControls(): LiveControls & { stops: number; pauses: number } {
  const calls = {
    stops: 0,
    pauses: 0,
    stop() {
      calls.stops += 1;
    },
    togglePause() {
      calls.pauses += 1;
    },
  };
  return calls;
}

function mount(state$ = concat(of(mid), NEVER), controls: LiveControls = recordingControls()) {
  const app = render(<LiveApp state$={state$} controls={controls} />);
  const text = (): string => stripVTControlCharacters(app.lastFrame() ?? '');
  return { ...app, text };
}

test('q asks the pipeline to stop once and then gives the keyboard back', async () => {
  const controls = recordingControls();
  const app = mount(undefined, controls);
  await waitFor(() => app.text().includes('Learning'), 'the first state');
  assert.equal(app.stdin.listenerCount('readable'), 1, 'keys are read while the run goes on');
  app.stdin.write('q');
  await waitFor(() => app.text().includes('stop requested'), 'the stop notice');
  assert.equal(controls.stops, 1);
  await waitFor(() => app.stdin.listenerCount('readable') === 0, 'the key listener (and raw mode) to be released');
  app.stdin.write('p');
  app.stdin.write('q');
  assert.equal(controls.pauses, 0);
  assert.equal(controls.stops, 1);
  app.unmount();
});

test('Ctrl+C is a stop request too, not an abrupt exit of the UI', async () => {
  const controls = recordingControls();
  const app = mount(undefined, controls);
  await waitFor(() => app.text().includes('Learning'), 'the first state');
  app.stdin.write('\u0003');
  await waitFor(() => app.text().includes('stop requested'), 'the stop notice');
  assert.equal(controls.stops, 1);
  assert.match(app.text(), /Learning/, 'the run is still shown');
  app.unmount();
});

test('p toggles pause through the controls each time it is pressed', async () => {
  const controls = recordingControls();
  const app = mount(undefined, controls);
  await waitFor(() => app.text().includes('Learning'), 'the first state');
  app.stdin.write('p');
  app.stdin.write('p');
  await waitFor(() => controls.pauses === 2, 'two pause toggles');
  assert.equal(controls.stops, 0);
  app.unmount();
});

test('the footer offers resume instead of pause while the run is paused', async () => {
  const app = mount(concat(of<RunState>({ ...mid, status: 'paused' }), NEVER));
  await waitFor(() => app.text().includes('‖ paused'), 'the paused state');
  assert.match(app.text(), /p resume/);
  app.unmount();
});

test('tab moves the focus to the next panel, which expands, and shift+tab moves it back', async () => {
  const app = mount();
  await waitFor(() => app.text().includes('▶ Learning'), 'the first state with learning focused');
  assert.match(app.text(), /clip frac/, 'focused learning panel is expanded');
  app.stdin.write('\t');
  await waitFor(() => app.text().includes('▶ Episodes'), 'focus on episodes');
  assert.doesNotMatch(app.text(), /clip frac/, 'learning panel back to compact');
  assert.match(app.text(), /T1 code +t = int/, 'focused episodes panel shows each turn');
  assert.match(app.text(), /focus: episodes/);
  app.stdin.write('\t');
  await waitFor(() => app.text().includes('▶ Stages'), 'focus wraps around to stages');
  assert.match(app.text(), /training +20 updates/);
  app.stdin.write('\u001B[Z');
  await waitFor(() => app.text().includes('▶ Episodes'), 'shift+tab goes back');
  app.unmount();
});

test('a burst of 100 states renders a bounded number of frames, ending with the newest', async () => {
  const scheduler = new VirtualTimeScheduler();
  const states = new Subject<RunState>();
  const app = render(<LiveApp state$={states} controls={recordingControls()} scheduler={scheduler} frameMs={100} />);
  await waitFor(() => states.observed, 'the UI to subscribe');
  const before = app.frames.length;
  // One state per turn of the event loop: unthrottled, React would draw every one of them.
  for (let i = 1; i <= 100; i++) {
    states.next({ ...mid, message: `state ${i} of the burst` });
    await new Promise((resolve) => setImmediate(resolve));
  }
  scheduler.flush(); // Virtual time moves on by the frame period: the trailing frame.
  await waitFor(() => (app.lastFrame() ?? '').includes('state 100 of'), 'the newest state');
  const frames = app.frames.slice(before).map((f) => stripVTControlCharacters(f));
  assert.ok(frames.length <= 3, `${frames.length} renders for 100 states`);
  const shown = new Set(frames.map((f) => /state (\d+) of/.exec(f)?.[1]));
  assert.deepEqual([...shown].sort(), ['1', '100'], 'only the first and the newest state are drawn');
  app.unmount();
});

test('the frame fits small and large terminals in every focus, so ink never redraws the whole screen', async () => {
  // Every focus on the small terminals, where the height budget bites; one each on large ones.
  const cases: [number, number, PanelId][] = [
    ...PANEL_ORDER.map((focus): [number, number, PanelId] => [80, 24, focus]),
    ...PANEL_ORDER.map((focus): [number, number, PanelId] => [60, 20, focus]),
    [140, 40, 'learning'],
    [200, 60, 'episodes'],
  ];
  for (const [columns, rows, focus] of cases) {
    const app = render(
      <LiveApp state$={concat(of(mid), NEVER)} controls={recordingControls()} columns={columns} rows={rows} initialFocus={focus} />,
    );
    await waitFor(() => (app.lastFrame() ?? '').includes('rlef train'), 'the first state');
    const lines = stripVTControlCharacters(app.lastFrame() ?? '').split('\n');
    const where = `${columns}×${rows} focus ${focus}`;
    assert.ok(lines.length <= rows - 1, `${where}: ${lines.length} rows`);
    for (const line of lines) assert.ok([...line].length <= columns, `${where}: too wide: ${line}`);
    assert.match(lines.join('\n'), new RegExp(`▶ ${focus}`, 'i'), `${where}: focused panel shown`);
    app.unmount();
  }
});

test('the UI waits for the first state, and ends when the stream completes', async () => {
  const states = new Subject<RunState>();
  const app = render(<LiveApp state$={states} controls={recordingControls()} />);
  assert.match(app.lastFrame() ?? '', /waiting for the run/);
  await waitFor(() => states.observed, 'the UI to subscribe');
  states.next({ ...mid, status: 'done', message: 'finished 20 iterations' });
  states.complete();
  await waitFor(() => app.stdin.listenerCount('readable') === 0, 'the keyboard to be released');
  assert.match(stripVTControlCharacters(app.lastFrame() ?? ''), /✔ done[\s\S]*run ended/);
  assert.equal(states.observed, false, 'unsubscribed');
});

test('a failed run shows its full reason at the bottom', async () => {
  const app = render(<LiveApp state$={of(loadFixture('failed'))} controls={recordingControls()} columns={60} />);
  await waitFor(() => (app.lastFrame() ?? '').includes('run failed'), 'the failure');
  const text = stripVTControlCharacters(app.lastFrame() ?? '').replace(/\s+/g, ' ');
  assert.match(text, /✖ run failed: execution pool failed: sandbox fork server exited with signal SIGKILL \(37 sandbox errors in a row\)$/);
});

test('a failing state stream is shown, not thrown', async () => {
  const states = new Subject<RunState>();
  const app = render(<LiveApp state$={states} controls={recordingControls()} />);
  await waitFor(() => states.observed, 'the UI to subscribe');
  states.next(mid);
  states.error(new Error('batcher lost its input'));
  await waitFor(() => (app.lastFrame() ?? '').includes('state stream failed: batcher lost its input'), 'the error line');
});

test('a failure message with a stack trace is kept to three rows', async () => {
  const failed = loadFixture('failed');
  const trace = Array.from({ length: 40 }, (_, i) => `    at frame${i} (src/exec/pool.ts:${i}:1)`).join('\n');
  const app = render(<LiveApp state$={of({ ...failed, message: `pool crashed\n${trace}` })} controls={recordingControls()} columns={60} />);
  await waitFor(() => (app.lastFrame() ?? '').includes('run failed'), 'the failure');
  const lines = stripVTControlCharacters(app.lastFrame() ?? '').split('\n');
  const from = lines.findIndex((line) => line.includes('run failed'));
  assert.match(lines[from] ?? '', /✖ run failed: pool crashed at frame0/);
  assert.ok(lines.length - from <= 3, `${lines.length - from} rows of failure`);
});
