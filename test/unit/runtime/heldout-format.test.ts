/** The held-out comparison printed at the end of `rlef train`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHeldoutComparison } from '../../../src/runtime/heldout-eval.ts';
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
