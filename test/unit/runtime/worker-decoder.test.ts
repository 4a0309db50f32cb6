import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBackend } from '../../../src/policy/backend.ts';
import { LlamaModel } from '../../../src/policy/model.ts';
import { ByteTokenizer } from '../../../src/policy/tokenizer-byte.ts';
import { chatTemplateFor } from '../../../src/policy/chat.ts';
import { LocalDecoder } from '../../../src/runtime/turn-decoder.ts';
import { WorkerDecoder } from '../../../src/runtime/worker-decoder.ts';
import type { GenerateRequest } from '../../../src/pipeline/ports.ts';

const config = {
  vocabSize: 261, dModel: 32, nLayers: 2, nHeads: 2, nKvHeads: 2, headDim: 16, ffnDim: 64,
  ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, maxContext: 256,
};
const sampling = { temperature: 1, topP: 1, maxNewTokens: 12 };
const requests: GenerateRequest[] = [
  { dialog: [{ role: 'user', content: 'print the sum' }], seed: 'a' },
  { dialog: [{ role: 'user', content: 'reverse the words of a longer line' }], seed: 'b' },
];

test('the generation worker samples the same turns as the main thread, and takes new weights', async () => {
  await useBackend('wasm');
  const model = new LlamaModel(config, { seed: 5 });
  const tokenizer = new ByteTokenizer();
  const local = new LocalDecoder(model, chatTemplateFor(tokenizer), sampling, 0);
  const worker = await WorkerDecoder.start(model, tokenizer, sampling, { backend: 'wasm', version: 0 });
  try {
    const here = await local.decode(requests);
    const there = await worker.decode(requests);
    assert.deepEqual(there.map((t) => Array.from(t.responseIds)), here.map((t) => Array.from(t.responseIds)));
    assert.deepEqual(there.map((t) => t.text), here.map((t) => t.text));
    for (const [i, t] of there.entries()) {
      const h = here[i]!;
      t.logprobs.forEach((lp, k) => assert.ok(Math.abs(lp - h.logprobs[k]!) < 1e-5));
    }
    const other = new LlamaModel(config, { seed: 6 });
    worker.setPolicy(other, 7);
    local.setPolicy(other, 7);
    const [a, b] = [await worker.decode(requests), await local.decode(requests)];
    assert.deepEqual(a.map((t) => t.policyVersion), [7, 7]);
    assert.deepEqual(a.map((t) => Array.from(t.responseIds)), b.map((t) => Array.from(t.responseIds)));
    other.dispose();
  } finally {
    await worker.close();
    model.dispose();
  }
});

test('retryTemperature samples turns after the first at their own temperature', async () => {
  await useBackend('wasm');
  const model = new LlamaModel(config, { seed: 5 });
  const template = chatTemplateFor(new ByteTokenizer());
  const retry = (seed: string): GenerateRequest => ({
    dialog: [
      { role: 'user', content: 'print the sum' },
      { role: 'assistant', content: '```python\nprint(1)\n```' },
      { role: 'user', content: 'Your code failed the following tests: ...' },
    ],
    seed,
  });
  const first = (seed: string): GenerateRequest => ({ dialog: [{ role: 'user', content: 'print the sum' }], seed });
  const ids = async (decoder: LocalDecoder, rs: GenerateRequest[]): Promise<number[][]> =>
    (await decoder.decode(rs)).map((t) => Array.from(t.responseIds));
  try {
    // Greedy first turns, hot retries: first turns agree across seeds, retries do not.
    const hot = new LocalDecoder(model, template, { ...sampling, temperature: 0, retryTemperature: 3 }, 0);
    const [fa, fb, ra, rb] = await ids(hot, [first('a'), first('b'), retry('a'), retry('b')]);
    assert.deepEqual(fa, fb);
    assert.notDeepEqual(ra, rb);
    // Without it, retries are greedy too.
    const plain = new LocalDecoder(model, template, { ...sampling, temperature: 0 }, 0);
    const [pa, pb] = await ids(plain, [retry('a'), retry('b')]);
    assert.deepEqual(pa, pb);
  } finally {
    model.dispose();
  }
});

test('shortenFeedback: the decoder fits long feedback by listing fewer failed tests, and only when asked', async () => {
  await useBackend('wasm');
  const { fitPromptToContext, OMITTED_ANSWER } = await import('../../../src/policy/context.ts');
  const { formatFeedback } = await import('../../../src/exec/feedback.ts');
  const wide = { ...config, maxContext: 512 };
  const model = new LlamaModel(wide, { seed: 5 });
  const template = chatTemplateFor(new ByteTokenizer());
  const traceback = (input: string) => ({ index: 0, wallMs: 1, input, verdict: 'runtime_error' as const, traceback: `Traceback\n${'x'.repeat(150)}\nValueError: no` });
  const dialog = [
    { role: 'user' as const, content: 'print the sum' },
    { role: 'assistant' as const, content: '```python\nprint(sum(map(int,input().split())))\n```' },
    { role: 'user' as const, content: formatFeedback([traceback('1 2'), traceback('3 4')]) },
  ];
  const window = { contextLength: wide.maxContext, generationBudget: sampling.maxNewTokens };
  try {
    for (const shortenFeedback of [false, true]) {
      const decoder = new LocalDecoder(model, template, { ...sampling, shortenFeedback }, 0);
      const [turn] = await decoder.decode([{ dialog, seed: 'a' }]);
      const fit = fitPromptToContext(template, dialog, { ...window, shortenFeedback });
      assert.ok(fit.ok);
      assert.deepEqual(Array.from(turn!.contextIds), Array.from(fit.rendered.ids));
      const shown = template.tokenizer.decode(Array.from(turn!.contextIds));
      // Too long for 512 ids: the plain policy hides the program; the shortened one keeps it and one test.
      assert.equal(shown.includes('print(sum('), shortenFeedback);
      assert.equal(shown.includes(OMITTED_ANSWER) || !shown.includes('print(sum('), !shortenFeedback);
      if (shortenFeedback) assert.ok(shown.includes('- input `1 2` failed') && !shown.includes('- input `3 4` failed'));
    }
  } finally {
    model.dispose();
  }
});
