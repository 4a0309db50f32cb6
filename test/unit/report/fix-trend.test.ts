import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeStats } from '../../../src/report/stats.ts';
import { statsText, fixTrendLine } from '../../../src/report/stats-table.ts';
import { fixTrends, newcombe, wilson } from '../../../src/report/fix-trend.ts';
import { episode } from './rows.ts';

function near(actual: number, expected: number, tolerance = 5e-5): void {
  assert.ok(Math.abs(actual - expected) < tolerance, `${actual} ≈ ${expected}`);
}

test("Wilson and Newcombe intervals match Newcombe's (1998) worked example", () => {
  // 56/70 against 48/80: difference 0.2000, method 10 interval 0.0524 to 0.3339.
  const [lo, hi] = wilson(56, 70);
  near(lo, 0.6918, 1e-4);
  near(hi, 0.8770, 1e-4);
  const d = newcombe({ count: 48, of: 80, rate: 0.6 }, { count: 56, of: 70, rate: 0.8 });
  assert.ok(d !== null);
  near(d.value, 0.2, 1e-12);
  near(d.lower, 0.0524, 1e-4);
  near(d.upper, 0.3339, 1e-4);
  // A rate with nothing counted has no interval.
  assert.equal(newcombe({ count: 0, of: 0, rate: null }, { count: 1, of: 2, rate: 0.5 }), null);
  assert.throws(() => wilson(0, 0), RangeError);
});

test('the fix-rate trend pools the first half of the iterations against the second', () => {
  const rows = [
    // iteration 0: two failed first turns, one fixed at turn 2.
    ...episode({ id: 'a', iteration: 0, verdicts: ['wrong_answer', 'passed'], solved: true, rewards: [0, 1] }),
    ...episode({ id: 'b', iteration: 0, verdicts: ['wrong_answer', 'wrong_answer'], solved: false, rewards: [0, -1] }),
    // iteration 1: one failed, not fixed; one solved at turn 1 (not counted).
    ...episode({ id: 'c', iteration: 1, verdicts: ['runtime_error', 'wrong_answer'], solved: false, rewards: [0, -1] }),
    ...episode({ id: 'd', iteration: 1, verdicts: ['passed'], solved: true, rewards: [1] }),
    // iterations 2 and 3: three failed, all fixed.
    ...episode({ id: 'e', iteration: 2, verdicts: ['invalid', 'passed'], solved: true, rewards: [0, 1] }),
    ...episode({ id: 'f', iteration: 3, verdicts: ['wrong_answer', 'passed'], solved: true, rewards: [0, 1] }),
    ...episode({ id: 'g', iteration: 3, verdicts: ['wrong_answer', 'passed', 'passed'], solved: true, rewards: [0, 0, 1] }),
    // An evaluation split with one iteration has no trend.
    ...episode({ id: 'v', iteration: 3, split: 'eval', verdicts: ['wrong_answer', 'passed'], solved: true, rewards: [0, 1] }),
  ];
  const stats = computeStats(rows);
  const trends = fixTrends(stats);
  assert.equal(trends.length, 1);
  const [t] = trends;
  assert.ok(t !== undefined);
  assert.equal(t.split, 'train');
  assert.deepEqual(t.earlyIterations, [0, 1]);
  assert.deepEqual(t.lateIterations, [2, 3]);
  assert.deepEqual(t.early, { count: 1, of: 3, rate: 1 / 3 });
  assert.deepEqual(t.late, { count: 3, of: 3, rate: 1 });
  assert.ok(t.difference !== null);
  near(t.difference.value, 2 / 3, 1e-12);
  assert.ok(t.difference.lower < t.difference.value && t.difference.value < t.difference.upper);
  assert.ok(t.difference.upper <= 1 + 1e-12 && t.difference.lower >= -1 - 1e-12);
  const line = fixTrendLine(t);
  assert.ok(line.startsWith('train: turn-2 fix 33.3% (1/3) in iterations 0–1 → 100.0% (3/3) in iterations 2–3: +66.7 points ['), line);
  // A fall prints with a minus sign; an empty half says so.
  const fall = fixTrendLine({ ...t, early: t.late, late: t.early, difference: newcombe(t.late, t.early) });
  assert.match(fall, /: −66\.7 points \[−/);
  assert.match(fixTrendLine({ ...t, difference: null }), /no difference \(a half without failed first turns\)$/);
  const text = statsText(stats, { path: 'log.arrow', truncatedBytes: 0, closed: true });
  assert.match(text, /Fix-rate trend/);
  assert.match(text, /train: turn-2 fix 33\.3% \(1\/3\) in iterations 0–1 → 100\.0% \(3\/3\) in iterations 2–3: \+66\.7 points/);
});
