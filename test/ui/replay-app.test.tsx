import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { groupEpisodes } from '../../src/report/episodes.ts';
import { loadRun } from '../../src/report/load-run.ts';
import { ReplayApp } from '../../src/ui/replay-app.tsx';
import type { ReplayData } from '../../src/ui/replay-model.ts';
import { waitFor } from './wait-for.ts';

const KEYS = { down: '\u001b[B', up: '\u001b[A', right: '\u001b[C', left: '\u001b[D', enter: '\r', escape: '\u001b' };

async function load(name: string): Promise<ReplayData> {
  const path = fileURLToPath(new URL(`../fixtures/replay/${name}`, import.meta.url));
  const run = await loadRun(path);
  return { source: name, episodes: groupEpisodes(run.rows), truncatedBytes: run.truncatedBytes, closed: run.closed };
}

const full = await load('scripted.arrow');
const torn = await load('scripted-truncated.arrow');

function mount(data: ReplayData, reload?: () => Promise<ReplayData>) {
  const app = render(<ReplayApp data={data} columns={120} rows={80} {...(reload === undefined ? {} : { reload })} />);
  const text = (): string => stripVTControlCharacters(app.lastFrame() ?? '');
  /** Writes one key and waits until the frame shows `until`. */
  const press = async (key: string, until: (frame: string) => boolean, what: string): Promise<void> => {
    app.stdin.write(key);
    await waitFor(() => until(text()), what);
  };
  return { ...app, text, press };
}

/** The problem ids listed, in order (list rows start with the marker column and ✔/✘). */
function listed(frame: string): string[] {
  return frame
    .split('\n')
    .map((line) => /^(?:▶ | {2})[✔✘] (\S+)/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
}

test('the list shows every episode with its outcome, iteration, split and verdicts, and the keys', async () => {
  const app = mount(full);
  await waitFor(() => app.text().includes('rlef replay'), 'the first frame');
  const frame = app.text();
  assert.match(frame, /scripted\.arrow · 14 episodes · 14 shown/);
  assert.doesNotMatch(frame, /truncated/);
  assert.equal(listed(frame).length, 14);
  assert.match(frame, /▶ ✔ smoke\/sum_above\/0 +it 0 · train · 1 turn · r \+1\.00 · passed/);
  assert.match(frame, /✘ smoke\/count_multiples\/0 +it 0 · train · 3 turns · r -1\.00 · wrong_answer → wrong_answer → wrong_answer/);
  assert.match(frame, /✔ smoke\/sum_above\/0 +it 1 · eval · 2 turns/);
  assert.match(frame, /enter open · f solved\/failed · t turns · \/ search problem id · q quit/);
  app.unmount();
});

test('f cycles the outcome filter through solved, failed and back to all', async () => {
  const app = mount(full);
  await app.press('f', (f) => f.includes('filter: solved'), 'the solved filter');
  assert.equal(listed(app.text()).length, 10);
  assert.match(app.text(), /14 episodes · 10 shown/);
  assert.ok(!app.text().includes('✘'), 'no failed episode is listed');
  await app.press('f', (f) => f.includes('filter: failed'), 'the failed filter');
  assert.deepEqual(listed(app.text()), ['smoke/count_multiples/0', 'smoke/keep_between/0', 'smoke/reverse_text/0', 'smoke/digit_sum/0']);
  await app.press('f', (f) => f.includes('filter: none'), 'no filter');
  assert.equal(listed(app.text()).length, 14);
  app.unmount();
});

test('t filters by number of turns and / searches problem ids, esc cancelling a search', async () => {
  const app = mount(full);
  await app.press('t', (f) => f.includes('filter: 1 turn'), 'the one-turn filter');
  assert.deepEqual(listed(app.text()), ['smoke/sum_above/0', 'smoke/every_kth/0', 'smoke/pad_left/0', 'smoke/count_multiples/0']);
  await app.press('t', (f) => f.includes('filter: 2 turns'), 'the two-turn filter');
  await app.press('t', (f) => f.includes('filter: 3 turns'), 'the three-turn filter');
  await app.press('t', (f) => f.includes('filter: none'), 'any number of turns');
  await app.press('/', (f) => f.includes('/ problem id contains:'), 'the search prompt');
  for (const ch of 'SUM_A') app.stdin.write(ch);
  await waitFor(() => app.text().includes('contains: SUM_A'), 'the typed text');
  await app.press(KEYS.enter, (f) => f.includes('filter: problem ~ "SUM_A"'), 'the search filter');
  assert.deepEqual(listed(app.text()), ['smoke/sum_above/0', 'smoke/sum_above/0']);
  await app.press('/', (f) => f.includes('contains: SUM_A'), 'the search prompt with the current text');
  await app.press('x', (f) => f.includes('contains: SUM_Ax'), 'more text');
  await app.press(KEYS.escape, (f) => f.includes('filter: problem ~ "SUM_A"') && !f.includes('contains:'), 'the search to be cancelled');
  assert.equal(listed(app.text()).length, 2);
  app.unmount();
});

test('enter opens an episode and the arrows step through its turns: prompt, code, feedback and numbers', async () => {
  const app = mount(full);
  await waitFor(() => app.text().includes('rlef replay'), 'the first frame');
  const selected = (id: string) => (f: string) => f.split('\n').some((l) => l.startsWith('▶') && l.includes(id));
  await app.press(KEYS.down, selected('count_multiples'), 'row 2');
  await app.press('j', selected('kth_largest'), 'row 3');
  await app.press(KEYS.down, selected('is_sorted'), 'row 4');
  await app.press(KEYS.up, selected('kth_largest'), 'row 3 again');
  await app.press('k', selected('count_multiples'), 'row 2 again');
  await app.press('j', selected('kth_largest'), 'row 3');
  await app.press('j', selected('is_sorted'), 'row 4');
  await app.press(KEYS.enter, (f) => f.includes('turn 1/3'), 'the episode view');
  let frame = app.text();
  assert.match(frame, /✔ solved smoke\/is_sorted\/0 · fixture-run\/it00000-ep00003 · iteration 0 · train/);
  assert.match(frame, /▶T1 +runtime_error │ +T2 +wrong_answer │ +T3 +passed/);
  assert.match(frame, /turn 1\/3 · (\d+ more lines \(↓\) · )?verdict runtime_error · reward -4\.9e-4 · advantage 1\.399 · return 0\.9985 · value -0\.4000 · KL 0\.0099/);
  assert.match(frame, /── Prompt ──/);
  assert.match(frame, /Provide a Python solution for the following competitive programming question:/);
  assert.match(frame, /── Code ──/);
  assert.match(frame, /print\(values\[len\(values\) \+ 1\]\)/);
  assert.match(frame, /── Feedback ──/);
  assert.match(frame, /IndexError: list index out of range/);

  await app.press(KEYS.right, (f) => f.includes('turn 2/3'), 'turn 2');
  frame = app.text();
  assert.match(frame, /verdict wrong_answer/);
  // Turn 2's prompt is turn 1's feedback; its own feedback is the wrong answers.
  assert.ok(frame.indexOf('IndexError') < frame.indexOf('── Code'), 'the traceback is in the prompt');
  assert.match(frame.slice(frame.indexOf('── Feedback')), /Expected output `\w+` but got `\w+`/);

  await app.press('l', (f) => f.includes('turn 3/3'), 'turn 3');
  assert.match(app.text(), /verdict passed/);
  assert.match(app.text(), /\(final turn: graded on all tests · solved\)/);
  await app.press(KEYS.right, (f) => f.includes('turn 3/3'), 'no turn after the last');
  await app.press(KEYS.left, (f) => f.includes('turn 2/3'), 'back to turn 2');
  await app.press(KEYS.escape, (f) => f.includes('14 shown') && f.includes('▶ ✔ smoke/is_sorted/0'), 'the list, selection kept');
  app.unmount();
});

test('keys that arrive in one chunk act one by one', async () => {
  const app = mount(full);
  await waitFor(() => app.text().includes('rlef replay'), 'the first frame');
  await app.press('jjj\r', (f) => f.includes('turn 1/3') && f.includes('smoke/is_sorted/0'), 'the fourth episode to open');
  await app.press('ll', (f) => f.includes('turn 3/3'), 'two turns on');
  app.unmount();
});

test('a long turn scrolls in a short terminal', async () => {
  const app = render(<ReplayApp data={full} columns={80} rows={14} />);
  const text = (): string => stripVTControlCharacters(app.lastFrame() ?? '');
  await waitFor(() => text().includes('rlef replay'), 'the first frame');
  app.stdin.write('\r');
  await waitFor(() => /more lines \(↓\)/.test(text()), 'the scroll hint');
  assert.ok(text().split('\n').length <= 14, 'the frame fits the terminal');
  const before = text();
  app.stdin.write('j');
  await waitFor(() => text() !== before, 'the body to scroll');
  assert.ok(!text().includes('── Prompt'), 'the first line scrolled away');
  app.unmount();
});

test('a log cut mid-batch lists the episodes read and says how many bytes were ignored', async () => {
  const app = mount(torn);
  await waitFor(() => app.text().includes('rlef replay'), 'the first frame');
  assert.match(app.text(), /scripted-truncated\.arrow · 12 episodes · 12 shown · truncated: 3880 bytes ignored/);
  assert.ok(!app.text().includes(' eval '), 'the torn last batch (the eval episodes) is not shown');
  await app.press('f', (f) => f.includes('filter: solved'), 'the solved filter');
  assert.equal(listed(app.text()).length, 8);
  app.unmount();
});

test('r reads the log again, so a run still writing can be followed', async () => {
  let reads = 0;
  const app = mount(torn, () => {
    reads++;
    return Promise.resolve(full);
  });
  await waitFor(() => app.text().includes('12 episodes'), 'the first frame');
  assert.match(app.text(), /r reload/);
  await app.press('r', (f) => f.includes('reloaded: 14 episodes'), 'the reload');
  assert.equal(reads, 1);
  assert.match(app.text(), /14 episodes · 14 shown/);
  assert.doesNotMatch(app.text(), /truncated/);
  app.unmount();
});

test('q quits and releases the keyboard', async () => {
  const app = mount(full);
  await waitFor(() => app.stdin.listenerCount('readable') === 1, 'keys to be read');
  app.stdin.write('q');
  await waitFor(() => app.stdin.listenerCount('readable') === 0, 'the key listener to be released');
  app.unmount();
});
