/**
 * `rlef train` ends with the pipeline's held-out evaluation: the start checkpoint and the trained
 * policy played with the same settings, one comparison table on stdout (and heldout.txt), each
 * evaluation an ordinary eval run in the run directory; with a training sample, a second table on
 * the run's own training statements, thinned as the run thinned them; a second run from the same
 * checkpoint reuses the start policy's cached evaluations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/runtime/load-pipeline.ts';
import { runRlef as run } from './rlef-cli.ts';
import { loadProblems } from '../../src/problems/load.ts';
import { dropStatementWords, statementDropoutStream } from '../../src/problems/drop-words.ts';
import { readTrajectories } from '../../src/store/trajectory-reader.ts';

const TINY = join(REPO_ROOT, 'test', 'fixtures', 'pipelines', 'tiny-rlef.ts');

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

test('a training run ends with a held-out comparison of its start and trained policies', async () => {
  const base = await mkdtemp(join(tmpdir(), 'rlef-heldout-'));
  try {
    // A checkpoint to start from: a short run of the tiny pipeline (which has no held-out data).
    const first = await run(['train', '--pipeline', TINY, '--out', join(base, 'first'), '--no-tui', '--backend', 'wasm']);
    assert.equal(first.code, 0, first.stderr);
    assert.doesNotMatch(first.stdout, /held-out evaluation/);
    const start = join(base, 'first', 'checkpoints', 'iter-000002');
    assert.ok(await exists(join(start, 'checkpoint.json')));
    const pipeline = join(base, 'with-heldout.mts');
    await writeFile(
      pipeline,
      [
        `import tiny from ${JSON.stringify(TINY)};`,
        `import { definePipeline } from ${JSON.stringify(join(REPO_ROOT, 'src', 'pipeline', 'pipeline-config.ts'))};`,
        'export default definePipeline({',
        '  ...tiny,',
        "  name: 'tiny-heldout',",
        `  data: { train: 'data/suite/smoke.jsonl', heldout: 'data/suite/smoke.jsonl', statementDropout: 0.5 },`,
        `  model: { checkpoint: ${JSON.stringify(start)} },`,
        '  training: { ...tiny.training, iterations: 1 },',
        '  evaluation: { rollouts: 1, temperature: 0.2, topP: 0.95, maxTurns: 2, limit: 3, trainingSample: 2 },',
        '});',
      ].join('\n'),
    );
    const second = await run(['train', '--pipeline', pipeline, '--out', join(base, 'second'), '--no-tui', '--backend', 'wasm']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /held-out evaluation: 3 problems .* up to 2 turns, real feedback, temperature 0\.2/);
    assert.match(second.stdout, /^start \(.*iter-000002\) +\d\.\d{3} \[/m);
    assert.match(second.stdout, /^trained \(1 iterations of tiny-heldout\) +\d\.\d{3} \[/m);
    assert.match(second.stdout, /1@2: [+-]\d+\.\d points over the start policy/);
    assert.ok(second.stdout.includes(`\n${await readFile(join(base, 'second', 'heldout.txt'), 'utf8')}`), 'the table is written to heldout.txt too');
    assert.match(second.stdout, /training-sample evaluation: the first 2 problems of .*smoke\.jsonl × 1 rollout, up to 2 turns, .*seed 1; 50 % of each statement's words dropped, as the run dropped them/);
    assert.ok(second.stdout.endsWith(`\n${await readFile(join(base, 'second', 'training-sample.txt'), 'utf8')}`), 'the training table comes last and is written to training-sample.txt');
    for (const [dir, problems] of [['eval-start', 3], ['eval-final', 3], ['eval-train-start', 2], ['eval-train-final', 2]] as const) {
      const report = JSON.parse(await readFile(join(base, 'second', dir, 'eval.json'), 'utf8')) as { problems: number; turnLimits: { turnLimit: number }[] };
      assert.equal(report.problems, problems, dir);
      assert.equal(report.turnLimits[0]?.turnLimit, 2);
    }
    // The training sample's statements are those the run trained on: thinned with the run's seed.
    const written = await loadProblems(join(REPO_ROOT, 'data', 'suite', 'smoke.jsonl'));
    const asTrained = new Map(dropStatementWords(written, 0.5, statementDropoutStream(1)).map((p) => [p.id, p.description]));
    const sampled = (await readTrajectories(join(base, 'second', 'eval-train-final', 'trajectories'))).rows.filter((r) => r.turn === 0);
    assert.deepEqual([...new Set(sampled.map((r) => r.problemId))], written.slice(0, 2).map((p) => p.id));
    for (const row of sampled) {
      const statement = asTrained.get(row.problemId)!;
      assert.notEqual(statement, written.find((p) => p.id === row.problemId)?.description, 'thinned');
      assert.ok(row.prompt.includes(statement), row.problemId);
    }
    assert.ok(await exists(join(start, 'heldout-eval.json')), 'the start evaluation is cached beside its weights');
    assert.ok(await exists(join(start, 'train-eval.json')), 'so is the training sample\'s');

    // Same checkpoint, same settings: the start policy is not played again.
    const third = await run(['train', '--pipeline', pipeline, '--out', join(base, 'third'), '--no-tui', '--backend', 'wasm']);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stderr, /start policy: reusing .*heldout-eval\.json/);
    assert.match(third.stderr, /start policy: reusing .*train-eval\.json/);
    assert.equal(await exists(join(base, 'third', 'eval-start')), false);
    assert.equal(await exists(join(base, 'third', 'eval-train-start')), false);
    const startRow = (text: string): string | undefined => text.split('\n').find((l) => l.startsWith('start ('));
    assert.equal(startRow(third.stdout), startRow(second.stdout));
    // Without a training sample: no second table, and the held-out cache still holds (its key
    // names only what the held-out evaluation plays).
    const noSample = join(base, 'no-sample.mts');
    await writeFile(noSample, [`import p from ${JSON.stringify(pipeline)};`, 'export default { ...p, evaluation: { ...p.evaluation, trainingSample: undefined } };'].join('\n'));
    const fifth = await run(['train', '--pipeline', noSample, '--out', join(base, 'fifth'), '--no-tui', '--backend', 'wasm']);
    assert.equal(fifth.code, 0, fifth.stderr);
    assert.match(fifth.stderr, /start policy: reusing .*heldout-eval\.json/);
    assert.doesNotMatch(fifth.stdout, /training-sample evaluation/);
    assert.equal(await exists(join(base, 'fifth', 'training-sample.txt')), false);
    // --no-eval skips it. With statementDropout the episodes see thinned training statements.
    const thin = join(base, 'thin.mts');
    await writeFile(
      thin,
      [
        `import p from ${JSON.stringify(pipeline)};`,
        "export default { ...p, data: { ...p.data, statementDropout: 0.5 } };",
      ].join('\n'),
    );
    const fourth = await run(['train', '--pipeline', thin, '--out', join(base, 'fourth'), '--no-tui', '--backend', 'wasm', '--no-eval']);
    assert.equal(fourth.code, 0, fourth.stderr);
    assert.doesNotMatch(fourth.stdout, /held-out evaluation/);
    assert.match(fourth.stderr, /training problems from data\/suite\/smoke\.jsonl, 50 % of each statement's words dropped/);
    const smoke = new Map((await loadProblems(join(REPO_ROOT, 'data', 'suite', 'smoke.jsonl'))).map((p) => [p.id, p.description]));
    const firstTurns = (await readTrajectories(join(base, 'fourth', 'trajectories'))).rows.filter((r) => r.turn === 0);
    assert.ok(firstTurns.length > 0);
    let thinned = 0;
    for (const row of firstTurns) {
      const written = smoke.get(row.problemId);
      assert.ok(written !== undefined, row.problemId);
      const statement = written.split('\n')[0]!;
      assert.ok(row.prompt.includes(written.slice(written.indexOf('\n'))), 'the input/output line is kept');
      if (!row.prompt.includes(statement)) thinned++;
    }
    assert.ok(thinned > 0, 'some first prompts carry a thinned statement');
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
