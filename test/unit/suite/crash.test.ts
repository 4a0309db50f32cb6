// Crashing buggy variants (session 16): each kind is the edit it says, never writes a held-out
// value, and really raises in python3 with the error class the kind is for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CRASH_KINDS, crashVariants, HELDOUT_STRINGS, WRONG_SEPARATORS, type CrashKind } from '../../../src/suite/crash.ts';
import { runBatch } from '../../../src/suite/python-batch.ts';
import { rngFor } from '../../../src/suite/random.ts';
import { loadSplit, stdio } from './suite-data.ts';

const LIST = "a=list(map(int,input().split('/')))\nprint(max(a))";
const WORDS = 'w=input().split()\nprint(*w[::-1])';
const NUMBER = 'n=int(input())\nprint(n*2)';

test('every kind applies to a program that has what it edits, each a one-place edit', () => {
  const kinds = (code: string): CrashKind[] => crashVariants(code, rngFor(1, code)).map((v) => v.kind);
  assert.deepEqual(kinds(LIST), ['separator', 'quote', 'bracket', 'name', 'type']);
  assert.deepEqual(kinds(WORDS), ['separator', 'quote', 'bracket', 'name']);
  assert.deepEqual(kinds(NUMBER), ['quote', 'bracket', 'name', 'type']);
  assert.deepEqual(kinds('print(1)'), ['quote', 'bracket']);
  const byKind = new Map(crashVariants(LIST, rngFor(2)).map((v) => [v.kind, v.code]));
  assert.match(byKind.get('separator')!, /^a=list\(map\(int,input\(\)\.split\('[^/]'\)\)\)\nprint\(max\(a\)\)$/);
  assert.equal(byKind.get('quote')!.length, LIST.length + 1);
  assert.equal(byKind.get('quote')!.split("'").length, LIST.split("'").length + 1);
  assert.equal(byKind.get('bracket')!.length, LIST.length - 1);
  assert.match(byKind.get('name')!, /^a=list\(map\(int,input\(\)\.split\('\/'\)\)\)\nprint\(max\((?!a\))\w+\)\)$/);
  assert.equal(byKind.get('type'), "a=list(map(str,input().split('/')))\nprint(max(a))");
});

test('the same seed gives the same edits; a wrong separator is never a held-out value', () => {
  assert.deepEqual(crashVariants(LIST, rngFor(7, 'x')), crashVariants(LIST, rngFor(7, 'x')));
  assert.ok(HELDOUT_STRINGS.size > 0);
  for (const s of WRONG_SEPARATORS) assert.ok(!HELDOUT_STRINGS.has(s), s);
  for (let seed = 0; seed < 200; seed++) {
    const edited = crashVariants(LIST, rngFor(seed)).find((v) => v.kind === 'separator')!.code;
    const sep = /split\('(.*)'\)/.exec(edited)![1]!;
    assert.ok(WRONG_SEPARATORS.includes(sep) && sep !== '/', sep);
  }
});

test('on training problems the edits raise in real python3, with the error each kind is for', async () => {
  const problems = loadSplit('train').filter((_, i) => i % 23 === 0);
  assert.ok(problems.length >= 80);
  const variants = problems.map((p) => crashVariants(p.solutions[0]!, rngFor(1, p.id)));
  const results = await runBatch(problems.map((p, i) => ({ programs: variants[i]!.map((v) => v.code), inputs: [stdio(p.tests.public)[0]!.input] })));
  const expected: Record<CrashKind, RegExp> = {
    separator: /ValueError$/, quote: /SyntaxError$/, bracket: /SyntaxError$/, name: /NameError$/, type: /TypeError$|ValueError$/,
  };
  const raised = new Map<CrashKind, number>(CRASH_KINDS.map((k) => [k, 0]));
  const tried = new Map<CrashKind, number>(CRASH_KINDS.map((k) => [k, 0]));
  problems.forEach((p, i) => {
    variants[i]!.forEach((v, j) => {
      const run = results[i]![j]![0]!;
      tried.set(v.kind, tried.get(v.kind)! + 1);
      if (!run.ok) {
        raised.set(v.kind, raised.get(v.kind)! + 1);
        assert.match(run.stdout, expected[v.kind], `${p.id} ${v.kind}: ${v.code}`);
      }
    });
  });
  // Syntax edits always raise; the others raise on most programs they apply to.
  assert.equal(raised.get('quote'), tried.get('quote'));
  assert.equal(raised.get('bracket'), tried.get('bracket'));
  for (const kind of ['separator', 'name'] as const) assert.ok(raised.get(kind)! > tried.get(kind)! / 2, `${kind}: ${raised.get(kind)} of ${tried.get(kind)}`);
});
