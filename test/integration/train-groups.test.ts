/**
 * `training.rolloutsPerProblem` with a group baseline: each drawn problem gets that many episodes
 * in a row, the advantages come from the group (no critic is evaluated: every stored value is 0),
 * and a group size that does not tile the iteration is refused with one usage line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/runtime/load-pipeline.ts';
import { runRlef as run } from './rlef-cli.ts';
import { readTrajectories } from '../../src/store/trajectory-reader.ts';

const TINY = join(REPO_ROOT, 'test', 'fixtures', 'pipelines', 'tiny-rlef.ts');

async function pipelineFile(dir: string, name: string, training: string): Promise<string> {
  const file = join(dir, `${name}.mts`);
  await writeFile(
    file,
    [
      `import tiny from ${JSON.stringify(TINY)};`,
      `export default { ...tiny, name: ${JSON.stringify(name)}, training: { ...tiny.training, ${training} } };`,
    ].join('\n'),
  );
  return file;
}

test('rolloutsPerProblem with a leave-one-out baseline: groups share a problem, no critic values', async () => {
  const base = await mkdtemp(join(tmpdir(), 'rlef-groups-'));
  try {
    const grouped = await pipelineFile(base, 'tiny-groups', "rolloutsPerProblem: 2, ppo: { ...tiny.training.ppo, rl: { baseline: 'leave-one-out' } }");
    const out = join(base, 'run');
    const result = await run(['train', '--pipeline', grouped, '--out', out, '--no-tui', '--backend', 'wasm']);
    assert.equal(result.code, 0, result.stderr);
    const rows = (await readTrajectories(join(out, 'trajectories'))).rows;
    const firstTurns = rows.filter((r) => r.turn === 0);
    assert.equal(firstTurns.length, 8, '2 iterations × 4 episodes');
    const problemOf = new Map(firstTurns.map((r) => [`${r.iteration}:${r.episodeId}`, r.problemId]));
    for (const iteration of [0, 1]) {
      const ids = firstTurns.filter((r) => r.iteration === iteration).map((r) => r.episodeId).sort();
      assert.equal(ids.length, 4);
      // Episodes 0–1 and 2–3 of an iteration are the two groups.
      assert.equal(problemOf.get(`${iteration}:${ids[0]}`), problemOf.get(`${iteration}:${ids[1]}`));
      assert.equal(problemOf.get(`${iteration}:${ids[2]}`), problemOf.get(`${iteration}:${ids[3]}`));
    }
    assert.ok(rows.every((r) => r.value === 0), 'no critic values with a group baseline');
    assert.ok(rows.some((r) => r.advantage !== 0), 'the group baseline still gives advantages');
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

test('a group size that does not divide the iteration, or a group baseline without groups, is a usage error', async () => {
  const base = await mkdtemp(join(tmpdir(), 'rlef-groups-'));
  try {
    const uneven = await pipelineFile(base, 'tiny-uneven', 'rolloutsPerProblem: 3');
    const first = await run(['train', '--pipeline', uneven, '--out', join(base, 'a'), '--no-tui', '--backend', 'wasm']);
    assert.equal(first.code, 64);
    assert.match(first.stderr, /training\.rolloutsPerProblem \(3\) must divide the episodes per iteration \(4\)/);
    const lonely = await pipelineFile(base, 'tiny-lonely', "ppo: { ...tiny.training.ppo, rl: { baseline: 'group-mean' } }");
    const second = await run(['train', '--pipeline', lonely, '--out', join(base, 'b'), '--no-tui', '--backend', 'wasm']);
    assert.equal(second.code, 64);
    assert.match(second.stderr, /group-mean baseline needs training\.rolloutsPerProblem ≥ 2/);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
