/**
 * `rlef judge` end to end: the real CLI, the real pool and python3, fixture datasets in
 * test/fixtures/problems, and the shared HumanEval file where ../shared/data exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture, sharedData } from '../unit/problems/fixtures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKERS = '2';

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function rlef(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/rlef', ...args], { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';

async function withTemp<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-judge-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('judging the reference solutions of every fixture format passes them all', async () => {
  const he = await rlef(['judge', '--data', fixture('humaneval-tiny.jsonl'), '--canonical', '--workers', WORKERS]);
  assert.equal(he.code, 0, he.stderr);
  assert.equal(he.stdout, 'passed  2\n2 passed, 0 failed\n');
  const mbpp = await rlef(['judge', '--data', fixture('mbpp-tiny.jsonl'), '--canonical', '--workers', WORKERS]);
  assert.equal(lastLine(mbpp.stdout), '2 passed, 0 failed');
  // The second CodeContests problem has no Python 3 solution: skipped, and said so on stderr.
  const cc = await rlef(['judge', '--data', fixture('codecontests-tiny.parquet'), '--canonical', '--workers', WORKERS]);
  assert.equal(lastLine(cc.stdout), '1 passed, 0 failed, 1 skipped');
  assert.match(cc.stderr, /skipped 1 problem\(s\) with no reference solution: 2_B\. Float/);
  const own = await rlef(['judge', '--data', fixture('rlef-tiny.jsonl'), '--format', 'rlef', '--canonical', '--workers', WORKERS]);
  assert.equal(lastLine(own.stdout), '2 passed, 0 failed');
});

test('judging a solutions file counts failures by verdict and still exits 0', async () => {
  await withTemp(async (dir) => {
    const solutions = join(dir, 'solutions.jsonl');
    const lines = [
      { problem_id: 'Tiny/0', code: 'def total(xs: List[int]) -> int:\n    return sum(xs) + 1\n' },
      { problem_id: 'Tiny/1', code: 'def count_even(xs):\n    return sum(1 for x in xs if is_even(x))\n' },
    ];
    await writeFile(solutions, lines.map((line) => JSON.stringify(line)).join('\n'));
    const run = await rlef(['judge', '--data', fixture('humaneval-tiny.jsonl'), '--solutions', solutions, '--workers', WORKERS]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'passed        1\nwrong_answer  1\n1 passed, 1 failed\n');
    const json = await rlef(['judge', '--data', fixture('humaneval-tiny.jsonl'), '--solutions', solutions, '--json', '--workers', WORKERS]);
    const objects = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(objects.map((o) => [o['problem_id'], o['verdict'], o['passed']]), [['Tiny/0', 'wrong_answer', false], ['Tiny/1', 'passed', true]]);
    assert.deepEqual((objects[0]?.['failure'] as Record<string, unknown>)['input'], 'check(total)');
  });
});

test('CodeContests stdio tests fail a wrong program with the expected and actual output', async () => {
  await withTemp(async (dir) => {
    const solutions = join(dir, 'solutions.jsonl');
    await writeFile(solutions, `${JSON.stringify({ problem_id: '1_A. Sum', code: 'a, b = map(int, input().split())\nprint(a - b)\n' })}\n`);
    const run = await rlef(['judge', '--data', fixture('codecontests-tiny.jsonl'), '--solutions', solutions, '--json', '--workers', WORKERS]);
    const [result] = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { verdict: string; failure: Record<string, unknown> });
    assert.equal(result?.verdict, 'wrong_answer');
    assert.deepEqual([result.failure['role'], result.failure['input'], result.failure['expected'], result.failure['actual']], ['public', '1 2\n', '3\n', '-1\n']);
    assert.match(run.stderr, /skipped 1 problem\(s\) with no solution in the file/);
  });
});

test('usage mistakes exit 64 and bad input files exit 65 with file:line', async () => {
  const neither = await rlef(['judge', '--data', fixture('humaneval-tiny.jsonl')]);
  assert.equal(neither.code, 64);
  assert.match(neither.stderr, /give exactly one of --canonical and --solutions FILE/);
  const badFormat = await rlef(['judge', '--data', fixture('humaneval-tiny.jsonl'), '--canonical', '--format', 'csv']);
  assert.equal(badFormat.code, 64);
  const malformed = await rlef(['judge', '--data', fixture('humaneval-malformed.jsonl'), '--canonical', '--workers', '1']);
  assert.equal(malformed.code, 65);
  assert.match(malformed.stderr, /humaneval-malformed\.jsonl:2: field "entry_point" must be a string/);
  await withTemp(async (dir) => {
    const solutions = join(dir, 'solutions.jsonl');
    await writeFile(solutions, '{"problem_id": "Nope/1", "code": ""}\n');
    const unknown = await rlef(['judge', '--data', fixture('humaneval-tiny.jsonl'), '--solutions', solutions, '--workers', '1']);
    assert.equal(unknown.code, 65);
    assert.match(unknown.stderr, /solutions\.jsonl:1: unknown problem_id "Nope\/1": not in the dataset/);
  });
  const missing = await rlef(['judge', '--data', 'no/such/file.jsonl', '--canonical', '--workers', '1']);
  assert.equal(missing.code, 66);
});

test('judge --help explains the formats, the solutions file and the exit status', async () => {
  const help = await rlef(['judge', '--help']);
  assert.equal(help.code, 0);
  for (const text of ['--data <file>', '--canonical', '--solutions <file>', '--tests <which>', '--json', '--workers <n>', 'evalplus', '"problem_id"', 'N passed, M failed', 'Exit status']) {
    assert.ok(help.stdout.includes(text), `help mentions ${text}`);
  }
});

const humanEval = sharedData('HumanEval.jsonl.gz');

test('the 164 HumanEval canonical solutions pass, and returning None fails all 164', { skip: humanEval === undefined && 'no ../shared/data' }, async () => {
  const canonical = await rlef(['judge', '--data', humanEval!, '--canonical']);
  assert.equal(canonical.code, 0, canonical.stderr);
  assert.equal(lastLine(canonical.stdout), '164 passed, 0 failed');
  await withTemp(async (dir) => {
    const { gunzipSync } = await import('node:zlib');
    const records = gunzipSync(await readFile(humanEval!)).toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as { task_id: string; prompt: string });
    const solutions = join(dir, 'none.jsonl');
    await writeFile(solutions, records.map((r) => JSON.stringify({ problem_id: r.task_id, code: `${r.prompt}    return None\n` })).join('\n'));
    const none = await rlef(['judge', '--data', humanEval!, '--solutions', solutions]);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(lastLine(none.stdout), '0 passed, 164 failed');
  });
});
