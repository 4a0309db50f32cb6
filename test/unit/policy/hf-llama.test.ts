import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { configFromHf, loadHfLlama } from '../../../src/policy/hf-llama.ts';
import { generate } from '../../../src/policy/generate.ts';
import { BACKENDS, on, noLeaks } from './backends.ts';

interface Expected {
  input_ids: number[][];
  logits: number[][][];
  greedy_prompt: number[];
  greedy_output: number[];
}

const FIXTURES = ['llama-gqa-untied', 'llama-mha-tied'] as const;
const dirOf = (name: string): string => new URL(`../../fixtures/llama/${name}`, import.meta.url).pathname;

test('rope_theta is read from the top level or from rope_parameters, and head_dim defaults to hidden/heads', () => {
  const base = { vocab_size: 10, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, rms_norm_eps: 1e-6 };
  assert.equal(configFromHf({ ...base, rope_theta: 500000 }).ropeTheta, 500000);
  assert.equal(configFromHf({ ...base, rope_parameters: { rope_theta: 1234, rope_type: 'default' } }).ropeTheta, 1234);
  const c = configFromHf(base);
  assert.equal(c.headDim, 4);
  assert.equal(c.nKvHeads, 2);
  assert.equal(c.tieEmbeddings, false);
  assert.throws(() => configFromHf({ ...base, rope_parameters: { rope_type: 'llama3', rope_theta: 1 } }), /rope type/);
});

for (const backend of BACKENDS) {
  for (const name of FIXTURES) {
    test(`the ${name} checkpoint gives Hugging Face's logits within 1e-4 and its greedy tokens on ${backend}`, async () => {
      await on(backend);
      const expected = JSON.parse(readFileSync(`${dirOf(name)}/expected.json`, 'utf8')) as Expected;
      const model = await loadHfLlama(dirOf(name));
      try {
        const [rows, length] = [expected.input_ids.length, expected.input_ids[0]?.length ?? 0];
        const got = await noLeaks('forward', () => {
          const logits = tf.tidy(() => model.forward({ ids: Int32Array.from(expected.input_ids.flat()), batch: rows, length }));
          const data = logits.dataSync();
          logits.dispose();
          return data;
        });
        const want = expected.logits.flat(2);
        assert.equal(got.length, want.length);
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs((got[i] ?? NaN) - (want[i] ?? NaN)));
        assert.ok(worst < 1e-4, `max abs logit error ${worst}`);
        const [out] = await generate(model, [expected.greedy_prompt], {
          maxNewTokens: expected.greedy_output.length - expected.greedy_prompt.length,
          temperature: 0,
          seed: 1,
        });
        assert.deepEqual([...expected.greedy_prompt, ...(out?.tokens ?? [])], expected.greedy_output);
      } finally {
        model.dispose();
      }
    });
  }
}
