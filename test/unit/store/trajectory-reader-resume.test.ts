import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrajectoryWriter } from '../../../src/store/trajectory-writer.ts';
import { readTrajectoryRun } from '../../../src/store/trajectory-reader.ts';
import type { TurnRow } from '../../../src/store/schema.ts';

function row(iteration: number, episodeId: string): TurnRow {
  return {
    runId: 'r', iteration, policyVersion: iteration, episodeId, problemId: 'p', turn: 0, numTurns: 1,
    prompt: 'q', response: 'a', code: null, verdict: 'invalid', feedback: null, final: true, solved: false,
    reward: -1, kl: 0, value: 0, return: -1, advantage: 0, tokenIds: new Int32Array(0), logprobs: new Float32Array(0),
    refLogprobs: null, genMs: 0, execMs: 0, createdAt: 0, split: 'train',
  };
}

test('an iteration trained again after a resume is read from the later segment only', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-resume-'));
  try {
    const first = await TrajectoryWriter.openSegment(dir);
    await first.write([row(0, 'a')]);
    await first.write([row(1, 'stale')]); // flushed, then the run was killed before its checkpoint
    const second = await TrajectoryWriter.openSegment(dir);
    await second.write([row(1, 'fresh')]);
    await second.close();
    const read = await readTrajectoryRun(dir);
    assert.deepEqual(read.rows.map((r) => r.episodeId), ['a', 'fresh']);
    assert.equal(read.supersededRows, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
