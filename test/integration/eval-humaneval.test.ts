import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { EvalReport } from '../../src/eval/eval-report.ts';
import { parseMetrics } from '../../src/eval/metric-spec.ts';
import { evaluate } from '../../src/runtime/evaluate-run.ts';
import { readTrajectoryRun } from '../../src/store/trajectory-reader.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const DATA = join(ROOT, '..', 'shared', 'data', 'HumanEvalPlus-v0.1.10.jsonl.gz');
/**
 * Problems judged: the first 20 keep the test under a minute on a busy two-core machine;
 * RLEF_EVAL_HUMANEVAL_LIMIT=0 runs all 164 (about 4 + 2.5 minutes there).
 */
const LIMIT = Number(process.env['RLEF_EVAL_HUMANEVAL_LIMIT'] ?? 20);
const skip = existsSync(DATA) ? false : `${DATA} is absent`;

function evalScripted(mode: 'canonical' | 'none', out: string): Promise<EvalReport> {
  return evaluate({
    policy: `scripted:${mode}`, data: DATA, turns: [3], rollouts: 1, temperature: 0.2, topP: 0.95, feedback: 'real',
    metrics: parseMetrics('1@3,pass@1'), concurrency: 8, seed: 1, out, json: true, root: ROOT,
    ...(LIMIT > 0 ? { limit: LIMIT } : {}),
    stdout: new PassThrough(), stderr: new PassThrough(),
  });
}

test('on HumanEval+ the canonical solutions score 1@3 = 1 and a function returning None scores 0', { skip }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-eval-humaneval-'));
  try {
    const canonical = await evalScripted('canonical', join(dir, 'canonical'));
    const expected = LIMIT > 0 ? LIMIT : 164;
    assert.equal(canonical.problems, expected);
    const good = canonical.turnLimits[0]!;
    assert.equal(good.metrics.find((m) => m.name === '1@3')?.value, 1);
    assert.equal(good.metrics.find((m) => m.name === 'pass@1')?.value, 1);
    assert.equal(good.responses, expected, 'every canonical answer passes the base tests at turn 1');
    assert.deepEqual(good.finalVerdicts, { passed: expected });

    const none = await evalScripted('none', join(dir, 'none'));
    const bad = none.turnLimits[0]!;
    assert.equal(bad.metrics.find((m) => m.name === '1@3')?.value, 0);
    assert.equal(bad.solvedEpisodes, 0);
    assert.equal(bad.responses, 3 * expected, 'a failing answer is retried up to the turn limit');
    assert.equal(bad.invalidResponses, 0);
    const log = await readTrajectoryRun(join(dir, 'none', 'trajectories'));
    assert.equal(log.rows.length, 3 * expected);
    assert.ok(log.rows.filter((r) => !r.final).every((r) => r.feedback?.startsWith('Your code failed the following tests:') === true));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
