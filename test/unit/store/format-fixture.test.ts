import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTrajectoryFile } from '../../../src/store/trajectory-reader.ts';
import { FIXTURE_FLUSHES, FIXTURE_PATH, writeFixture } from '../../fixtures/store/fixture-rows.ts';

test('the committed schema-version-1 file still reads back as its rows', async () => {
  const read = await readTrajectoryFile(FIXTURE_PATH);
  assert.equal(read.schemaVersion, '1');
  assert.equal(read.complete, true);
  assert.deepEqual(read.batchSizes, [2, 1]);
  assert.deepEqual(read.rows, FIXTURE_FLUSHES.flat());
});

test('writing the fixture rows today gives the committed bytes (a format change needs a version bump)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-fixture-'));
  try {
    const path = join(dir, 'again.arrow');
    await writeFixture(path);
    assert.deepEqual(new Uint8Array(await readFile(path)), new Uint8Array(await readFile(FIXTURE_PATH)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
