import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AdamW, learningRate } from '../../../src/policy/optimizer.ts';
import { BACKENDS, on, noLeaks } from './backends.ts';

test('the schedule warms up linearly, then decays linearly or along a cosine to its floor', () => {
  const s = { warmupSteps: 10, totalSteps: 110 } as const;
  assert.equal(learningRate(1, { ...s, decay: 'linear' }, 5), 0.5);
  assert.equal(learningRate(1, { ...s, decay: 'linear' }, 10), 1);
  assert.equal(learningRate(1, { ...s, decay: 'linear' }, 60), 0.5);
  assert.equal(learningRate(1, { ...s, decay: 'linear' }, 110), 0);
  assert.equal(learningRate(1, { ...s, decay: 'linear' }, 500), 0);
  assert.ok(Math.abs(learningRate(1, { ...s, decay: 'cosine', minRatio: 0.2 }, 60) - 0.6) < 1e-12);
  assert.ok(Math.abs(learningRate(1, { ...s, decay: 'cosine', minRatio: 0.2 }, 110) - 0.2) < 1e-12);
  assert.equal(learningRate(1, { ...s, decay: 'constant' }, 90), 1);
  assert.equal(learningRate(0.3, undefined, 1), 0.3);
});

/** PyTorch's AdamW on plain numbers, for one weight vector. */
function referenceAdamW(w: number[], grads: number[][], lr: number, wd: number, b1: number, b2: number, eps: number): number[] {
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  const out = [...w];
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < out.length; i++) {
      const gi = g[i] ?? 0;
      m[i] = b1 * (m[i] ?? 0) + (1 - b1) * gi;
      v[i] = b2 * (v[i] ?? 0) + (1 - b2) * gi * gi;
      out[i] = (out[i] ?? 0) * (1 - lr * wd);
      out[i] = (out[i] ?? 0) - (lr * ((m[i] ?? 0) / (1 - b1 ** t))) / (Math.sqrt((v[i] ?? 0) / (1 - b2 ** t)) + eps);
    }
  });
  return out;
}

for (const backend of BACKENDS) {
  test(`AdamW follows PyTorch's update, decays only matrices, clips the global norm and leaks nothing on ${backend}`, async () => {
    await on(backend);
    const w = tf.variable(tf.tensor2d([[0.5, -1], [2, 0.25]]), true, `opt-w-${backend}`);
    const gain = tf.variable(tf.tensor1d([1, 2]), true, `opt-g-${backend}`);
    const target = tf.tensor2d([[1, 2], [3, 4]]);
    const opt = new AdamW(new Map<string, tf.Variable>([['w', w], ['gain', gain]]), { lr: 0.1, weightDecay: 0.5, beta1: 0.9, beta2: 0.99, eps: 1e-8 });
    try {
      // loss = Σ (w − target)² / 2 + Σ gain, so dw = w − target and dgain = 1
      const loss = (): tf.Scalar => tf.add(tf.div(tf.sum(tf.square(tf.sub(w, target))), 2), tf.sum(gain));
      const wStart = Array.from(w.dataSync());
      const seen: number[][] = [];
      await noLeaks('optimizer steps', () => {
        for (let k = 0; k < 3; k++) {
          const now = Array.from(w.dataSync());
          seen.push(now.map((x, i) => x - [1, 2, 3, 4][i]!));
          const r = opt.update(loss);
          assert.ok(Math.abs(r.gradNorm - Math.hypot(...seen[k]!, 1, 1)) < 1e-5, `norm ${r.gradNorm} vs ${Math.hypot(...seen[k]!, 1, 1)}`);
        }
      });
      const wRef = referenceAdamW(wStart, seen, 0.1, 0.5, 0.9, 0.99, 1e-8);
      Array.from(w.dataSync()).forEach((x, i) => assert.ok(Math.abs(x - (wRef[i] ?? NaN)) < 1e-5, `w[${i}] ${x} vs ${wRef[i]}`));
      const gRef = referenceAdamW([1, 2], [[1, 1], [1, 1], [1, 1]], 0.1, 0, 0.9, 0.99, 1e-8);
      Array.from(gain.dataSync()).forEach((x, i) => assert.ok(Math.abs(x - (gRef[i] ?? NaN)) < 1e-5, `gain[${i}] ${x} vs ${gRef[i]}`));
      // Clipping scales the whole gradient to the given norm: a huge loss moves w like a unit gradient.
      const clipped = new AdamW(new Map([['w', w]]), { lr: 0.1, maxGradNorm: 1e-3, beta1: 0, beta2: 0, eps: 1e-12 });
      const before = Array.from(w.dataSync());
      const r = clipped.update(() => tf.mul(tf.sum(w), 1e6));
      assert.ok(r.gradNorm > 1e5, `norm ${r.gradNorm}`);
      // with β₁ = β₂ = 0 the step is lr · g / |g| elementwise = lr · sign(g)
      Array.from(w.dataSync()).forEach((x, i) => assert.ok(Math.abs(x - ((before[i] ?? 0) - 0.1)) < 1e-6, `clipped w[${i}] ${x} from ${before[i]}`));
      clipped.dispose();
    } finally {
      opt.dispose();
      tf.dispose([w, gain, target]);
    }
  });
}

test('an exported optimizer state resumes training bit for bit', async () => {
  await on('wasm');
  const make = (name: string, values: Float32Array): tf.Variable => tf.variable(tf.tensor2d(values, [2, 3]), true, name);
  const init = Float32Array.from([0.1, -0.2, 0.3, 0.4, -0.5, 0.6]);
  const a = make('resume-a', init);
  const loss = (v: tf.Variable) => (): tf.Scalar => tf.sum(tf.mul(tf.square(v), tf.tensor2d([[1, 2, 3], [4, 5, 6]])));
  const options = { lr: 0.05, weightDecay: 0.1, maxGradNorm: 0.5, schedule: { warmupSteps: 2, totalSteps: 10, decay: 'cosine' as const } };
  const optA = new AdamW(new Map([['a', a]]), options);
  optA.update(loss(a));
  optA.update(loss(a));
  const state = optA.exportState();
  const weights = a.dataSync() as Float32Array;
  optA.update(loss(a));
  optA.update(loss(a));
  const b = make('resume-b', weights);
  const optB = new AdamW(new Map([['a', b]]), options);
  optB.importState(state);
  assert.equal(optB.step, 2);
  optB.update(loss(b));
  optB.update(loss(b));
  assert.deepEqual(b.dataSync(), a.dataSync());
  optA.dispose();
  optB.dispose();
  tf.dispose([a, b]);
});

test('updateYielding gives the update bit for bit, lets the event loop run between micro-batches and leaks nothing', async () => {
  await on('wasm');
  const init = Float32Array.from([0.3, -0.1, 0.7, 0.2]);
  const a = tf.variable(tf.tensor2d(init, [2, 2]), true, 'yield-a');
  const b = tf.variable(tf.tensor2d(init, [2, 2]), true, 'yield-b');
  const parts = (v: tf.Variable): (() => tf.Scalar)[] => [
    () => tf.sum(tf.square(v)),
    () => tf.sum(tf.mul(v, tf.tensor2d([[1, -2], [3, 0.5]]))),
    () => tf.mul(tf.sum(tf.abs(v)), 0.25),
  ];
  const options = { lr: 0.02, weightDecay: 0.1, maxGradNorm: 0.8 };
  const optA = new AdamW(new Map([['w', a]]), options);
  const optB = new AdamW(new Map([['w', b]]), options);
  try {
    for (let k = 0; k < 3; k++) {
      const sync = optA.update(parts(a));
      let pauses = 0;
      const before = tf.memory().numTensors;
      const asyncResult = await optB.updateYielding(parts(b), async () => {
        pauses++;
        await new Promise<void>((resolve) => setImmediate(resolve));
      });
      assert.equal(tf.memory().numTensors, before, 'no tensor leaked by the yielding update');
      assert.equal(pauses, 4, 'one pause before each of 3 micro-batches and one before the weight update');
      assert.equal(asyncResult.loss, sync.loss);
      assert.equal(asyncResult.gradNorm, sync.gradNorm);
    }
    assert.deepEqual(b.dataSync(), a.dataSync());
    // A failing micro-batch rejects and keeps nothing of the gradients summed so far.
    const before = tf.memory().numTensors;
    await assert.rejects(
      optB.updateYielding([parts(b)[0]!, () => {
        throw new Error('micro-batch failed');
      }]),
      /micro-batch failed/,
    );
    assert.equal(tf.memory().numTensors, before);
    assert.equal(optB.step, 3, 'a failed update is not a step');
  } finally {
    optA.dispose();
    optB.dispose();
    tf.dispose([a, b]);
  }
});
