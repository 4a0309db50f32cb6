/**
 * `customOp`: gradients flow as written, and an op's backward temporaries are freed when it
 * returns (tfjs otherwise keeps every tensor made during backpropagation until the end, which
 * doubled the training step's peak memory and ran the 4 GiB wasm heap out).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { customOp } from '../../../src/policy/custom-op.ts';
import { BACKENDS, noLeaks, on } from './backends.ts';

/** y = 2x, whose backward builds (and drops) a scratch tensor of `scratch` floats. */
function doubling(scratch: number): (x: tf.Tensor) => tf.Tensor {
  const op = customOp<tf.Tensor>(([x]) => {
    if (x === undefined) throw new Error('one input');
    return {
      value: tf.mul(x, 2),
      gradFunc: (dy) => {
        const big = tf.fill([scratch], 1);
        return [tf.mul(dy, tf.mean(big).mul(2))];
      },
    };
  });
  return (x) => op(x);
}

for (const backend of BACKENDS) {
  describe(`customOp (${backend})`, () => {
    it('chains gradients exactly', async () => {
      await on(backend);
      const f = doubling(16);
      await noLeaks('gradient', () => {
        const x = tf.tensor1d([1, 2, 3]);
        const g = tf.grad((v: tf.Tensor) => tf.sum(f(f(f(v)))))(x);
        assert.deepEqual(Array.from(g.dataSync()), [8, 8, 8]);
        tf.dispose([x, g]);
      });
    });

    it('frees each op\'s backward scratch before the next op runs', async () => {
      await on(backend);
      const scratch = 1 << 20; // 4 MiB of float32 per op
      const f = doubling(scratch);
      const depth = 8;
      const x = tf.tensor1d([1, 2, 3]);
      const info = await tf.profile(() => {
        const g = tf.grad((v: tf.Tensor) => {
          let y = v;
          for (let i = 0; i < depth; i++) y = f(y);
          return tf.sum(y);
        })(x);
        g.dispose();
      });
      x.dispose();
      // Kept until the end, the scratch of all 8 ops would peak at 32 MiB; freed per op, one.
      assert.ok(info.peakBytes < 2.5 * scratch * 4, `peak ${info.peakBytes} bytes`);
    });
  });
}
