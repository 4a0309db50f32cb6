import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { LlamaModel } from '../../../src/policy/model.ts';
import { Critic, valueBatch } from '../../../src/policy/critic.ts';
import { AdamW } from '../../../src/policy/optimizer.ts';
import { BACKENDS, on, noLeaks } from './backends.ts';
import { TINY_GQA } from './tiny.ts';

for (const backend of BACKENDS) {
  test(`the critic starts from the policy's weights and learns values read at given positions on ${backend}`, async () => {
    await on(backend);
    const policy = new LlamaModel(TINY_GQA, { seed: 4 });
    const critic = new Critic(policy, { seed: 1 });
    const optimizer = new AdamW(critic.getWeights(), { lr: 0.02 });
    try {
      const policyWeights = policy.exportWeights();
      const criticWeights = critic.exportWeights();
      for (const [name, w] of criticWeights) {
        if (name.startsWith('value_head')) continue;
        assert.deepEqual(w.data, policyWeights.get(name)?.data, name);
      }
      assert.ok(!criticWeights.has('lm_head'), 'the critic has no output projection');
      assert.deepEqual(criticWeights.get('value_head.bias')?.data, Float32Array.from([0]));
      const sequences = [[1, 2, 3, 4, 5, 6], [6, 5, 4]];
      const positions = [[2, 5], [1]];
      const targets = tf.tensor1d([1, -1, 0.5]);
      const b = valueBatch(sequences, positions);
      const loss = (): tf.Scalar => tf.mean(tf.square(tf.sub(critic.valueTensor(b), targets)));
      const first = optimizer.update(loss).loss;
      let last = first;
      await noLeaks('critic training', () => {
        for (let k = 0; k < 60; k++) last = optimizer.update(loss).loss;
      });
      assert.ok(last < 0.01 * first, `value loss ${first} → ${last}`);
      const values = await noLeaks('value reads', () => critic.values(sequences, positions));
      assert.equal(values.length, 2);
      assert.ok(Math.abs((values[0]?.[0] ?? NaN) - 1) < 0.1 && Math.abs((values[0]?.[1] ?? NaN) + 1) < 0.1 && Math.abs((values[1]?.[0] ?? NaN) - 0.5) < 0.1, JSON.stringify(values));
      // The policy is untouched by the critic's training.
      for (const [name, w] of policy.exportWeights()) assert.deepEqual(w.data, policyWeights.get(name)?.data, name);
      targets.dispose();
    } finally {
      optimizer.dispose();
      critic.dispose();
      policy.dispose();
    }
  });
}

test('a value position outside its sequence is rejected', () => {
  assert.throws(() => valueBatch([[1, 2]], [[2]]), RangeError);
});
