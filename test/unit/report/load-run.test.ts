import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findEpisode, groupEpisodes } from '../../../src/report/episodes.ts';
import { loadRun } from '../../../src/report/load-run.ts';
import { parseMetricsJsonl } from '../../../src/report/run-metrics.ts';
import { InputError } from '../../../src/runtime/errors.ts';
import { TrajectoryWriter } from '../../../src/store/trajectory-writer.ts';
import { episode } from './rows.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/replay/${name}`, import.meta.url));

test('a closed trajectory file is read whole, with no torn bytes and no metrics', async () => {
  const run = await loadRun(fixture('scripted.arrow'));
  assert.equal(run.rows.length, 29);
  assert.equal(run.batches, 5);
  assert.equal(run.truncatedBytes, 0);
  assert.equal(run.closed, true);
  assert.equal(run.runDir, null);
  assert.deepEqual(run.metrics, []);
  assert.equal(groupEpisodes(run.rows).length, 14);
});

test('a file cut in the middle of a batch yields the batches before it and counts the torn bytes', async () => {
  const run = await loadRun(fixture('scripted-truncated.arrow'));
  assert.equal(run.batches, 4);
  assert.equal(run.rows.length, 26);
  assert.equal(run.truncatedBytes, 3880);
  assert.equal(run.closed, false);
});

test('a run directory gives its segments and its metrics.jsonl, in iteration order', async () => {
  const run = await loadRun(fixture('tiny-run'));
  assert.equal(run.files.length, 1);
  assert.equal(run.rows.length, 36);
  assert.deepEqual(run.metrics.map((m) => m.iteration), [0, 1, 2]);
  assert.equal(typeof run.metrics[0]?.values['policyLoss'], 'number');
  assert.equal(typeof run.metrics[0]?.values['valueLoss'], 'number');
});

test('a trajectories directory is accepted too, and its parent is the run directory', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-report-'));
  try {
    const segments = join(dir, 'trajectories');
    await mkdir(segments);
    await copyFile(fixture('scripted.arrow'), join(segments, 'trajectories-000.arrow'));
    await copyFile(fixture('scripted-truncated.arrow'), join(segments, 'trajectories-001.arrow'));
    await writeFile(join(segments, 'notes.txt'), 'not a segment');
    await writeFile(join(dir, 'metrics.jsonl'), '{"iteration":0,"policyLoss":0.5}\n{"iteration":1,"polic');
    const run = await loadRun(segments);
    assert.equal(run.runDir, dir);
    assert.deepEqual(run.files, [join(segments, 'trajectories-000.arrow'), join(segments, 'trajectories-001.arrow')]);
    assert.equal(run.rows.length, 29 + 26);
    assert.equal(run.truncatedBytes, 3880);
    assert.deepEqual(run.metrics, [{ iteration: 0, values: { policyLoss: 0.5 } }]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a segment still being written is read up to its last flush, as not closed but not truncated', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-report-'));
  const writer = await TrajectoryWriter.openSegment(join(dir, 'trajectories'));
  try {
    const empty = await loadRun(dir);
    assert.deepEqual([empty.rows.length, empty.closed, empty.truncatedBytes], [0, false, 0]);
    await writer.write(episode({ id: 'e1', iteration: 0, verdicts: ['wrong_answer', 'passed'], solved: true }));
    const live = await loadRun(dir);
    assert.deepEqual([live.rows.length, live.batches, live.closed, live.truncatedBytes], [2, 1, false, 0]);
    await writer.close();
    assert.equal((await loadRun(dir)).closed, true);
  } finally {
    await writer.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a missing path, a directory without segments and a file that is not a trajectory log are input errors', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-report-'));
  try {
    await writeFile(join(dir, 'x.arrow'), 'hello, not arrow');
    await assert.rejects(loadRun(join(dir, 'missing.arrow')), (e: unknown) => e instanceof InputError && /no such file/.test(e.message));
    await assert.rejects(loadRun(fixture('')), (e: unknown) => e instanceof InputError && /no trajectory segments/.test(e.message));
    await assert.rejects(loadRun(join(dir, 'x.arrow')), (e: unknown) => e instanceof InputError && /not a trajectory file/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('metrics lines: a torn last line is skipped, a later line for an iteration wins, a bad middle line is an error', () => {
  const text = '{"iteration":1,"kl":2}\n{"iteration":0,"kl":1,"note":"x"}\n{"iteration":1,"kl":3}\n{"itera';
  assert.deepEqual(parseMetricsJsonl(text, 'm.jsonl'), [
    { iteration: 0, values: { kl: 1 } },
    { iteration: 1, values: { kl: 3 } },
  ]);
  assert.throws(() => parseMetricsJsonl('{"iteration":0}\nnope\n{"iteration":1}\n', 'm.jsonl'), /m\.jsonl:2: not a JSON object/);
  assert.throws(() => parseMetricsJsonl('{"kl":1}\n', 'm.jsonl'), /m\.jsonl:1: no integer "iteration"/);
});

test('episodes group by run and episode id, order turns, and are found by either id', () => {
  const a = episode({ id: 'e1', iteration: 0, verdicts: ['wrong_answer', 'passed'], solved: true, rewards: [0, 1] });
  const b = episode({ runId: 'run-b', id: 'e1', iteration: 0, verdicts: ['passed'], solved: true });
  const c = episode({ id: 'e2', iteration: 0, verdicts: ['invalid'], solved: false });
  const episodes = groupEpisodes([a[1]!, ...b, a[0]!, ...c]);
  assert.deepEqual(episodes.map((e) => e.key), ['run-a/e1', 'run-b/e1', 'run-a/e2']);
  assert.deepEqual(episodes[0]?.verdicts, ['wrong_answer', 'passed']);
  assert.equal(episodes[0]?.complete, true);
  assert.equal(episodes[0]?.reward, 1);
  assert.deepEqual(findEpisode(episodes, 'e1'), { error: 'ambiguous', matches: 2 });
  assert.equal('episode' in findEpisode(episodes, 'run-b/e1') ? 'found' : 'not found', 'found');
  assert.deepEqual(findEpisode(episodes, 'e9'), { error: 'none', matches: 0 });
  assert.equal(groupEpisodes([a[1]!])[0]?.complete, false);
});
