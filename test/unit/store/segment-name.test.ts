import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { nextSegmentName, parseSegmentIndex, segmentFileName, sortSegmentNames } from '../../../src/store/segment-name.ts';
import { TrajectoryWriter, nextSegmentPath } from '../../../src/store/trajectory-writer.ts';
import {
  iterateTrajectoryBatches,
  listSegmentPaths,
  readTrajectories,
  readTrajectoryRun,
} from '../../../src/store/trajectory-reader.ts';
import { sampleRow } from './turn-row-arbitrary.ts';

test('segment names are zero-padded to three digits and grow past 999', () => {
  assert.equal(segmentFileName(0), 'trajectories-000.arrow');
  assert.equal(segmentFileName(42), 'trajectories-042.arrow');
  assert.equal(segmentFileName(1000), 'trajectories-1000.arrow');
  assert.throws(() => segmentFileName(-1), RangeError);
  assert.throws(() => segmentFileName(1.5), RangeError);
});

test('only canonical segment names parse, and they parse back to their index', () => {
  for (const index of [0, 7, 999, 1000, 123456]) assert.equal(parseSegmentIndex(segmentFileName(index)), index);
  for (const name of ['trajectories-0001.arrow', 'trajectories-01.arrow', 'trajectories-000.arrow.tmp', 'x-000.arrow']) {
    assert.equal(parseSegmentIndex(name), null, name);
  }
});

test('segments sort by index, not by name, and the next one follows the highest', () => {
  const names = ['trajectories-1000.arrow', 'notes.txt', 'trajectories-002.arrow', 'trajectories-999.arrow'];
  assert.deepEqual(sortSegmentNames(names), ['trajectories-002.arrow', 'trajectories-999.arrow', 'trajectories-1000.arrow']);
  assert.equal(nextSegmentName(names), 'trajectories-1001.arrow');
  assert.equal(nextSegmentName([]), 'trajectories-000.arrow');
});

test('each resume writes a new segment and a run reads back across segments in order', async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'rlef-seg-')), 'run');
  try {
    assert.equal(basename(await nextSegmentPath(dir)), 'trajectories-000.arrow');
    const first = await TrajectoryWriter.openSegment(dir);
    await first.write([sampleRow({ iteration: 0 })]);
    await first.close();
    await writeFile(join(dir, 'config.json'), '{}');
    // The second "run" is killed mid-flight: its last flush never completes.
    const second = await TrajectoryWriter.openSegment(dir);
    await second.write([sampleRow({ iteration: 1 }), sampleRow({ iteration: 2 })]);
    assert.deepEqual((await listSegmentPaths(dir)).map((p) => basename(p)), [
      'trajectories-000.arrow',
      'trajectories-001.arrow',
    ]);
    const run = await readTrajectoryRun(dir);
    assert.deepEqual(run.rows.map((row) => row.iteration), [0, 1, 2]);
    assert.deepEqual(run.segments.map((s) => s.complete), [true, false]);
    assert.equal(run.truncated, false);
    await second.close();
    assert.equal(basename(await nextSegmentPath(dir)), 'trajectories-002.arrow');
    const batches = [];
    for await (const batch of iterateTrajectoryBatches(dir)) {
      batches.push([basename(batch.path), batch.index, batch.rows.map((row) => row.iteration)]);
    }
    assert.deepEqual(batches, [
      ['trajectories-000.arrow', 0, [0]],
      ['trajectories-001.arrow', 0, [1, 2]],
    ]);
    assert.deepEqual((await readTrajectories(dir)).rows, run.rows);
    const single = await readTrajectories(join(dir, 'trajectories-001.arrow'));
    assert.deepEqual(single.rows.map((row) => row.iteration), [1, 2]);
  } finally {
    await rm(join(dir, '..'), { recursive: true, force: true });
  }
});
