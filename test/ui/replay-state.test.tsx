import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupEpisodes } from '../../src/report/episodes.ts';
import { NO_FILTERS } from '../../src/ui/replay-model.ts';
import { initialReplayState, replayReducer, visible, type KeyFlags, type ReplayState } from '../../src/ui/replay-state.ts';
import { episode } from '../unit/report/rows.ts';

const rows = [
  ...episode({ id: 'a', problem: 'alpha', iteration: 0, verdicts: ['passed'], solved: true }),
  ...episode({ id: 'b', problem: 'beta', iteration: 0, verdicts: ['wrong_answer', 'passed'], solved: true }),
  ...episode({ id: 'c', problem: 'gamma', iteration: 0, verdicts: ['wrong_answer', 'wrong_answer'], solved: false }),
  ...episode({ id: 'd', problem: 'delta', iteration: 1, verdicts: ['invalid', 'invalid', 'invalid'], solved: false }),
];
const data = { source: 'log', episodes: groupEpisodes(rows), truncatedBytes: 0, closed: true };
const geometry = { width: 80, listRows: 2, bodyRows: 3 };

function press(state: ReplayState, input: string, key: KeyFlags = {}, canReload = false): ReplayState {
  return replayReducer(state, { type: 'key', input, key, geometry, canReload });
}

function keys(state: ReplayState, ...inputs: string[]): ReplayState {
  return inputs.reduce((s, i) => press(s, i), state);
}

const start = initialReplayState(data, NO_FILTERS);
const selectedProblem = (s: ReplayState): string | undefined => visible(s).episodes[visible(s).selected]?.problemId;

test('moving stops at both ends of the list, and a page moves by the rows shown', () => {
  assert.equal(selectedProblem(press(start, 'k')), 'alpha');
  assert.equal(selectedProblem(keys(start, 'j', 'j', 'j', 'j', 'j')), 'delta');
  assert.equal(selectedProblem(press(start, '', { pageDown: true })), 'gamma');
  assert.equal(selectedProblem(press(press(start, '', { pageDown: true }), '', { pageUp: true })), 'alpha');
});

test('a filter keeps the selected episode selected when it still passes', () => {
  const onBeta = keys(start, 'j');
  assert.equal(selectedProblem(press(onBeta, 'f')), 'beta');
  assert.equal(selectedProblem(keys(onBeta, 'f', 'f')), 'gamma', 'beta is not failed: the first failed one is selected');
  assert.deepEqual(visible(keys(start, 't', 't')).episodes.map((e) => e.problemId), ['beta', 'gamma']);
});

test('while searching, q and f are text, backspace deletes, and esc keeps the old filter', () => {
  let s = keys(start, '/', 'q', 'f');
  assert.equal(s.search, 'qf');
  assert.equal(s.quit, false);
  s = press(s, '', { backspace: true });
  assert.equal(s.search, 'q');
  s = press(s, '', { escape: true });
  assert.equal(s.search, null);
  assert.equal(s.filters.problem, '');
  s = press(keys(s, '/', 'E', 'L'), '', { return: true });
  assert.equal(s.filters.problem, 'EL');
  assert.deepEqual(visible(s).episodes.map((e) => e.problemId), ['delta']);
});

test('in an episode the turn stays within the episode and the scroll within its text', () => {
  let s = press(keys(start, 'j', 'j', 'j'), '', { return: true });
  assert.deepEqual(s.view, { mode: 'episode', key: 'run-a/d', turn: 0, scroll: 0 });
  s = keys(s, 'h', 'l', 'l', 'l', 'l');
  assert.equal(s.view.mode === 'episode' ? s.view.turn : -1, 2);
  s = keys(s, 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j');
  const scroll = s.view.mode === 'episode' ? s.view.scroll : -1;
  assert.ok(scroll > 0 && scroll < 10, `scrolled to the end of the text and no further (${scroll})`);
  s = press(s, '', { escape: true });
  assert.deepEqual(s.view, { mode: 'list' });
  assert.equal(selectedProblem(s), 'delta');
});

test('r asks for a reload only when the log can be read again, and q quits', () => {
  assert.equal(press(start, 'r').reloads, 0);
  assert.equal(press(start, 'r', {}, true).reloads, 1);
  const quit = press(start, 'q');
  assert.equal(quit.quit, true);
  assert.equal(press(quit, 'j'), quit, 'no key acts after quitting');
});
