/**
 * The model's differentiable building blocks, each a `tf.customGrad` whose backward pass uses
 * only plain 2-D matrix products and explicit transposes. On the wasm backend a product with
 * `transposeA` runs ≈ 20x slower than `tf.transpose` followed by a plain product, and tfjs's
 * built-in matMul gradient uses the transpose flags, so these replace it in the hot path.
 */
import * as tf from '@tensorflow/tfjs';
import { customOp } from './custom-op.ts';

const matmul2dOp = customOp<tf.Tensor2D>(([a, b], save) => {
  const [x, y] = [a as tf.Tensor2D, b as tf.Tensor2D];
  save([x, y]);
  return {
    value: tf.matMul(x, y),
    gradFunc: (dy, saved) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy)];
    },
  };
});

/** `a · b` for 2-D tensors, with a backward pass of plain products against explicit transposes. */
export function matmul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return matmul2dOp(a, b);
}

/**
 * `a · b` where `b` is a constant that outlives the gradient computation (a kept tensor): only
 * dA = dy · bᵀ is computed.
 */
export function matmulConst(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const op = customOp<tf.Tensor2D>(([x], save) => {
    save([]);
    return { value: tf.matMul(x as tf.Tensor2D, b), gradFunc: (dy) => [tf.matMul(dy, tf.transpose(b))] };
  });
  return op(a);
}

/**
 * One-hot rows [ids, vocab] (or their transpose, [vocab, ids]) built on the host: the wasm
 * OneHot kernel of tfjs 4.22 writes integer bits into float32 outputs (1 reads as 1.4e-45).
 */
export function oneHot(ids: Int32Array, vocab: number, transposed = false): tf.Tensor2D {
  const n = ids.length;
  const data = new Float32Array(n * vocab);
  for (let i = 0; i < n; i++) {
    const id = ids[i] ?? 0;
    if (id < 0 || id >= vocab) throw new RangeError(`token id ${id} outside the vocabulary of ${vocab}`);
    data[transposed ? id * n + i : i * vocab + id] = 1;
  }
  return tf.tensor2d(data, transposed ? [vocab, n] : [n, vocab]);
}

/**
 * Rows of `table` picked by `ids` (a plain array, so it needs no gradient). The wasm backend has
 * no gradient kernel for `gather`, so the backward pass is a one-hot product: dTable = onehotᵀ·dy.
 */
export function embed(table: tf.Tensor2D, ids: Int32Array): tf.Tensor2D {
  const op = customOp<tf.Tensor2D>(([t], save) => {
    save([]);
    return {
      value: tf.gather(t as tf.Tensor2D, tf.tensor1d(ids, 'int32')),
      gradFunc: (dy) => [tf.matMul(oneHot(ids, table.shape[0], true), dy)],
    };
  });
  return op(table);
}

/**
 * The SwiGLU MLP's first half: silu(h · W_gate) ⊙ (h · W_up), with W_gate and W_up the two halves
 * of one fused [d, 2F] weight. Measured on wasm, two [N, d] × [d, F] products beat one
 * [N, d] × [d, 2F] followed by column slices of its [N, 2F] output (and a concat in the backward
 * pass): slicing the small weight is free, slicing the activation is not, and the weight-gradient
 * products run faster at width F than at 2F.
 */
export function swigluGateUp(h: tf.Tensor2D, wgu: tf.Tensor2D): tf.Tensor2D {
  const op = customOp<tf.Tensor2D>(([hi, wi], save) => {
    if (hi === undefined || wi === undefined) throw new Error('swigluGateUp needs two inputs');
    const [d, twoF] = wi.shape as [number, number];
    const f = twoF / 2;
    const gate = tf.matMul(hi, tf.slice(wi, [0, 0], [d, f]));
    const up = tf.matMul(hi, tf.slice(wi, [0, f], [d, f]));
    save([hi, wi, gate, up]);
    return {
      value: tf.mul(tf.mul(gate, tf.sigmoid(gate)), up),
      gradFunc: (dy, saved) => {
        const [sh, sw, g, u] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const sig = tf.sigmoid(g);
        // d silu(g)/dg = σ(g) · (1 + g · (1 − σ(g)))
        const dg = tf.mul(tf.mul(dy, u), tf.mul(sig, tf.add(1, tf.mul(g, tf.sub(1, sig)))));
        const du = tf.mul(dy, tf.mul(g, sig));
        const wT = tf.transpose(sw);
        const dh = tf.add(tf.matMul(dg, tf.slice(wT, [0, 0], [f, d])), tf.matMul(du, tf.slice(wT, [f, 0], [f, d])));
        const hT = tf.transpose(sh);
        return [dh, tf.concat([tf.matMul(hT, dg), tf.matMul(hT, du)], 1)];
      },
    };
  });
  return op(h, wgu);
}

/**
 * RMSNorm over the last axis of [N, D]: x / sqrt(mean(x²) + eps) · w, with a hand-written
 * backward pass (fewer kernels than autodiff of the same expression).
 */
export function rmsNorm(x: tf.Tensor2D, w: tf.Tensor1D, eps: number): tf.Tensor2D {
  const op = customOp<tf.Tensor2D>(([xi, wi], save) => {
    if (xi === undefined || wi === undefined) throw new Error('rmsNorm needs two inputs');
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(xi), -1, true), eps));
    save([xi, wi, r]);
    return {
      value: tf.mul(tf.mul(xi, r), wi),
      gradFunc: (dy, saved) => {
        const [sx, sw, sr] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D];
        const xhat = tf.mul(sx, sr);
        const dw = tf.sum(tf.mul(dy, xhat), 0);
        const g = tf.mul(dy, sw);
        // dx = r · (g − x̂ · mean(g · x̂))
        const dx = tf.mul(sr, tf.sub(g, tf.mul(xhat, tf.mean(tf.mul(g, xhat), -1, true))));
        return [dx, dw];
      },
    };
  });
  return op(x, w);
}
