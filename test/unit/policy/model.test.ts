import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { LlamaModel, type ForwardBatch } from '../../../src/policy/model.ts';
import { scoringBatch, tokenLogProbs } from '../../../src/policy/score.ts';
import { AdamW } from '../../../src/policy/optimizer.ts';
import type { NamedTensor } from '../../../src/policy/safetensors.ts';
import { BACKENDS, on, noLeaks } from './backends.ts';
import { TINY_GQA, TINY_MHA } from './tiny.ts';

/** Weights drawn with a spread large enough for gradients to be far from zero. */
function randomWeights(model: LlamaModel, seed: string): Map<string, NamedTensor> {
  const random = seedrandom(seed);
  const out = new Map<string, NamedTensor>();
  for (const [name, v] of model.getWeights()) {
    const data = Float32Array.from({ length: v.size }, () => (v.rank === 1 ? 1 : 0) + (random() - 0.5) * 0.8);
    out.set(name, { shape: [...v.shape], data });
  }
  return out;
}

/** A smooth scalar of the logits: Σ logits · R for a fixed R, over a batch with left padding in row 1. */
function probe(model: LlamaModel, b: ForwardBatch, r: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(model.forward(b), r));
}

const BATCH: ForwardBatch = {
  ids: Int32Array.from([1, 5, 7, 2, 9, 3, 0, 0, 4, 8, 12, 6]),
  batch: 2,
  length: 6,
  positions: Int32Array.from([0, 1, 2, 3, 4, 5, 0, 0, 0, 1, 2, 3]),
  keyValid: Uint8Array.from([1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1]),
};

for (const backend of BACKENDS) {
  test(`the custom gradients match finite differences and tfjs's built-in gradients on ${backend}`, async () => {
    await on(backend);
    const fast = new LlamaModel(TINY_GQA, { seed: 3 });
    const naive = new LlamaModel(TINY_GQA, { impl: 'naive' });
    try {
      const weights = randomWeights(fast, 'grad-check');
      fast.setWeights(weights);
      naive.setWeights(weights);
      const r = tf.randomNormal([BATCH.batch * BATCH.length, TINY_GQA.vocabSize], 0, 1, 'float32', 11);
      const gradsOf = (m: LlamaModel): Map<string, Float32Array> => {
        const out = new Map<string, Float32Array>();
        tf.tidy(() => {
          const names = [...m.getWeights().keys()];
          const { grads } = tf.variableGrads(() => probe(m, BATCH, r), [...m.getWeights().values()]);
          const byTf = new Map([...m.getWeights()].map(([n, v]) => [v.name, n]));
          for (const [k, g] of Object.entries(grads)) out.set(byTf.get(k) ?? k, g.dataSync() as Float32Array);
          assert.equal(out.size, names.length, 'every weight gets a gradient');
        });
        return out;
      };
      const analytic = await noLeaks('a gradient computation', () => gradsOf(fast));
      const reference = gradsOf(naive);
      for (const [name, g] of analytic) {
        const ref = reference.get(name);
        assert.ok(ref, name);
        let scale = 0;
        for (const x of ref) scale = Math.max(scale, Math.abs(x));
        for (let i = 0; i < g.length; i++) {
          assert.ok(Math.abs((g[i] ?? 0) - (ref[i] ?? 0)) <= 1e-4 * scale + 1e-5, `${name}[${i}]: ${g[i]} vs built-in ${ref[i]}`);
        }
      }
      // Central differences on a sample of entries of every weight, in float32.
      const eps = 2e-3;
      const random = seedrandom('entries');
      const lossAt = (): number => tf.tidy(() => probe(fast, BATCH, r).dataSync()[0] ?? NaN);
      for (const [name, w] of weights) {
        const g = analytic.get(name);
        assert.ok(g);
        for (let k = 0; k < 3; k++) {
          const i = Math.floor(random() * w.data.length);
          const shifted = (delta: number): number => {
            const data = Float32Array.from(w.data);
            data[i] = (data[i] ?? 0) + delta;
            fast.setWeights(new Map([[name, data]]));
            return lossAt();
          };
          const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
          fast.setWeights(new Map([[name, w.data]]));
          const a = g[i] ?? NaN;
          assert.ok(Math.abs(a - numeric) <= 2e-2 * Math.max(Math.abs(a), Math.abs(numeric)) + 2e-2, `${name}[${i}]: analytic ${a}, numeric ${numeric}`);
        }
      }
      r.dispose();
    } finally {
      fast.dispose();
      naive.dispose();
    }
  });

  test(`a tiny model overfits a fixed batch on ${backend}`, async () => {
    await on(backend);
    const model = new LlamaModel(TINY_MHA, { seed: 5 });
    const optimizer = new AdamW(model.getWeights(), { lr: 2e-2, weightDecay: 0.01, maxGradNorm: 1, schedule: { warmupSteps: 10, totalSteps: 200, decay: 'cosine', minRatio: 0.1 } });
    try {
      const random = seedrandom('data');
      const sequences = Array.from({ length: 3 }, () => Array.from({ length: 16 }, () => Math.floor(random() * TINY_MHA.vocabSize)));
      const b = scoringBatch(sequences);
      const count = b.mask.reduce((a, x) => a + x, 0);
      const loss = (): tf.Scalar => {
        const { logProbs } = tokenLogProbs(model, b);
        return tf.div(tf.neg(tf.sum(tf.mul(logProbs, tf.tensor1d(b.mask)))), count);
      };
      const first = optimizer.update(loss).loss;
      let last = first;
      const before = tf.memory().numTensors;
      let steps = 0;
      for (; steps < 150 && last > 0.02; steps++) last = optimizer.update(loss).loss;
      assert.equal(tf.memory().numTensors, before, 'training steps leak no tensors');
      assert.ok(first > 2, `starts near uniform (ln 16 ≈ 2.77), got ${first}`);
      assert.ok(last < 0.05, `cross-entropy after training ${last}`);
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  });
}

test('weights export, import and clone exactly, and a frozen clone has no trainable variables', async () => {
  await on('wasm');
  const model = new LlamaModel(TINY_GQA, { seed: 9 });
  const other = new LlamaModel(TINY_GQA, { seed: 10 });
  const frozen = model.clone({ trainable: false });
  try {
    other.setWeights(model.exportWeights());
    for (const [name, w] of model.exportWeights()) {
      assert.deepEqual(other.exportWeights().get(name)?.data, w.data, name);
      assert.deepEqual(frozen.exportWeights().get(name)?.data, w.data, name);
    }
    assert.ok([...frozen.getWeights().values()].every((v) => !v.trainable));
    assert.throws(() => model.setWeights(new Map([['norm', new Float32Array(3)]])), /3 values/);
    assert.throws(() => model.setWeights(new Map([['nope', new Float32Array(3)]])), /unknown weight/);
  } finally {
    model.dispose();
    other.dispose();
    frozen.dispose();
  }
});
