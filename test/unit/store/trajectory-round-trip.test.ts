import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { TrajectoryWriter } from '../../../src/store/trajectory-writer.ts';
import { readTrajectoryFile } from '../../../src/store/trajectory-reader.ts';
import { TurnRowError } from '../../../src/store/turn-batch.ts';
import { TRAJECTORY_SCHEMA_VERSION } from '../../../src/store/schema.ts';
import { sampleRow, turnRowArbitrary } from './turn-row-arbitrary.ts';

async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-store-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('arbitrary rows written in several flushes read back equal, batch by batch', async () => {
  await withTempDir(async (dir) => {
    let file = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(turnRowArbitrary, { maxLength: 4 }), { maxLength: 4 }), async (flushes) => {
        const path = join(dir, `t${file++}.arrow`);
        const writer = await TrajectoryWriter.open(path);
        for (const rows of flushes) await writer.write(rows);
        await writer.close();
        const read = await readTrajectoryFile(path);
        // fc.record builds null-prototype objects; compare as plain objects.
        assert.deepEqual(read.rows, flushes.flat().map((row) => ({ ...row })));
        assert.deepEqual(read.batchSizes, flushes.map((rows) => rows.length).filter((n) => n > 0));
        assert.equal(read.complete, true);
        assert.equal(read.truncatedBytes, 0);
        assert.equal(read.schemaVersion, TRAJECTORY_SCHEMA_VERSION);
      }),
      { numRuns: 40 },
    );
  });
});

test('a file opened and closed with no rows reads as a complete, empty stream', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'empty.arrow');
    await (await TrajectoryWriter.open(path)).close();
    const read = await readTrajectoryFile(path);
    assert.deepEqual(read.rows, []);
    assert.equal(read.complete, true);
    assert.equal(read.schemaVersion, TRAJECTORY_SCHEMA_VERSION);
  });
});

test('a file still being written yields its flushed batches and is not reported truncated', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'live.arrow');
    const writer = await TrajectoryWriter.open(path);
    await writer.write([sampleRow({ turn: 0 })]);
    await writer.write([sampleRow({ turn: 1 }), sampleRow({ turn: 2 })]);
    const live = await readTrajectoryFile(path);
    assert.deepEqual(live.batchSizes, [1, 2]);
    assert.equal(live.complete, false);
    assert.equal(live.truncatedBytes, 0);
    await writer.close();
    const closed = await readTrajectoryFile(path);
    assert.equal(closed.complete, true);
    assert.deepEqual(closed.rows.map((row) => row.turn), [0, 1, 2]);
  });
});

test('an invalid row is rejected before anything reaches the file', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'bad.arrow');
    const writer = await TrajectoryWriter.open(path);
    await writer.write([sampleRow()]);
    await assert.rejects(async () => writer.write([sampleRow({ turn: 1.5 })]), TurnRowError);
    assert.throws(() => void writer.write([sampleRow({ verdict: 'accepted' as never })]), /unknown verdict/);
    await writer.close();
    const read = await readTrajectoryFile(path);
    assert.equal(read.rows.length, 1);
    assert.equal(read.complete, true);
    assert.equal(writer.batchesWritten, 1);
  });
});

test('a segment path that already exists is never overwritten', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'once.arrow');
    await (await TrajectoryWriter.open(path)).close();
    await assert.rejects(TrajectoryWriter.open(path), { code: 'EEXIST' });
  });
});

test('writing after close fails and closing twice is harmless', async () => {
  await withTempDir(async (dir) => {
    const writer = await TrajectoryWriter.open(join(dir, 'c.arrow'));
    await writer.close();
    await writer.close();
    await assert.rejects(writer.write([sampleRow()]), /closed/);
  });
});
