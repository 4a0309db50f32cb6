import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeStats, type GroupStats, type Ratio } from '../../../src/report/stats.ts';
import { statsText } from '../../../src/report/stats-table.ts';
import { episode } from './rows.ts';

const rows = [
  // iteration 0, train
  ...episode({ id: 'e1', iteration: 0, verdicts: ['passed'], solved: true, rewards: [1], kls: [0.25] }),
  ...episode({ id: 'e2', iteration: 0, verdicts: ['wrong_answer', 'passed'], solved: true, rewards: [0, 1], kls: [0.5, 0.25] }),
  ...episode({ id: 'e3', iteration: 0, verdicts: ['invalid', 'wrong_answer', 'runtime_error'], solved: false, rewards: [-0.2, 0, -1] }),
  // Passed the public tests at turn 2, failed the private ones: a fix, but not solved.
  ...episode({ id: 'e4', iteration: 0, verdicts: ['runtime_error', 'passed'], solved: false, rewards: [0, -1] }),
  // iteration 1, train; the same episode id in another run is another episode.
  ...episode({ id: 'e5', iteration: 1, verdicts: ['wrong_answer', 'wrong_answer', 'passed'], solved: true, rewards: [0, 0, 1] }),
  ...episode({ id: 'e6', iteration: 1, verdicts: ['passed'], solved: true, rewards: [1] }),
  ...episode({ runId: 'run-b', id: 'e1', iteration: 1, verdicts: ['wrong_answer'], solved: false, rewards: [-1] }),
  // iteration 1, eval
  ...episode({ id: 'v1', iteration: 1, split: 'eval', verdicts: ['invalid', 'passed'], solved: true, rewards: [-0.2, 1] }),
];

function r(count: number, of: number): Ratio {
  return { count, of, rate: of === 0 ? null : count / of };
}

function group(groups: readonly GroupStats[], split: string, iteration: number | null): GroupStats {
  const g = groups.find((x) => x.split === split && x.iteration === iteration);
  assert.ok(g !== undefined, `a group for ${split} iteration ${iteration}`);
  return g;
}

function close(actual: number | null, expected: number): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${actual} ≈ ${expected}`);
}

test('episodes are counted once per run and episode id, and groups come train first by iteration', () => {
  const stats = computeStats(rows);
  assert.equal(stats.episodes, 8);
  assert.equal(stats.turns, rows.length);
  assert.equal(stats.maxTurns, 3);
  assert.deepEqual(
    stats.byIteration.map((g) => `${g.split}/${g.iteration}`),
    ['train/0', 'train/1', 'eval/1'],
  );
  assert.deepEqual(
    stats.bySplit.map((g) => `${g.split}/${g.iteration}`),
    ['train/null', 'eval/null'],
  );
});

test('solve rate within turn t counts solved episodes that used at most t turns', () => {
  const stats = computeStats(rows);
  const it0 = group(stats.byIteration, 'train', 0);
  assert.deepEqual(it0.solved, r(2, 4));
  assert.deepEqual(it0.solvedWithin, [r(1, 4), r(2, 4), r(2, 4)]);
  const it1 = group(stats.byIteration, 'train', 1);
  assert.deepEqual(it1.solved, r(2, 3));
  assert.deepEqual(it1.solvedWithin, [r(1, 3), r(1, 3), r(2, 3)]);
  assert.deepEqual(group(stats.bySplit, 'train', null).solvedWithin, [r(2, 7), r(3, 7), r(4, 7)]);
});

test('the turn-2 fix rate is turn-2 passes among episodes whose turn 1 failed, invalid answers included', () => {
  const stats = computeStats(rows);
  // e2 (wrong → passed) and e4 (crash → passed, though not solved) of e2, e3, e4.
  assert.deepEqual(group(stats.byIteration, 'train', 0).turn2Fix, r(2, 3));
  // e5 failed turn 2 too; run-b/e1 failed turn 1 and had no turn 2; e6 passed turn 1 (not counted).
  assert.deepEqual(group(stats.byIteration, 'train', 1).turn2Fix, r(0, 2));
  assert.deepEqual(group(stats.byIteration, 'eval', 1).turn2Fix, r(1, 1));
  assert.deepEqual(group(stats.bySplit, 'train', null).turn2Fix, r(2, 5));
});

test('the turn-2 repeat rate counts retries that resubmit the failed turn-1 program', () => {
  const stats = computeStats([
    // The same program up to trailing spaces and blank lines: a repeat.
    ...episode({ id: 'a', iteration: 0, verdicts: ['wrong_answer', 'wrong_answer'], solved: false, codes: ['x=1\nprint(x)', 'x=1  \n\nprint(x)\n'] }),
    ...episode({ id: 'b', iteration: 0, verdicts: ['wrong_answer', 'passed'], solved: true, codes: ['print(1)', 'print(2)'] }),
    // A retry without code is a retry, not a repeat.
    ...episode({ id: 'c', iteration: 0, verdicts: ['wrong_answer', 'invalid'], solved: false, codes: ['print(1)', null] }),
    // Not counted: no turn-1 code to repeat, no turn 2, or turn 1 passed.
    ...episode({ id: 'd', iteration: 0, verdicts: ['invalid', 'wrong_answer'], solved: false, codes: [null, 'print(1)'] }),
    ...episode({ id: 'e', iteration: 0, verdicts: ['wrong_answer'], solved: false }),
    ...episode({ id: 'f', iteration: 0, verdicts: ['passed'], solved: true }),
  ]);
  assert.deepEqual(group(stats.byIteration, 'train', 0).turn2Repeat, r(1, 3));
  assert.deepEqual(group(stats.byIteration, 'train', 0).turn2Fix, r(1, 5));
  // A one-character change is another program.
  assert.deepEqual(computeStats(episode({ id: 'g', iteration: 0, verdicts: ['wrong_answer', 'wrong_answer'], solved: false, codes: ['print(1)', 'print(1 )'] }))
    .bySplit[0]?.turn2Repeat, r(0, 1));
});

test('mean reward sums each episode\'s turns, KL and invalid answers are per turn', () => {
  const stats = computeStats(rows);
  const it0 = group(stats.byIteration, 'train', 0);
  close(it0.meanReward, (1 + 1 - 1.2 - 1) / 4);
  assert.equal(it0.meanKl, 1 / 8);
  assert.deepEqual(it0.invalid, r(1, 8));
  assert.equal(it0.meanTurns, 2);
  assert.equal(it0.turns, 8);
  const it1 = group(stats.byIteration, 'train', 1);
  close(it1.meanReward, (1 + 1 - 1) / 3);
  assert.equal(it1.meanKl, 0);
  assert.deepEqual(it1.invalid, r(0, 5));
  const evals = group(stats.bySplit, 'eval', null);
  close(evals.meanReward, 0.8);
  assert.deepEqual(evals.invalid, r(1, 2));
  assert.equal(evals.incomplete, 0);
});

test('an episode with a turn missing is flagged and left out of the fix rate, not guessed', () => {
  const full = episode({ id: 'cut', iteration: 0, verdicts: ['wrong_answer', 'passed', 'passed'], solved: true });
  const stats = computeStats([full[0]!, full[2]!]);
  const g = group(stats.byIteration, 'train', 0);
  assert.equal(g.incomplete, 1);
  assert.deepEqual(g.turn2Fix, r(0, 0));
  assert.deepEqual(g.solvedWithin, [r(0, 1), r(0, 1), r(1, 1)]);
});

test('no rows give no groups and a one-line text', () => {
  const stats = computeStats([]);
  assert.deepEqual(stats, { episodes: 0, turns: 0, maxTurns: 0, byIteration: [], bySplit: [] });
  assert.equal(statsText(stats, { path: 'x.arrow', truncatedBytes: 0, closed: true }), 'x.arrow: 0 episodes · 0 turns\n');
});

test('the stats text shows the fix rate with its counts and says how many torn bytes were ignored', () => {
  const text = statsText(computeStats(rows), { path: 'log.arrow', truncatedBytes: 123, closed: false });
  assert.match(text, /^log\.arrow: 8 episodes · 15 turns · truncated: 123 bytes ignored$/m);
  // Every hand-built turn writes print(1), so each retry repeats turn 1's code.
  assert.match(text, /^train {2}0 +4 +50\.0% +25\.0% +50\.0% +50\.0% +66\.7% \(2\/3\) +100\.0% \(2\/2\)$/m);
  assert.match(text, /^train {2}all +7 +57\.1% +28\.6% +42\.9% +57\.1% +40\.0% \(2\/5\) +100\.0% \(3\/3\)$/m);
  assert.match(text, /^eval {3}1 +1 +100\.0% +0\.0% +100\.0% +100\.0% +100\.0% \(1\/1\) +–$/m);
  assert.match(text, /^train {2}0 +4 +8 +-0\.0500 +0\.1250 +12\.5% \(1\/8\) +2\.000$/m);
});
