/**
 * `rlef stats`, `rlef replay` (off a terminal) and `rlef report` run as a user runs them. Each
 * start of the CLI loads every command (tfjs included), so the spawns are kept few.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/replay');

function rlef(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/rlef'), ...args], { cwd: ROOT, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

// The CLI starts are independent: run them side by side.
suite('the report commands', { concurrency: true }, () => {
  test('rlef stats --json gives the turn-2 fix rate by iteration and how the log was read', async () => {
    const { code, stdout } = await rlef('stats', join(FIXTURES, 'scripted-truncated.arrow'), '--json');
    assert.equal(code, 0);
    const out = JSON.parse(stdout) as {
      source: { truncatedBytes: number; batches: number; closed: boolean };
      byIteration: { split: string; iteration: number; turn2Fix: { count: number; of: number } }[];
    };
    assert.deepEqual(out.source.truncatedBytes, 3880);
    assert.equal(out.source.batches, 4);
    assert.equal(out.source.closed, false);
    assert.deepEqual(
      out.byIteration.map((g) => [g.split, g.iteration, g.turn2Fix.count, g.turn2Fix.of]),
      [
        ['train', 0, 1, 5],
        ['train', 1, 3, 4],
      ],
    );
  });

  test('rlef replay off a terminal prints the listing instead of opening the browser', async () => {
    const list = await rlef('replay', join(FIXTURES, 'tiny-run'), '--problem', 'PAD');
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^.*tiny-run: 1 of 12 episodes · filter: problem ~ "PAD"\n/);
  });

  test('rlef report writes one HTML page and names its charts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rlef-report-cli-'));
    try {
      const out = join(dir, 'r.html');
      const { code, stderr } = await rlef('report', join(FIXTURES, 'scripted.arrow'), '--out', out);
      assert.equal(code, 0);
      assert.match(stderr, /wrote .*r\.html \(\d+ KiB; charts: reward, solve-rate, kl\)/);
      assert.match(await readFile(out, 'utf8'), /^<!doctype html>/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a missing log is one clear line and exit status 65', async () => {
    const missing = await rlef('stats', join(FIXTURES, 'missing.arrow'));
    assert.equal(missing.code, 65);
    assert.equal(missing.stderr, `rlef: ${join(FIXTURES, 'missing.arrow')}: no such file or directory\n`);
  });
});
