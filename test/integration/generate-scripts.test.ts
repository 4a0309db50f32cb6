/**
 * pipelines/generate-grammar.ts, generate-crossed.ts and generate-crash-repairs.ts as a user runs
 * them: they write the problems their library functions make (same bytes), say what they wrote,
 * and answer bad arguments with one usage line and a failing exit (64; commander's 1 for the
 * crash script), writing nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/runtime/load-pipeline.ts';
import { generateCrossed, generateGrammar, toJsonl } from '../../src/suite/generate.ts';
import { valuesOf } from '../../src/suite/wide.ts';

const run = promisify(execFile);
const script = (name: string, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'pipelines', name), ...args], { cwd: REPO_ROOT });

test('generate-grammar writes what generateGrammar makes, wide values included', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-grammar-'));
  try {
    const out = join(dir, 'g.jsonl');
    const { stdout } = await script('generate-grammar.ts', '--per-family', '1', '--seed', '4', '--wide', '--out', out);
    assert.match(stdout, /^46 grammar problems \(1 per family, wide values, seed 4\) -> /);
    const expected = await generateGrammar({ seed: 4, perFamily: 1, values: (f) => valuesOf(f) });
    assert.ok((await readFile(out, 'utf8')) === toJsonl(expected), 'the file differs from generateGrammar');
    const bad = await script('generate-grammar.ts', '--per-family', '0', '--out', join(dir, 'no.jsonl')).catch((e: { code: number; stderr: string }) => e);
    assert.ok('code' in bad && bad.code === 64, 'a per-family of 0 exits 64');
    assert.match(bad.stderr, /^usage: generate-grammar\.ts/);
    assert.deepEqual(await readdir(dir), ['g.jsonl']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('generate-crossed writes both crossed sets', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-crossed-'));
  try {
    const { stdout } = await script('generate-crossed.ts', '--per-family', '1', '--seed', '3', '--out-dir', dir);
    assert.equal(stdout.trim().split('\n').length, 2);
    for (const split of ['crossed-phrasing', 'crossed-values'] as const) {
      const text = await readFile(join(dir, `${split}.jsonl`), 'utf8');
      assert.ok(text === toJsonl(await generateCrossed({ seed: 3, split, perFamily: 1 })), `${split} differs`);
    }
    const bad = await script('generate-crossed.ts', '--seed', 'x', '--out-dir', dir).catch((e: { code: number; stderr: string }) => e);
    assert.ok('code' in bad && bad.code === 64);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('generate-crash-repairs keeps only variants that raise, the same bytes for the same seed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-crash-'));
  try {
    const smoke = join(REPO_ROOT, 'data', 'suite', 'smoke.jsonl');
    const [a, b] = [join(dir, 'a.jsonl'), join(dir, 'b.jsonl')];
    const { stdout } = await script('generate-crash-repairs.ts', '--out', a, '--per-problem', '2', smoke);
    await script('generate-crash-repairs.ts', '--out', b, '--per-problem', '2', smoke);
    assert.match(stdout, /^\d+ of \d+ problems, \d+ crashing variants \(.+\) -> /);
    const text = await readFile(a, 'utf8');
    assert.ok(text === (await readFile(b, 'utf8')), 'two runs differ');
    const problems = text.trim().split('\n').map((line) => JSON.parse(line) as { id: string; solutions: string[]; incorrectSolutions: string[]; tests: { public: { input: string }[] } });
    assert.ok(problems.length > 0);
    const { runBatch } = await import('../../src/suite/python-batch.ts');
    const results = await runBatch(problems.map((p) => ({ programs: [...p.solutions.slice(0, 1), ...p.incorrectSolutions], inputs: [p.tests.public[0]!.input] })));
    problems.forEach((p, i) => {
      assert.match(p.id, /\/crash$/);
      assert.ok(p.incorrectSolutions.length >= 1 && p.incorrectSolutions.length <= 2);
      assert.equal(results[i]![0]![0]!.ok, true, `${p.id}: the reference runs`);
      for (let j = 1; j <= p.incorrectSolutions.length; j++) assert.equal(results[i]![j]![0]!.ok, false, `${p.id}: variant ${j} raises`);
    });
    const bad = await script('generate-crash-repairs.ts', smoke).catch((e: { code: number; stderr: string }) => e);
    assert.ok('code' in bad && bad.code !== 0, 'no --out is refused');
    assert.match(bad.stderr, /required option '--out <file>'/);
    assert.deepEqual((await readdir(dir)).sort(), ['a.jsonl', 'b.jsonl']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
