import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { clippedSurrogateLoss, type PolicyLossInputs } from '../../../src/rl/ppo-loss.ts';
import { policyMetrics } from '../../../src/rl/policy-metrics.ts';
import { maskedEntropy } from '../../../src/rl/masked-entropy.ts';
import { assertClose } from './fixtures.ts';
import { take, testOnBackends, withoutLeaks } from './tf-fixtures.ts';

const EPS = 0.2;
const f32 = (min: number, max: number): fc.Arbitrary<number> => fc.float({ min: Math.fround(min), max: Math.fround(max), noNaN: true });

interface TokenCase {
  logp: Float32Array;
  oldLogp: Float32Array;
  behaviourLogp: Float32Array;
  advantages: Float32Array;
  mask: Float32Array;
}

// Advantages stay clear of float32 subnormals, where products round so coarsely that the two
// surrogate branches tie and the tie-break, not the clipping, decides the gradient.
const advantageArb = fc.oneof(f32(-2, -1e-3), fc.constant(0), f32(1e-3, 2));

const tokenCaseArb: fc.Arbitrary<TokenCase> = fc
  .array(fc.tuple(f32(-5, 0), f32(-0.6, 0.6), f32(-0.6, 0.6), advantageArb, fc.boolean()), { minLength: 1, maxLength: 16 })
  .map((tokens) => ({
    logp: Float32Array.from(tokens, (t) => t[0]),
    oldLogp: Float32Array.from(tokens, (t) => t[0] - t[1]),
    behaviourLogp: Float32Array.from(tokens, (t) => t[0] - t[2]),
    advantages: Float32Array.from(tokens, (t) => t[3]),
    mask: Float32Array.from(tokens, (t) => (t[4] ? 1 : 0)),
  }));

const tensors = (c: TokenCase): PolicyLossInputs => ({
  logp: tf.tensor1d(c.logp),
  oldLogp: tf.tensor1d(c.oldLogp),
  behaviourLogp: tf.tensor1d(c.behaviourLogp),
  advantages: tf.tensor1d(c.advantages),
  mask: tf.tensor1d(c.mask),
});

const dispose = (inputs: PolicyLossInputs): void => Object.values(inputs).forEach((t: tf.Tensor) => t.dispose());

/** The loss and its gradient with respect to log π_θ, as plain numbers. */
function lossAndGrad(c: TokenCase): { loss: number; grad: number[] } {
  const inputs = tensors(c);
  const { value, grad } = tf.valueAndGrad((logp: tf.Tensor) => clippedSurrogateLoss({ ...inputs, logp: logp as tf.Tensor1D }))(inputs.logp);
  // + 0 turns −0 into 0, so exact comparisons see values, not the sign of zero.
  const result = { loss: take(value)[0] ?? NaN, grad: take(grad).map((g) => g + 0) };
  dispose(inputs);
  return result;
}

testOnBackends('the clipped surrogate equals the plain surrogate −mean(A) when all ratios are 1', () => {
  fc.assert(
    fc.property(tokenCaseArb, (c) => {
      const same = { ...c, oldLogp: c.logp, behaviourLogp: c.logp };
      const { loss, grad } = withoutLeaks(() => lossAndGrad(same));
      const real = c.mask.reduce((s, m) => s + m, 0);
      const plain = -c.advantages.reduce((s, a, i) => s + a * (c.mask[i] ?? 0), 0) / Math.max(real, 1);
      assertClose(loss, plain, 1e-5, 'loss');
      // d(ratio·A)/d log π_θ = ratio·A = A here: the plain surrogate's gradient.
      grad.forEach((g, i) => assertClose(g, (-(c.advantages[i] ?? 0) * (c.mask[i] ?? 0)) / Math.max(real, 1), 1e-5, `grad[${i}]`));
    }),
    { numRuns: 200 },
  );
});

testOnBackends('the surrogate’s gradient is zero where clipping is active and −A·ratio/N elsewhere', () => {
  fc.assert(
    fc.property(tokenCaseArb, (c) => {
      const { loss, grad } = withoutLeaks(() => lossAndGrad(c));
      const real = Math.max(c.mask.reduce((s, m) => s + m, 0), 1);
      let expectedLoss = 0;
      grad.forEach((g, i) => {
        const lp = c.logp[i] ?? NaN;
        const a = c.advantages[i] ?? NaN;
        const ratio = Math.exp(lp - (c.oldLogp[i] ?? NaN)) * Math.min(Math.exp(lp - (c.behaviourLogp[i] ?? NaN)), 1);
        const clipped = Math.min(Math.max(ratio, 1 - EPS), 1 + EPS);
        if (c.mask[i] === 0) return assert.equal(g, 0, `padded grad[${i}]`);
        expectedLoss -= Math.min(ratio * a, clipped * a) / real;
        // Skip ties at the clip boundary, where float32 and float64 may pick different branches.
        if (Math.abs(ratio - 1 - EPS) < 1e-4 || Math.abs(ratio - 1 + EPS) < 1e-4) return;
        const active = clipped * a < ratio * a;
        if (active) assert.equal(g, 0, `clipped grad[${i}]`);
        else assertClose(g, (-a * ratio) / real, 1e-5, `grad[${i}]`);
      });
      assertClose(loss, expectedLoss, 1e-5, 'loss');
    }),
    { numRuns: 200 },
  );
});

const padArb = fc.oneof(fc.constantFrom(Number.NaN, Infinity, -Infinity, 1e30, -1e30), fc.double({ min: -50, max: 50, noNaN: true }));

testOnBackends('padded positions change neither the surrogate loss nor its gradient, whatever they hold', () => {
  fc.assert(
    fc.property(tokenCaseArb, fc.array(padArb, { minLength: 4, maxLength: 4 }), (c, pads) => {
      const scribble = (xs: Float32Array, pad: number): Float32Array => xs.map((x, i) => (c.mask[i] === 0 ? pad : x));
      const dirty = {
        ...c,
        logp: scribble(c.logp, pads[0] ?? 0),
        oldLogp: scribble(c.oldLogp, pads[1] ?? 0),
        behaviourLogp: scribble(c.behaviourLogp, pads[2] ?? 0),
        advantages: scribble(c.advantages, pads[3] ?? 0),
      };
      const clean = withoutLeaks(() => lossAndGrad(c));
      const scribbled = withoutLeaks(() => lossAndGrad(dirty));
      assert.equal(scribbled.loss, clean.loss);
      assert.deepEqual(scribbled.grad, clean.grad);
    }),
    { numRuns: 200 },
  );
});

testOnBackends('policy metrics report k1 and k3 KL, clip fractions and entropy without leaking', () => {
  // Token 0: π_θ/π_old = 2, on-policy (clipped, A > 0 so clipping is active).
  // Token 1: π_θ/π_old = 1 but π_θ/π_behaviour = 0.9, so the corrected ratio is 0.9 (not clipped). Token 2: padding.
  const inputs: PolicyLossInputs = {
    logp: tf.tensor1d([Math.log(0.5), Math.log(0.25), 7]),
    oldLogp: tf.tensor1d([Math.log(0.25), Math.log(0.25), -3]),
    behaviourLogp: tf.tensor1d([Math.log(0.5), Math.log(0.25 / 0.9), 0]),
    advantages: tf.tensor1d([1, -1, 5]),
    mask: tf.tensor1d([1, 1, 0]),
  };
  const logits = tf.zeros<tf.Rank.R2>([3, 4]);
  const m = withoutLeaks(() => policyMetrics(inputs, { clipEpsilon: EPS }, logits));
  assertClose(m.approxKlK1, -Math.log(2) / 2, 1e-6, 'k1');
  assertClose(m.approxKlK3, (1 - Math.log(2)) / 2, 1e-6, 'k3');
  assertClose(m.clipFraction, 0.5, 1e-6, 'clip fraction');
  assertClose(m.clipActiveFraction, 0.5, 1e-6, 'active clip fraction');
  assertClose(m.correctionMean, (1 + 0.9) / 2, 1e-6, 'correction');
  assertClose(m.entropy ?? NaN, Math.log(4), 1e-6, 'entropy');
  assert.equal(withoutLeaks(() => policyMetrics(inputs)).entropy, undefined);
  dispose(inputs);
  logits.dispose();
});

testOnBackends('the entropy of uniform logits is log V and padded rows do not count', () => {
  const logits = tf.tensor2d([
    [0, 0, 0, 0],
    [Number.NaN, 100, -100, 0],
  ]);
  const mask = tf.tensor1d([1, 0]);
  const entropy = withoutLeaks(() => take(maskedEntropy(logits, mask))[0] ?? NaN);
  assertClose(entropy, Math.log(4), 1e-6, 'entropy');
  logits.dispose();
  mask.dispose();
});

testOnBackends('one gradient step on the surrogate raises the probability of positive-advantage tokens and lowers the others', () => {
  const logits = tf.variable(tf.zeros([3, 4]));
  const tokens = tf.tensor1d([0, 1, 2], 'int32');
  const inputs = {
    oldLogp: tf.fill<tf.Rank.R1>([3], Math.log(0.25)),
    behaviourLogp: tf.fill<tf.Rank.R1>([3], Math.log(0.25)),
    advantages: tf.tensor1d([1, -1, 1]),
    mask: tf.tensor1d([1, 1, 0]),
  };
  const sampledLogp = (): tf.Tensor1D =>
    tf.tidy(() => tf.sum<tf.Tensor1D>(tf.mul(tf.logSoftmax(logits), tf.oneHot(tokens, 4)), -1));
  withoutLeaks(() =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => clippedSurrogateLoss({ ...inputs, logp: sampledLogp() }));
      const grad = grads[logits.name];
      assert.ok(grad !== undefined);
      logits.assign(tf.sub(logits, tf.mul(grad, 1)));
    }),
  );
  const p = take(tf.tidy(() => tf.exp(sampledLogp())));
  assert.ok((p[0] ?? 0) > 0.25 && (p[1] ?? 1) < 0.25, `probabilities ${p.join(', ')}`);
  assertClose(p[2] ?? NaN, 0.25, 1e-7, 'padded token');
  [logits, tokens, ...Object.values(inputs)].forEach((t: tf.Tensor) => t.dispose());
});
