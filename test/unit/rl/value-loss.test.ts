import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { clippedValueLoss, type ValueLossInputs } from '../../../src/rl/value-loss.ts';
import { valueMetrics } from '../../../src/rl/value-metrics.ts';
import { assertClose } from './fixtures.ts';
import { take, testOnBackends, withoutLeaks } from './tf-fixtures.ts';

const DELTA = 0.2;
const f32 = (min: number, max: number): fc.Arbitrary<number> => fc.float({ min: Math.fround(min), max: Math.fround(max), noNaN: true });

interface TurnCase {
  values: Float32Array;
  oldValues: Float32Array;
  returns: Float32Array;
  mask: Float32Array;
}

const turnCaseArb: fc.Arbitrary<TurnCase> = fc
  .array(fc.tuple(f32(-2, 2), f32(-0.5, 0.5), f32(-2, 2), fc.boolean()), { minLength: 1, maxLength: 12 })
  .map((turns) => ({
    values: Float32Array.from(turns, (t) => t[0]),
    oldValues: Float32Array.from(turns, (t) => t[0] - t[1]),
    returns: Float32Array.from(turns, (t) => t[2]),
    mask: Float32Array.from(turns, (t) => (t[3] ? 1 : 0)),
  }));

function lossAndGrad(c: TurnCase): { loss: number; grad: number[] } {
  const inputs: ValueLossInputs = {
    values: tf.tensor1d(c.values),
    oldValues: tf.tensor1d(c.oldValues),
    returns: tf.tensor1d(c.returns),
    mask: tf.tensor1d(c.mask),
  };
  const { value, grad } = tf.valueAndGrad((v: tf.Tensor) => clippedValueLoss({ ...inputs, values: v as tf.Tensor1D }))(inputs.values);
  // + 0 turns −0 into 0, so exact comparisons see values, not the sign of zero.
  const result = { loss: take(value)[0] ?? NaN, grad: take(grad).map((g) => g + 0) };
  Object.values(inputs).forEach((t: tf.Tensor) => t.dispose());
  return result;
}

testOnBackends('the clipped value loss is never smaller than the unclipped ½(V − G)² and matches its definition', () => {
  fc.assert(
    fc.property(turnCaseArb, (c) => {
      const { loss } = withoutLeaks(() => lossAndGrad(c));
      const real = Math.max(c.mask.reduce((s, m) => s + m, 0), 1);
      let plain = 0;
      let expected = 0;
      c.values.forEach((v, i) => {
        if (c.mask[i] === 0) return;
        const g = c.returns[i] ?? NaN;
        const old = c.oldValues[i] ?? NaN;
        const clipped = Math.min(Math.max(v, old - DELTA), old + DELTA);
        plain += (0.5 * (v - g) ** 2) / real;
        expected += (0.5 * Math.max((v - g) ** 2, (clipped - g) ** 2)) / real;
      });
      assert.ok(loss >= plain * (1 - 1e-6) - 1e-7, `loss ${loss} < plain ${plain}`);
      assertClose(loss, expected, 1e-5 * (1 + expected), 'loss');
    }),
    { numRuns: 200 },
  );
});

const padArb = fc.oneof(fc.constantFrom(Number.NaN, Infinity, -Infinity, 1e30), fc.double({ min: -50, max: 50, noNaN: true }));

testOnBackends('padded turns change neither the value loss nor its gradient', () => {
  fc.assert(
    fc.property(turnCaseArb, fc.array(padArb, { minLength: 3, maxLength: 3 }), (c, pads) => {
      const scribble = (xs: Float32Array, pad: number): Float32Array => xs.map((x, i) => (c.mask[i] === 0 ? pad : x));
      const dirty = { ...c, values: scribble(c.values, pads[0] ?? 0), oldValues: scribble(c.oldValues, pads[1] ?? 0), returns: scribble(c.returns, pads[2] ?? 0) };
      const clean = withoutLeaks(() => lossAndGrad(c));
      const scribbled = withoutLeaks(() => lossAndGrad(dirty));
      assert.equal(scribbled.loss, clean.loss);
      assert.deepEqual(scribbled.grad, clean.grad);
      c.mask.forEach((m, i) => m === 0 && assert.equal(clean.grad[i], 0));
    }),
    { numRuns: 200 },
  );
});

testOnBackends('a value pushed past V_old + δ away from its return gets no gradient from the clipped branch', () => {
  // V = 1, V_old = 0, G = 2: clip(V) = 0.2, (0.2 − 2)² = 3.24 > (1 − 2)² = 1, so the clipped, constant term wins.
  const c: TurnCase = { values: Float32Array.of(1), oldValues: Float32Array.of(0), returns: Float32Array.of(2), mask: Float32Array.of(1) };
  const { loss, grad } = withoutLeaks(() => lossAndGrad(c));
  assertClose(loss, 0.5 * 3.24, 1e-6, 'loss');
  assert.deepEqual(grad, [0]);
});

testOnBackends('value metrics report the clip fraction, squared error and explained variance', () => {
  const inputs: ValueLossInputs = {
    values: tf.tensor1d([1, 0, -1, 42]),
    oldValues: tf.tensor1d([0, 0, -1, 0]),
    returns: tf.tensor1d([1, 1, -1, 0]),
    mask: tf.tensor1d([1, 1, 1, 0]),
  };
  const m = withoutLeaks(() => valueMetrics(inputs));
  assertClose(m.clipFraction, 1 / 3, 1e-6, 'clip fraction');
  assertClose(m.meanSquaredError, 1 / 3, 1e-6, 'mse');
  // G = (1, 1, −1): mean 1/3, var 8/9. G − V = (0, 1, 0): var 2/9. Explained variance 1 − 1/4.
  assertClose(m.explainedVariance, 0.75, 1e-6, 'explained variance');
  Object.values(inputs).forEach((t: tf.Tensor) => t.dispose());
});
