import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, truncate, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrajectoryWriter } from '../../../src/store/trajectory-writer.ts';
import { readTrajectoryFile } from '../../../src/store/trajectory-reader.ts';
import { TrajectoryFormatError, decodeTrajectoryStream, scanStreamFraming, sealStream } from '../../../src/store/trajectory-decode.ts';
import { sampleRow } from './turn-row-arbitrary.ts';
import { RecordBatchStreamWriter, Table, tableFromArrays } from 'apache-arrow';

const flushes = [
  [sampleRow({ turn: 0, prompt: 'première' }), sampleRow({ turn: 1, code: null, verdict: 'invalid' })],
  [sampleRow({ episodeId: 'ep-1', refLogprobs: null })],
  [sampleRow({ episodeId: 'ep-2', response: '🙂'.repeat(50) }), sampleRow({ episodeId: 'ep-2', turn: 1 })],
];

/** A closed three-flush file, and the byte offsets where the second and third flushes end. */
async function threeFlushFile(dir: string): Promise<{ path: string; bytes: Uint8Array; ends: number[] }> {
  const path = join(dir, 'three.arrow');
  const writer = await TrajectoryWriter.open(path);
  const ends: number[] = [];
  for (const rows of flushes) {
    await writer.write(rows);
    ends.push((await readFile(path)).byteLength);
  }
  await writer.close();
  return { path, bytes: new Uint8Array(await readFile(path)), ends };
}

test('every cut inside the last flush yields exactly the complete flushes before it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-trunc-'));
  try {
    const { bytes, ends } = await threeFlushFile(dir);
    const [, secondEnd, thirdEnd] = ends as [number, number, number];
    const firstTwo = flushes.slice(0, 2).flat();
    for (let cut = secondEnd; cut < thirdEnd; cut++) {
      // The framing scan decides what gets decoded, so it is checked at every offset; the full
      // decode (which then sees the same complete prefix) at the edges and every 16th offset.
      const framing = scanStreamFraming(bytes.subarray(0, cut));
      assert.equal(framing.completeBytes, secondEnd, `cut at ${cut}`);
      assert.equal(framing.recordBatches, 2, `cut at ${cut}`);
      if (cut - secondEnd > 64 && thirdEnd - cut > 64 && cut % 16 !== 0) continue;
      const read = decodeTrajectoryStream(bytes.subarray(0, cut));
      assert.deepEqual(read.rows, firstTwo, `cut at ${cut}`);
      assert.deepEqual(read.batchSizes, [2, 1]);
      assert.equal(read.complete, false);
      assert.equal(read.truncatedBytes, cut - secondEnd, `cut at ${cut}`);
    }
    // Cuts inside the end marker keep all three flushes.
    for (let cut = thirdEnd; cut < bytes.byteLength; cut++) {
      const read = decodeTrajectoryStream(bytes.subarray(0, cut));
      assert.deepEqual(read.batchSizes, [2, 1, 2]);
      assert.equal(read.complete, false);
    }
    assert.equal(decodeTrajectoryStream(bytes).complete, true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a cut inside the schema yields no rows and no schema version, without throwing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-trunc-'));
  try {
    const { bytes } = await threeFlushFile(dir);
    for (const cut of [0, 1, 4, 7, 8, 9, 100, 500]) {
      const read = decodeTrajectoryStream(bytes.subarray(0, cut));
      assert.deepEqual(read.rows, []);
      assert.equal(read.schemaVersion, null);
      assert.equal(read.truncatedBytes, cut);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a file truncated on disk, or padded with zeros by a crash, reads up to its last flush', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-trunc-'));
  try {
    const { path, ends } = await threeFlushFile(dir);
    const [firstEnd, secondEnd] = ends as [number, number, number];
    await truncate(path, secondEnd + 17);
    const cut = await readTrajectoryFile(path);
    assert.deepEqual(cut.batchSizes, [2, 1]);
    assert.equal(cut.truncatedBytes, 17);

    await truncate(path, firstEnd);
    await appendFile(path, new Uint8Array(4096));
    const zeroed = await readTrajectoryFile(path);
    assert.deepEqual(zeroed.batchSizes, [2]);
    assert.equal(zeroed.complete, false);
    assert.equal(zeroed.truncatedBytes, 4096);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the framing scan counts record batches and finds the end marker', () => {
  const table = tableFromArrays({ x: Int32Array.of(1, 2, 3) });
  const bytes = RecordBatchStreamWriter.writeAll(table.batches).toUint8Array(true);
  assert.deepEqual(scanStreamFraming(bytes), {
    completeBytes: bytes.byteLength,
    recordBatches: 1,
    endOfStream: true,
    tailBytes: 0,
  });
});

test('an Arrow stream of another schema is rejected as a format error, not read as truncated', () => {
  const table = tableFromArrays({ x: Int32Array.of(1, 2, 3) });
  const bytes = RecordBatchStreamWriter.writeAll(new Table(table.schema)).toUint8Array(true);
  assert.throws(() => decodeTrajectoryStream(bytes), TrajectoryFormatError);
});

test('sealing a truncated stream keeps its complete batches and closes it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-trunc-'));
  try {
    const { bytes, ends } = await threeFlushFile(dir);
    const secondEnd = ends[1] ?? 0;
    const sealed = sealStream(bytes.subarray(0, secondEnd + 40));
    assert.equal(sealed.byteLength, secondEnd + 8);
    const read = decodeTrajectoryStream(sealed);
    assert.deepEqual(read.batchSizes, [2, 1]);
    assert.equal(read.complete, true);
    assert.deepEqual(sealStream(bytes), bytes);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
