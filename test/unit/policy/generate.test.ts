import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LlamaModel, cloneModel } from '../../../src/policy/model.ts';
import { generate } from '../../../src/policy/generate.ts';
import { kvBlock } from '../../../src/policy/kv-cache.ts';
import { score } from '../../../src/policy/score.ts';
import { BACKENDS, on, noLeaks } from './backends.ts';
import { TINY_GQA } from './tiny.ts';

const PROMPTS = [[1, 2, 3, 4, 5], [7], [9, 4, 2]];

/** A model with weights spread enough that its distributions are far from uniform. */
function peakedModel(seed: number): LlamaModel {
  const model = new LlamaModel(TINY_GQA, { seed });
  const w = new Map<string, Float32Array>();
  for (const [name, v] of model.exportWeights()) w.set(name, v.shape.length === 1 ? v.data : v.data.map((x) => x * 20));
  model.setWeights(w);
  return model;
}

for (const backend of BACKENDS) {
  test(`greedy decoding with the KV cache equals decoding without it, token for token, on ${backend}`, async () => {
    await on(backend);
    const model = peakedModel(1);
    try {
      const options = { maxNewTokens: 12, temperature: 0, seed: 0 };
      const cached = await noLeaks('generation', () => generate(model, PROMPTS, options));
      const full = await generate(model, PROMPTS, { ...options, useCache: false });
      assert.deepEqual(cached.map((g) => g.tokens), full.map((g) => g.tokens));
      for (let r = 0; r < PROMPTS.length; r++) {
        const [a, b] = [cached[r]?.logProbs ?? [], full[r]?.logProbs ?? []];
        a.forEach((x, i) => assert.ok(Math.abs(x - (b[i] ?? NaN)) < 1e-4, `row ${r} token ${i}: ${x} vs ${b[i]}`));
      }
      // Reading the prompts in slices (down to one position at a time, padding included) changes nothing.
      for (const prefillChunk of [1, 2, 3]) {
        const sliced = await noLeaks('sliced prefill', () => generate(model, PROMPTS, { ...options, prefillChunk }));
        assert.deepEqual(sliced.map((g) => g.tokens), cached.map((g) => g.tokens), `prefill slices of ${prefillChunk}`);
        sliced.forEach((g, r) => g.logProbs.forEach((x, i) => assert.ok(Math.abs(x - (cached[r]?.logProbs[i] ?? NaN)) < 1e-4, `slices of ${prefillChunk}, row ${r} token ${i}`)));
      }
      // A cache held in blocks of 1, 2 or 5 positions (one of them grown token by token, prompt
      // slices longer than a block as blocks of their own), or in one block grown without limit
      // (the benchmark's baseline), attends exactly as no cache does.
      const saved = kvBlock.positions;
      try {
        for (const [positions, prefillChunk] of [[1, 256], [2, 3], [5, 1], [5, 2], [Number.POSITIVE_INFINITY, 2]] as const) {
          kvBlock.positions = positions;
          const blocked = await noLeaks('blocked cache', () => generate(model, PROMPTS, { ...options, prefillChunk }));
          assert.deepEqual(blocked.map((g) => g.tokens), full.map((g) => g.tokens), `blocks of ${positions}, prefill slices of ${prefillChunk}`);
          blocked.forEach((g, r) => g.logProbs.forEach((x, i) => assert.ok(Math.abs(x - (full[r]?.logProbs[i] ?? NaN)) < 1e-4, `blocks of ${positions}, row ${r} token ${i}`)));
        }
      } finally {
        kvBlock.positions = saved;
      }
      // Left padding must not change a row: each prompt alone gives the same tokens.
      for (let r = 0; r < PROMPTS.length; r++) {
        const [alone] = await generate(model, [PROMPTS[r] ?? []], options);
        assert.deepEqual(alone?.tokens, cached[r]?.tokens, `row ${r} alone`);
      }
    } finally {
      model.dispose();
    }
  });

  test(`the sampler's log-probs equal the scorer's for the same tokens, and sampling is reproducible from its seed, on ${backend}`, async () => {
    await on(backend);
    const model = peakedModel(2);
    try {
      const options = { maxNewTokens: 10, temperature: 0.9, topP: 0.95, seed: 'abc' };
      const first = await generate(model, PROMPTS, options);
      const again = await generate(model, PROMPTS, options);
      assert.deepEqual(first, again);
      const other = await generate(model, PROMPTS, { ...options, seed: 'abd' });
      assert.notDeepEqual(other.map((g) => g.tokens), first.map((g) => g.tokens));
      const sequences = PROMPTS.map((p, r) => [...p, ...(first[r]?.tokens ?? [])]);
      const scores = await noLeaks('scoring', () => score(model, sequences, { from: PROMPTS.map((p) => p.length) }));
      for (let r = 0; r < PROMPTS.length; r++) {
        const [s, g] = [scores[r], first[r]];
        assert.ok(s && g);
        assert.equal(s.logProbs.length, g.tokens.length);
        s.logProbs.forEach((x, i) => assert.ok(Math.abs(x - (g.logProbs[i] ?? NaN)) < 1e-4, `row ${r} token ${i}: score ${x}, sampler ${g.logProbs[i]}`));
        s.entropies.forEach((h) => assert.ok(h >= 0 && h <= Math.log(TINY_GQA.vocabSize) + 1e-5));
        g.samplingLogProbs.forEach((x) => assert.ok(x <= 1e-6));
      }
    } finally {
      model.dispose();
    }
  });
}

test('per-row temperatures: each row of a batch samples as it would alone at its own temperature', async () => {
  await on('wasm');
  const model = peakedModel(2);
  try {
    const seeds = PROMPTS.map((_, r) => `row-${r}`);
    const temperatures = PROMPTS.map((_, r) => [0, 1.5, 0.7][r % 3] ?? 1);
    const batch = await generate(model, PROMPTS, { maxNewTokens: 10, temperature: 1, temperatures, seed: 'x', seeds });
    for (let r = 0; r < PROMPTS.length; r++) {
      const [alone] = await generate(model, [PROMPTS[r] ?? []], { maxNewTokens: 10, temperature: temperatures[r] ?? 1, seed: 'x', seeds: [seeds[r] ?? ''] });
      assert.deepEqual(batch[r]?.tokens, alone?.tokens, `row ${r}`);
      // The same distribution sampled from (float rounding of a batch aside).
      batch[r]?.samplingLogProbs.forEach((x, i) => assert.ok(Math.abs(x - (alone?.samplingLogProbs[i] ?? NaN)) < 1e-4, `row ${r} token ${i}`));
    }
    // The greedy row's sampling log-probs are 0 (greedy), the others' are not all 0.
    assert.ok(batch[0]?.samplingLogProbs.every((x) => x === 0));
    assert.ok(batch[1]?.samplingLogProbs.some((x) => x < 0));
  } finally {
    model.dispose();
  }
});

test('rows end at their stop token or when the token budget or the context runs out', async () => {
  await on('wasm');
  const model = peakedModel(3);
  try {
    const [probe] = await generate(model, [[1, 2]], { maxNewTokens: 8, temperature: 0, seed: 0 });
    const stop = probe?.tokens[2];
    assert.ok(stop !== undefined);
    const [stopped] = await generate(model, [[1, 2]], { maxNewTokens: 8, temperature: 0, seed: 0, stopTokens: [stop] });
    assert.equal(stopped?.finish, 'stop');
    assert.equal(stopped?.tokens.at(-1), stop);
    assert.ok((stopped?.tokens.length ?? 0) <= 3);
    assert.equal(probe?.finish, 'length');
    const long = Array.from({ length: TINY_GQA.maxContext - 3 }, (_, i) => 1 + (i % 10));
    const [full] = await generate(model, [long], { maxNewTokens: 8, temperature: 0, seed: 0 });
    assert.equal(full?.tokens.length, 3);
    assert.equal(full?.finish, 'context');
  } finally {
    model.dispose();
  }
});

test('a frozen reference copy scores like the policy it was cloned from, until the policy changes', async () => {
  await on('wasm');
  const model = peakedModel(4);
  const reference = cloneModel(model);
  assert.ok([...reference.getWeights().values()].every((v) => !v.trainable));
  try {
    const seqs = [[1, 2, 3, 4, 5, 6], [3, 2, 1]];
    const [a, b] = [await score(model, seqs), await score(reference, seqs)];
    assert.deepEqual(a, b);
    const w = model.exportWeights().get('norm');
    assert.ok(w);
    model.setWeights(new Map([['norm', w.data.map((x) => x * 3)]]));
    const c = await score(model, seqs);
    assert.notDeepEqual(c, b);
    assert.deepEqual(await score(reference, seqs), b);
  } finally {
    model.dispose();
    reference.dispose();
  }
});
