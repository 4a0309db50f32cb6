/**
 * `rlef train` end to end on a tiny model: the Arrow log has the documented schema and one row
 * per turn; a run killed with SIGKILL during iteration 2 leaves a readable log, and `--resume`
 * completes it with the same per-iteration metrics as an uninterrupted run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { readTrajectoryFile, readTrajectoryRun, listSegmentPaths } from '../../src/store/trajectory-reader.ts';
import { TRAJECTORY_COLUMNS } from '../../src/store/schema.ts';
import { REPO_ROOT } from '../../src/runtime/load-pipeline.ts';

const PIPELINE = join(REPO_ROOT, 'test', 'fixtures', 'pipelines', 'tiny-rlef.ts');
const EPISODES = 4;

function train(out: string, extra: string[] = []): { done: Promise<number | null>; kill(): void } {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'rlef'), 'train', '--pipeline', PIPELINE, '--out', out, '--no-tui', '--backend', 'wasm', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const done = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) process.stderr.write(log);
      resolve(code);
    }),
  );
  return { done, kill: () => child.kill('SIGKILL') };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

async function metrics(dir: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(dir, 'metrics.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const m = JSON.parse(line) as Record<string, unknown>;
      delete m['wallMs'];
      return m;
    });
}

test('a killed run leaves a readable log, and --resume completes it with the uninterrupted metrics', async () => {
  const base = await mkdtemp(join(tmpdir(), 'rlef-train-'));
  try {
    // The uninterrupted reference run.
    const whole = join(base, 'whole');
    assert.equal(await train(whole).done, 0);
    const read = await readTrajectoryRun(join(whole, 'trajectories'));
    const episodes = new Set(read.rows.map((r) => r.episodeId));
    assert.equal(episodes.size, 2 * EPISODES);
    for (const id of episodes) {
      const rows = read.rows.filter((r) => r.episodeId === id);
      assert.equal(rows.length, rows[0]!.numTurns, `episode ${id} has one row per turn`);
      assert.deepEqual(rows.map((r) => r.turn), rows.map((_, i) => i));
      assert.equal(rows.filter((r) => r.final).length, 1);
    }
    assert.deepEqual([...new Set(read.rows.map((r) => r.iteration))].sort(), [0, 1]);
    // The file is plain Arrow IPC: apache-arrow reads it with the documented columns, one batch per iteration.
    const [segment] = await listSegmentPaths(join(whole, 'trajectories'));
    const table = tableFromIPC(await readFile(segment!));
    assert.deepEqual(table.schema.fields.map((f) => f.name), TRAJECTORY_COLUMNS.map((c) => c.name));
    assert.equal(table.numRows, read.rows.length);
    assert.equal(table.batches.length, 2);

    // Kill -9 as soon as iteration 1's checkpoint exists (iteration 2 has started).
    const killed = join(base, 'killed');
    const run = train(killed);
    const pointer = join(killed, 'checkpoints', 'latest.json');
    for (let i = 0; i < 3000 && !(await exists(pointer)); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(await exists(pointer), 'the first checkpoint appeared');
    run.kill();
    assert.equal(await run.done, null);
    const partial = await readTrajectoryFile((await listSegmentPaths(join(killed, 'trajectories')))[0]!);
    assert.equal(partial.complete, false, `segment ${JSON.stringify({ batches: partial.batchSizes, torn: partial.truncatedBytes })}`);
    assert.ok(partial.rows.some((r) => r.iteration === 0), 'iteration 1 was flushed before the kill');

    assert.equal(await train(killed, ['--resume']).done, 0);
    const resumed = await readTrajectoryRun(join(killed, 'trajectories'));
    assert.equal(resumed.segments.length, 2);
    const resumedEpisodes = new Set(resumed.rows.map((r) => r.episodeId));
    assert.equal(resumedEpisodes.size, 2 * EPISODES);
    for (const id of resumedEpisodes) {
      const rows = resumed.rows.filter((r) => r.episodeId === id);
      assert.equal(rows.length, rows[0]!.numTurns, `episode ${id} is in the resumed log once`);
    }
    assert.deepEqual(await metrics(killed), await metrics(whole));
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
