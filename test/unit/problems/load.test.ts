import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { detectFormat, formatOfKeys, loadProblems } from '../../../src/problems/load.ts';
import { withoutNonFiniteTokens } from '../../../src/problems/fields.ts';
import { InputError, UsageError } from '../../../src/runtime/errors.ts';
import { fixture, sharedData } from './fixtures.ts';

async function withTemp(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-load-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the format is detected from the parquet columns or the first record\'s keys', async () => {
  assert.equal(await detectFormat(fixture('codecontests-tiny.parquet')), 'codecontests');
  assert.equal(await detectFormat(fixture('codecontests-tiny.jsonl')), 'codecontests');
  assert.equal(await detectFormat(fixture('humaneval-tiny.jsonl')), 'humaneval');
  assert.equal(await detectFormat(fixture('mbpp-tiny.jsonl')), 'mbpp');
  assert.equal(await detectFormat(fixture('evalplus-tiny.jsonl')), 'evalplus');
  assert.equal(await detectFormat(fixture('rlef-tiny.jsonl')), 'rlef');
  // EvalPlus HumanEval+ records also carry every HumanEval key: the more specific format wins.
  assert.equal(formatOfKeys(['task_id', 'prompt', 'canonical_solution', 'test', 'entry_point', 'base_input', 'plus_input']), 'evalplus');
  assert.equal(formatOfKeys(['question', 'answer']), undefined);
});

test('the shared HumanEval+ and MBPP+ files are detected as EvalPlus and HumanEval as HumanEval', { skip: sharedData('HumanEval.jsonl.gz') === undefined && 'no ../shared/data' }, async () => {
  assert.equal(await detectFormat(sharedData('HumanEval.jsonl.gz')!), 'humaneval');
  assert.equal(await detectFormat(sharedData('HumanEvalPlus-v0.1.10.jsonl.gz')!), 'evalplus');
  assert.equal(await detectFormat(sharedData('MbppPlus-v0.1.0-dev.jsonl.gz')!), 'evalplus');
  const problems = await loadProblems(sharedData('HumanEval.jsonl.gz')!);
  assert.equal(problems.length, 164);
  assert.equal(new Set(problems.map((p) => p.id)).size, 164);
});

test('a malformed record fails the whole load with file:line and what is wrong', async () => {
  const file = fixture('humaneval-malformed.jsonl');
  await assert.rejects(loadProblems(file), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(error.line, 2);
    assert.equal(error.message, `${file}:2: field "entry_point" must be a string, got nothing (the field is missing)`);
    assert.equal(error.exitCode, 65);
    return true;
  });
});

test('bad JSON, a repeated id, unknown keys and an empty file are input errors', async () => {
  await withTemp(async (dir) => {
    const he = (await readFile(fixture('humaneval-tiny.jsonl'), 'utf8')).split('\n')[0]!;
    const cases: [string, string, RegExp][] = [
      ['bad-json.jsonl', `${he}\n{"task_id": \n`, /bad-json\.jsonl:2: not valid JSON/],
      ['repeated.jsonl', `${he}\n\n${he}\n`, /repeated\.jsonl:3: duplicate problem id "Tiny\/0" \(first at line 1\)/],
      ['unknown.jsonl', '{"question": "q", "answer": "a"}\n', /unknown\.jsonl:1: cannot tell the dataset format from the first record's keys \(question, answer\); pass --format/],
      ['empty.jsonl', '\n\n', /empty\.jsonl: no records/],
      ['array.jsonl', '[1, 2]\n', /array\.jsonl:1: expected a JSON object on each line/],
    ];
    for (const [name, text, message] of cases) {
      await writeFile(join(dir, name), text);
      await assert.rejects(loadProblems(join(dir, name)), (error: unknown) => error instanceof InputError && message.test(error.message));
    }
    // An explicit format that does not fit the records fails on the first record.
    await assert.rejects(loadProblems(fixture('mbpp-tiny.jsonl'), { format: 'humaneval' }), /mbpp-tiny\.jsonl:1: field "task_id" must be a string, got a number/);
  });
});

test('gzipped JSONL is read like plain JSONL, and a truncated gzip file is an input error', async () => {
  await withTemp(async (dir) => {
    const file = join(dir, 'tiny.jsonl.gz');
    await writeFile(file, gzipSync(await readFile(fixture('humaneval-tiny.jsonl'))));
    assert.deepEqual(await loadProblems(file), await loadProblems(fixture('humaneval-tiny.jsonl')));
    // A truncated download is an input error, not a crash.
    const whole = gzipSync(await readFile(fixture('codecontests-tiny.jsonl')));
    await writeFile(file, whole.subarray(0, whole.length - 40));
    await assert.rejects(loadProblems(file, { format: 'codecontests' }), (error: unknown) => error instanceof InputError && /not a valid gzip file/.test(error.message));
  });
});

test('an EvalPlus dataset without an execution pool is a usage error, after its records were checked', async () => {
  await assert.rejects(loadProblems(fixture('evalplus-tiny.jsonl')), (error: unknown) => error instanceof UsageError && /execution pool/.test(error.message));
});

test('Python\'s NaN and Infinity tokens are read as null outside strings only', () => {
  assert.equal(withoutNonFiniteTokens('{"a": [NaN, -Infinity, Infinity], "s": "NaN \\" Infinity"}'), '{"a": [null, null, null], "s": "NaN \\" Infinity"}');
  assert.equal(withoutNonFiniteTokens('{"a": 1}'), '{"a": 1}');
});
