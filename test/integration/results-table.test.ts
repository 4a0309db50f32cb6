/**
 * pipelines/results-table.ts over real `rlef eval` output: the scripted reference policy solves
 * every problem at turn 1, the do-nothing policy none, and a condition made of both runs averages
 * them per problem; `--by-params` splits each condition by whether the family has parameters;
 * `--against` gives each condition's paired difference from one of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/runtime/load-pipeline.ts';

const run = promisify(execFile);

test('results-table averages runs per problem and reports pass@1 … 1@T with intervals', async () => {
  const base = await mkdtemp(join(tmpdir(), 'rlef-results-'));
  try {
    const evaluate = (policy: string, out: string) =>
      run(process.execPath, [join(REPO_ROOT, 'bin', 'rlef'), 'eval', '--policy', policy, '--data', join(REPO_ROOT, 'data', 'suite', 'smoke.jsonl'),
        '--rollouts', '1', '--turns', '3', '--limit', '6', '--metrics', '1@3', '--workers', '1', '--out', out]);
    await evaluate('scripted:canonical', join(base, 'good'));
    await evaluate('scripted:none', join(base, 'bad'));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'pipelines', 'results-table.ts'),
      `good=${join(base, 'good')}`, `bad=${join(base, 'bad')}`, `both=${join(base, 'good')},${join(base, 'bad')}`], { cwd: REPO_ROOT });
    const lines = stdout.split('\n');
    // The columns follow the runs' turn limit even when every episode ended at turn 1.
    const alone = await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'pipelines', 'results-table.ts'), `good=${join(base, 'good')}`], { cwd: REPO_ROOT });
    assert.equal(alone.stdout.split('\n')[2], '| good | 1 | 6 | 100.0 [100.0, 100.0] | 100.0 [100.0, 100.0] | 100.0 [100.0, 100.0] |');
    assert.equal(lines[0], '| condition | runs | problems | pass@1 (turn 1) | ≤ 2 turns | 1@3 (≤ 3 turns) |');
    assert.equal(lines[2], '| good | 1 | 6 | 100.0 [100.0, 100.0] | 100.0 [100.0, 100.0] | 100.0 [100.0, 100.0] |');
    assert.equal(lines[3], '| bad | 1 | 6 | 0.0 [0.0, 0.0] | 0.0 [0.0, 0.0] | 0.0 [0.0, 0.0] |');
    assert.equal(lines[4], '| both | 2 | 6 | 50.0 [50.0, 50.0] | 50.0 [50.0, 50.0] | 50.0 [50.0, 50.0] |');
    // Split by whether the family has parameters: the first six smoke problems hold one without.
    const split = await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'pipelines', 'results-table.ts'), '--by-params=data/suite/smoke.jsonl',
      `good=${join(base, 'good')}`, `bad=${join(base, 'bad')}`], { cwd: REPO_ROOT });
    assert.deepEqual(split.stdout.split('\n').slice(2, 8), [
      '| good | 1 | 6 | 100.0 [100.0, 100.0] | 100.0 [100.0, 100.0] | 100.0 [100.0, 100.0] |',
      '| good, families with parameters | 1 | 5 | 100.0 [100.0, 100.0] | 100.0 [100.0, 100.0] | 100.0 [100.0, 100.0] |',
      '| good, families without | 1 | 1 | 100.0 [100.0, 100.0] | 100.0 [100.0, 100.0] | 100.0 [100.0, 100.0] |',
      '| bad | 1 | 6 | 0.0 [0.0, 0.0] | 0.0 [0.0, 0.0] | 0.0 [0.0, 0.0] |',
      '| bad, families with parameters | 1 | 5 | 0.0 [0.0, 0.0] | 0.0 [0.0, 0.0] | 0.0 [0.0, 0.0] |',
      '| bad, families without | 1 | 1 | 0.0 [0.0, 0.0] | 0.0 [0.0, 0.0] | 0.0 [0.0, 0.0] |',
    ]);
    // Paired differences against one condition, per problem.
    const paired = await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'pipelines', 'results-table.ts'), '--against=good',
      `good=${join(base, 'good')}`, `bad=${join(base, 'bad')}`, `both=${join(base, 'good')},${join(base, 'bad')}`], { cwd: REPO_ROOT });
    const diff = paired.stdout.split('\n');
    const at = diff.indexOf('| condition | problems | Δ pass@1 (turn 1) | Δ ≤ 2 turns | Δ 1@3 (≤ 3 turns) |');
    assert.ok(at > 0, paired.stdout);
    assert.deepEqual(diff.slice(at + 2, at + 4), [
      '| bad − good | 6 | −100.0 [−100.0, −100.0] | −100.0 [−100.0, −100.0] | −100.0 [−100.0, −100.0] |',
      '| both − good | 6 | −50.0 [−50.0, −50.0] | −50.0 [−50.0, −50.0] | −50.0 [−50.0, −50.0] |',
    ]);
    await assert.rejects(run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'pipelines', 'results-table.ts'), '--against=nobody',
      `good=${join(base, 'good')}`], { cwd: REPO_ROOT }), /--against=nobody: no condition has that label/);
    // Problems missing from the file are an error, not a silent drop.
    await assert.rejects(run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'pipelines', 'results-table.ts'), '--by-params=data/suite/heldout.jsonl',
      `good=${join(base, 'good')}`], { cwd: REPO_ROOT }), /problem smoke\/sum_above\/0 of good is not in data\/suite\/heldout.jsonl/);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
