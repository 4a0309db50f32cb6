import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecutionPool } from '../../../src/exec/pool.ts';
import type { ExecutionPool } from '../../../src/exec/types.ts';
import { formatFeedback, initialPrompt } from '../../../src/exec/feedback.ts';
import { loadProblems } from '../../../src/problems/load.ts';
import type { Problem } from '../../../src/problems/problem.ts';
import { chatTemplateFor, renderDialog } from '../../../src/policy/chat.ts';
import { ByteTokenizer } from '../../../src/policy/tokenizer-byte.ts';
import { seededRandom } from '../../../src/eval/seeded-random.ts';
import { answerText, buildSftExamples, executeFeedback, FeedbackCache, feedbackKey, renderSftExample, type SftData } from '../../../src/runtime/sft-data.ts';

const SMOKE = new URL('../../../data/suite/smoke.jsonl', import.meta.url).pathname;
const template = chatTemplateFor(new ByteTokenizer());
let pool: ExecutionPool;
let problems: Problem[];
let data: SftData;

before(async () => {
  pool = await createExecutionPool({ workers: 2, log: () => undefined });
  problems = await loadProblems(SMOKE);
  data = await buildSftExamples(problems, { pool, seed: 3, repairShare: 0.5 });
});
after(async () => {
  await pool.close();
});

function byId(id: string): Problem {
  const problem = problems.find((p) => p.id === id);
  assert.ok(problem, id);
  return problem;
}

/** The decoded ids where the mask is 1, per maximal run. */
function trainedRuns(ids: Int32Array, mask: Uint8Array): string[] {
  const runs: number[][] = [];
  let current: number[] | undefined;
  mask.forEach((m, i) => {
    if (m === 1) {
      if (current === undefined) runs.push((current = []));
      current.push(ids[i] ?? 0);
    } else current = undefined;
  });
  return runs.map((run) => template.tokenizer.decode(run));
}

test('the smoke split yields one solve dialog per problem and as many repair traces at a one-half share', () => {
  const solve = data.examples.filter((e) => e.kind === 'solve');
  const repair = data.examples.filter((e) => e.kind === 'repair');
  assert.equal(solve.length, problems.length);
  assert.equal(repair.length + data.skipped > 0, true);
  assert.equal(repair.length, problems.length);
});

test('a solve dialog trains exactly the reference answer and its end of turn', () => {
  for (const example of data.examples.filter((e) => e.kind === 'solve')) {
    const problem = byId(example.problemId);
    assert.equal(example.dialog[0]?.content, initialPrompt(problem.description));
    const seq = renderSftExample(template, example, 4096);
    assert.ok(seq);
    const runs = trainedRuns(seq.ids, seq.trainMask);
    assert.deepEqual(runs, [`${answerText(problem.solutions[0]!)}<|eot|>`]);
    assert.equal(seq.trainedTokens, seq.trainMask.reduce((n, m) => n + m, 0));
  }
});

test('a repair trace masks out the buggy first attempt and trains only the fix', () => {
  for (const example of data.examples.filter((e) => e.kind === 'repair')) {
    const problem = byId(example.problemId);
    const bug = example.dialog[1]?.content ?? '';
    assert.ok(problem.incorrectSolutions.some((code) => answerText(code) === bug));
    const seq = renderSftExample(template, example, 4096);
    assert.ok(seq);
    assert.deepEqual(trainedRuns(seq.ids, seq.trainMask), [`${answerText(problem.solutions[0]!)}<|eot|>`]);
    // The template marks the buggy answer as the model's own; the SFT mask must not.
    const rendered = template.tokenizer.decode(Array.from(seq.ids));
    assert.ok(rendered.includes(bug));
    const own = trainedRuns(seq.ids, renderDialog(template, example.dialog).assistantMask);
    assert.deepEqual(own, [`${bug}<|eot|>`, `${answerText(problem.solutions[0]!)}<|eot|>`]);
  }
});

test('feedback in a repair trace is formatFeedback of really running the bug on the public tests', async () => {
  const repairs = data.examples.filter((e) => e.kind === 'repair');
  assert.ok(repairs.length > 0);
  for (const example of repairs) {
    const problem = byId(example.problemId);
    const code = (example.dialog[1]?.content ?? '').replace(/^```python\n/, '').replace(/\n```$/, '\n');
    const judged = await pool.judge({ code, tests: problem.tests.public, mode: 'all' });
    assert.notEqual(judged.verdict, 'passed');
    const feedback = example.dialog[2]?.content ?? '';
    assert.equal(feedback, formatFeedback(judged.outcomes));
    assert.match(feedback, /^Your code failed the following tests:\n\n- input `/);
    assert.ok(problem.tests.public.some((t) => t.kind === 'stdio' && feedback.includes(`input \`${t.input.trim()}\``)));
  }
});

test('the same seed gives the same dialogs in the same order; no repairs at share 0', async () => {
  const again = await buildSftExamples(problems, { pool, seed: 3, repairShare: 0.5 });
  assert.deepEqual(again.examples, data.examples);
  const other = await buildSftExamples(problems, { pool, seed: 4, repairShare: 0.5 });
  assert.notDeepEqual(other.examples.map((e) => `${e.kind}:${e.problemId}`), data.examples.map((e) => `${e.kind}:${e.problemId}`));
  const none = await buildSftExamples(problems, { pool, seed: 3, repairShare: 0 });
  assert.deepEqual(none.examples.map((e) => e.kind).sort(), problems.map(() => 'solve'));
  await assert.rejects(buildSftExamples(problems, { pool, seed: 3, repairShare: 1 }), RangeError);
});

test('a feedback cache file lets a second build run without executing anything', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-sft-cache-'));
  try {
    const file = join(dir, 'feedback.jsonl');
    const first = await buildSftExamples(problems, { pool, seed: 5, repairShare: 0.5, cache: await FeedbackCache.open(file) });
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    assert.equal(lines.length, first.examples.filter((e) => e.kind === 'repair').length + first.skipped);
    // A closed pool throws on any run: the second build must come from the cache alone.
    const closed = await createExecutionPool({ workers: 1, log: () => undefined });
    await closed.close();
    const second = await buildSftExamples(problems, { pool: closed, seed: 5, repairShare: 0.5, cache: await FeedbackCache.open(file) });
    assert.deepEqual(second.examples, first.examples);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('problems that share an id but not their public tests never share cached feedback', async () => {
  const problem = problems.find((p) => p.incorrectSolutions.length > 0 && p.tests.public.length > 1);
  assert.ok(problem, 'a smoke problem with a buggy variant and two public tests');
  // The same id (another seed of generate-wide.ts draws the same family and index) with only the
  // second public test: its feedback must come from running that test, not from the first problem's.
  const twin: Problem = { ...problem, tests: { ...problem.tests, public: problem.tests.public.slice(1) } };
  const bug = problem.incorrectSolutions[0]!;
  const cache = await FeedbackCache.open(undefined);
  const first = await executeFeedback(problem, bug, pool, cache);
  const second = await executeFeedback(twin, bug, pool, cache);
  const fresh = await executeFeedback(twin, bug, pool);
  assert.deepEqual(second, fresh);
  assert.notEqual(feedbackKey(problem, bug), feedbackKey(twin, bug));
  assert.equal(feedbackKey(problem, bug), feedbackKey({ ...problem }, bug));
  assert.ok(first.ok || second.ok, 'the bug fails at least one of the two test sets');
});

test('a dialog longer than the limit is left out', () => {
  const example = data.examples[0];
  assert.ok(example);
  assert.equal(renderSftExample(template, example, 10), undefined);
});

test('with a generation budget, a repair after long feedback is trained in the layout the decoder samples it in', async () => {
  const { fitPromptToContext, OMITTED_ANSWER } = await import('../../../src/policy/context.ts');
  const { renderPromptForGeneration } = await import('../../../src/policy/chat.ts');
  const repair = data.examples.find((e) => e.kind === 'repair');
  assert.ok(repair);
  const whole = renderSftExample(template, repair, 4096);
  assert.ok(whole);
  const answer = repair.dialog.at(-1)!;
  // Context sizes around the dialog's own length: untouched, the old answer a marker, or more cut.
  for (const extra of [0, 40, 80, 200]) {
    const budget = 100;
    const maxLength = whole.ids.length - answer.content.length + budget - extra;
    const seq = renderSftExample(template, repair, maxLength, { generationBudget: budget });
    assert.ok(seq, `extra ${extra}`);
    const fit = fitPromptToContext(template, repair.dialog.slice(0, -1), { contextLength: maxLength, generationBudget: budget });
    assert.ok(fit.ok);
    const prompt = fit.rendered.ids;
    // The ids before the answer are exactly the decoder's prompt; the answer alone is trained.
    assert.deepEqual(Array.from(seq.ids.slice(0, prompt.length)), Array.from(prompt));
    assert.deepEqual(trainedRuns(seq.ids, seq.trainMask), [`${answer.content}<|eot|>`]);
    assert.ok(seq.ids.length <= maxLength);
    if (extra === 0) assert.deepEqual(seq, whole);
    else assert.ok(seq.ids.length < whole.ids.length);
    if (extra === 40) assert.ok(template.tokenizer.decode(Array.from(seq.ids)).includes(OMITTED_ANSWER));
  }
  // Without a budget nothing is fitted; a solve dialog is never changed.
  const solve = data.examples.find((e) => e.kind === 'solve')!;
  assert.deepEqual(renderSftExample(template, solve, 1024, { generationBudget: 128, shortenFeedback: true }), renderSftExample(template, solve, 1024));
  assert.ok(renderPromptForGeneration(template, solve.dialog.slice(0, 1)).ids.length > 0);
});

test('dropWords only removes whole words of the statement line, keeps parameter-bearing and one-letter words, never empties it', async () => {
  const { dropWords } = await import('../../../src/problems/drop-words.ts');
  const fc = await import('fast-check');
  const word = fc.stringMatching(/^[A-Za-z0-9',{}]{1,8}$/);
  fc.assert(
    fc.property(fc.array(word, { minLength: 1, maxLength: 20 }), fc.double({ min: 0, max: 0.99, noNaN: true }), fc.integer(), (words, rate, seed) => {
      const io = '\nInput: one line of integers. Output: one integer';
      const random = seededRandom(seed);
      const out = dropWords(`${words.join(' ')}${io}`, rate, random);
      assert.ok(out.endsWith(io), 'the input/output line is kept');
      const kept = out.slice(0, -io.length).split(' ');
      assert.ok(kept.length >= 1 && kept[0] !== '');
      // A subsequence of the original words, with every protected word present.
      let i = 0;
      for (const w of kept) {
        while (i < words.length && words[i] !== w) i++;
        assert.ok(i < words.length, `"${w}" is not an original word in order`);
        i++;
      }
      const protectedWords = words.filter((w) => w.length <= 1 || /[^A-Za-z]/.test(w));
      for (const w of protectedWords) assert.ok(kept.includes(w), `protected word "${w}" dropped`);
    }),
  );
});

test('augmented copies and confusion repairs: statements lose words only, confusions start from another problem\'s correct program and its real feedback', async () => {
  const augmented = await buildSftExamples(problems, {
    pool, seed: 3, repairShare: 0.5, confusions: 2, augment: { copies: 2, wordDropout: 0.3, repairWordDropout: 0.6 },
  });
  const plain = data.examples.length;
  const confusions = augmented.examples.filter((e) => e.kind === 'confusion');
  assert.ok(confusions.length > 0, 'some confusion repairs');
  // Originals (plain + confusions), then two copies of each.
  assert.equal(augmented.examples.length, 3 * (plain + confusions.length / 3));
  for (const example of confusions.slice(0, 6)) {
    const problem = byId(example.problemId);
    const first = example.dialog[1]!.content;
    assert.notEqual(first, answerText(problem.solutions[0]!), 'the first attempt is not the reference');
    assert.ok(problems.some((o) => o.id !== problem.id && first === answerText(o.solutions[0]!)), 'it is another problem\'s reference');
    assert.match(example.dialog[2]!.content, /failed|error|expected/i);
    assert.equal(example.dialog[3]!.content, answerText(problem.solutions[0]!));
    assert.deepEqual(example.trained, [3]);
  }
  for (const example of augmented.examples) {
    const statement = initialPrompt(byId(example.problemId).description);
    const shown = example.dialog[0]!.content;
    if (shown === statement) continue;
    assert.ok(shown.length < statement.length, 'a copy only loses words');
  }
});
