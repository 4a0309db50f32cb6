// Re-runs a sample of the committed suite in real Python: the references must reproduce every
// expected output and every buggy variant must fail a public test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { Problem } from '../../../src/problems/problem.ts';
import { outputsMatch } from '../../../src/suite/compare.ts';
import { DEFAULT_PYTHON, runBatch } from '../../../src/suite/python-batch.ts';
import { familyOf, loadSplit, stdio } from './suite-data.ts';

/** Two training and one held-out problem of every family, plus the smoke split: about 150. */
function sample(): Problem[] {
  const perFamily = (problems: readonly Problem[], n: number): Problem[] => {
    const taken = new Map<string, number>();
    return problems.filter((p) => {
      const count = taken.get(familyOf(p)) ?? 0;
      taken.set(familyOf(p), count + 1);
      return count < n;
    });
  };
  return [...perFamily(loadSplit('train'), 2), ...perFamily(loadSplit('heldout'), 1), ...loadSplit('smoke')];
}

const problems = sample();

test('real python3 runs every sampled reference to the expected output of all its tests', async () => {
  assert.ok(problems.length >= 140);
  const jobs = problems.map((p) => ({
    programs: p.solutions,
    inputs: stdio([...p.tests.public, ...p.tests.private]).map((t) => t.input),
  }));
  const results = await runBatch(jobs);
  problems.forEach((p, k) => {
    const tests = stdio([...p.tests.public, ...p.tests.private]);
    tests.forEach((t, i) => {
      const run = results[k]?.[0]?.[i];
      assert.deepEqual(run, { ok: true, stdout: t.output }, `${p.id} test ${i}`);
    });
  });
});

test('every sampled buggy variant fails at least one public test', async () => {
  const jobs = problems.map((p) => ({ programs: p.incorrectSolutions, inputs: stdio(p.tests.public).map((t) => t.input) }));
  const results = await runBatch(jobs);
  problems.forEach((p, k) => {
    const pub = stdio(p.tests.public);
    p.incorrectSolutions.forEach((_, b) => {
      const caught = pub.some((t, i) => {
        const run = results[k]?.[b]?.[i];
        return run === undefined || !run.ok || !outputsMatch(t.output, run.stdout);
      });
      assert.ok(caught, `${p.id} buggy variant ${b} passes every public test`);
    });
  });
});

/** One program in its own `python3 -I -S` process: exit status and stdout. */
function runAlone(code: string, input: string): Promise<{ ok: boolean; stdout: string }> {
  return new Promise((resolve) => {
    const child = execFile(DEFAULT_PYTHON, ['-I', '-S', '-c', code], { timeout: 10_000 }, (error, stdout) => {
      resolve({ ok: error === null, stdout });
    });
    child.stdin?.end(input);
  });
}

test('separate python3 processes agree with the batch runner on one problem of every fourth family', async () => {
  const firsts = problems.filter((p, i) => problems.findIndex((q) => familyOf(q) === familyOf(p)) === i);
  for (const p of firsts.filter((_, i) => i % 4 === 0)) {
    const checks = [
      ...stdio(p.tests.private).slice(0, 3).map((t) => ({ code: p.solutions[0] ?? '', t, pass: true })),
      ...p.incorrectSolutions.map((code) => ({ code, t: stdio(p.tests.public), pass: false })),
    ];
    for (const { code, t, pass } of checks) {
      const tests = Array.isArray(t) ? t : [t];
      const runs = await Promise.all(tests.map((one) => runAlone(code, one.input)));
      const passed = runs.map((run, i) => run.ok && outputsMatch(tests[i]?.output ?? '', run.stdout));
      if (pass) assert.ok(passed.every(Boolean), `${p.id}: reference fails in its own process`);
      else assert.ok(passed.some((x) => !x), `${p.id}: buggy variant passes in its own process`);
    }
  }
});
