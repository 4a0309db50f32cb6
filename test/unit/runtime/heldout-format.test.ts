/** The held-out comparison printed at the end of `rlef train`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHeldoutComparison, pairedDifference } from '../../../src/runtime/heldout-eval.ts';
import type { EvalReport } from '../../../src/eval/eval-report.ts';

function report(data: string, value: number): EvalReport {
  const summary = {
    turnLimit: 3,
    metrics: [{ name: '1@3', spec: { kind: 'n@k', n: 1, k: 3 }, value, lower: value - 0.1, upper: value + 0.1 }],
    solveRateByTurn: [1, 2, 3].map((turn) => ({ turn, value, lower: value - 0.1, upper: value + 0.1 })),
  };
  return { data, problems: 92, rollouts: 1, temperature: 0.2, topP: 0.95, seed: 1, turnLimits: [summary] } as unknown as EvalReport;
}

test('the settings line names this run\'s data, also when the start report comes from a cache made elsewhere', () => {
  const text = formatHeldoutComparison({
    start: { label: 'start', report: report('/elsewhere/data/suite/heldout.jsonl', 0.3) },
    final: { label: 'trained', report: report('/here/data/suite/heldout.jsonl', 0.4) },
  });
  const lines = text.split('\n');
  assert.match(lines[0]!, /^held-out evaluation: 92 problems of \/here\/data\/suite\/heldout\.jsonl × 1 rollout, up to 3 turns/);
  assert.ok(lines.some((line) => line === '1@3: +10.0 points over the start policy'), text);
});

test('with per-problem values the gain carries a paired interval over the problems both reports hold', () => {
  const withValues = (value: number, ids: string[], perProblem: number[]): EvalReport => {
    const r = report('/here/data/suite/heldout.jsonl', value);
    const summary = r.turnLimits[0]!;
    return {
      ...r,
      turnLimits: [{ ...summary, problemIds: ids, metrics: [{ ...summary.metrics[0]!, perProblem }] }],
    };
  };
  // Problem d exists only in the final report and is left out; b is fixed, c is broken: +0 on
  // a, +1 on b, −1 on c: mean 0, and the interval spans both signs.
  const start = withValues(0.5, ['a', 'b', 'c'], [1, 0, 1]);
  const final = withValues(0.75, ['a', 'b', 'c', 'd'], [1, 1, 0, 1]);
  const paired = pairedDifference(start, final);
  assert.ok(paired !== null);
  assert.equal(paired.problems, 3);
  assert.equal(paired.mean, 0);
  assert.ok(paired.lower < 0 && paired.upper > 0, JSON.stringify(paired));
  // Every problem gained: a degenerate interval at +1.
  const up = pairedDifference(withValues(0, ['a', 'b'], [0, 0]), withValues(1, ['a', 'b'], [1, 1]));
  assert.deepEqual(up && { mean: up.mean, lower: up.lower, upper: up.upper }, { mean: 1, lower: 1, upper: 1 });
  const text = formatHeldoutComparison({
    start: { label: 'start', report: withValues(0, ['a', 'b'], [0, 0]) },
    final: { label: 'trained', report: withValues(1, ['a', 'b'], [1, 1]) },
  });
  assert.ok(text.split('\n').includes('1@3: +100.0 points over the start policy [paired 95% interval +100.0, +100.0 over the 2 problems both evaluations hold]'), text);
  // A report without per-problem values (an older cache) gives no paired interval.
  assert.equal(pairedDifference(report('/x', 0.3), final), null);
});

test('a training-sample comparison says which statements it played and where its runs are', () => {
  const text = formatHeldoutComparison({
    start: { label: 'start', report: report('/here/data/suite/train.jsonl', 0.3) },
    final: { label: 'trained', report: report('/here/data/suite/train.jsonl', 0.4) },
    on: { kind: 'training', dropWords: 0.8 },
  });
  const lines = text.split('\n');
  assert.match(lines[0]!, /^training-sample evaluation: the first 92 problems of \/here\/data\/suite\/train\.jsonl × 1 rollout, up to 3 turns, .*, seed 1; 80 % of each statement's words dropped, as the run dropped them$/);
  assert.ok(lines.includes('1@3: +10.0 points over the start policy'), text);
  assert.match(text, /details in eval-train-start\/ and eval-train-final\/ of the run/);
});
