/**
 * Causal self-attention over a fused, head-major QKV tensor. On wasm a 3-D batched matMul runs
 * at ≈ 1.5 GFLOP/s while a plain 2-D one runs at 10–20, so the training path loops over
 * (sequence, head) pairs with 2-D products — forward and a hand-written backward — and does the
 * softmax on the stacked scores in one kernel. The decode path (one new token against a KV
 * cache) is too small for that to pay and uses batched products instead.
 */
import * as tf from '@tensorflow/tfjs';
import { customOp } from './custom-op.ts';

/** How the fused heads are laid out: per sequence, nHeads query heads, then nKvHeads keys, then values. */
export interface HeadLayout {
  readonly batch: number;
  readonly nHeads: number;
  readonly nKvHeads: number;
  readonly headDim: number;
}

function indices(l: HeadLayout): { q: number[]; k: number[]; v: number[] } {
  const nh = l.nHeads + 2 * l.nKvHeads;
  const rep = l.nHeads / l.nKvHeads;
  const q: number[] = [];
  const k: number[] = [];
  const v: number[] = [];
  for (let b = 0; b < l.batch; b++) {
    for (let h = 0; h < l.nHeads; h++) {
      const g = Math.floor(h / rep);
      q.push(b * nh + h);
      k.push(b * nh + l.nHeads + g);
      v.push(b * nh + l.nHeads + l.nKvHeads + g);
    }
  }
  return { q, k, v };
}

function at<T>(list: readonly T[], i: number): T {
  const x = list[i];
  if (x === undefined) throw new RangeError(`index ${i} out of range ${list.length}`);
  return x;
}

/**
 * Attention for `x` = [batch · (nHeads + 2·nKvHeads), T, headDim] (roped queries and keys, then
 * values, per sequence) with an additive `bias` broadcastable to [batch, nHeads, T, T] (0 where a
 * query may attend, −1e9 where not). Returns [batch · nHeads, T, headDim].
 */
export function attention(x: tf.Tensor3D, bias: tf.Tensor4D, layout: HeadLayout): tf.Tensor3D {
  const { batch, nHeads, headDim } = layout;
  const [, t] = x.shape;
  const scale = 1 / Math.sqrt(headDim);
  const idx = indices(layout);
  const pairs = batch * nHeads;
  const op = customOp<tf.Tensor3D>(([xi, bi], save) => {
    if (xi === undefined || bi === undefined) throw new Error('attention needs two inputs');
    const parts = tf.unstack(xi) as tf.Tensor2D[];
    const partsT = tf.unstack(tf.transpose(xi, [0, 2, 1])) as tf.Tensor2D[];
    const scores: tf.Tensor2D[] = [];
    for (let p = 0; p < pairs; p++) scores.push(tf.matMul(at(parts, at(idx.q, p)), at(partsT, at(idx.k, p))));
    const s = tf.reshape(tf.stack(scores), [batch, nHeads, t, t]);
    const probs = tf.reshape(tf.softmax(tf.add(tf.mul(s, scale), bi)), [pairs, t, t]);
    save([xi, probs]);
    const pl = tf.unstack(probs) as tf.Tensor2D[];
    const outs: tf.Tensor2D[] = [];
    for (let p = 0; p < pairs; p++) outs.push(tf.matMul(at(pl, p), at(parts, at(idx.v, p))));
    return {
      value: tf.stack<tf.Tensor2D>(outs) as tf.Tensor3D,
      gradFunc: (dy, saved) => {
        const [sx, sp] = saved as [tf.Tensor3D, tf.Tensor3D];
        const dyl = tf.unstack(dy) as tf.Tensor2D[];
        const xs = tf.unstack(sx) as tf.Tensor2D[];
        const xsT = tf.unstack(tf.transpose(sx, [0, 2, 1])) as tf.Tensor2D[];
        const pT = tf.unstack(tf.transpose(sp, [0, 2, 1])) as tf.Tensor2D[];
        const grads = new Map<number, tf.Tensor2D[]>();
        const addGrad = (i: number, g: tf.Tensor2D): void => {
          const list = grads.get(i);
          if (list) list.push(g);
          else grads.set(i, [g]);
        };
        const dps: tf.Tensor2D[] = [];
        for (let p = 0; p < pairs; p++) {
          dps.push(tf.matMul(at(dyl, p), at(xsT, at(idx.v, p))));
          addGrad(at(idx.v, p), tf.matMul(at(pT, p), at(dyl, p)));
        }
        const dp = tf.stack(dps);
        // softmax backward: dS = P ⊙ (dP − rowsum(dP ⊙ P)), times the 1/√d scale
        const ds = tf.mul(tf.mul(sp, tf.sub(dp, tf.sum(tf.mul(dp, sp), -1, true))), scale);
        const dsl = tf.unstack(ds) as tf.Tensor2D[];
        const dsT = tf.unstack(tf.transpose(ds, [0, 2, 1])) as tf.Tensor2D[];
        for (let p = 0; p < pairs; p++) {
          addGrad(at(idx.q, p), tf.matMul(at(dsl, p), at(xs, at(idx.k, p))));
          addGrad(at(idx.k, p), tf.matMul(at(dsT, p), at(xs, at(idx.q, p))));
        }
        const dx: tf.Tensor2D[] = [];
        for (let i = 0; i < xs.length; i++) {
          const list = grads.get(i) ?? [];
          dx.push(list.length === 1 ? at(list, 0) : tf.addN(list));
        }
        return [tf.stack(dx), tf.zerosLike(bi)];
      },
    };
  });
  return op(x, bias);
}

/**
 * The same attention written the obvious way (batched products with transpose flags, built-in
 * gradients), kept only as the benchmark's naive baseline.
 */
export function attentionNaive(x: tf.Tensor3D, bias: tf.Tensor4D, layout: HeadLayout): tf.Tensor3D {
  const { batch, nHeads, nKvHeads, headDim } = layout;
  const [, t] = x.shape;
  const x4 = tf.reshape<tf.Rank.R4>(x, [batch, nHeads + 2 * nKvHeads, t, headDim]);
  const rep = nHeads / nKvHeads;
  const expand = (y: tf.Tensor4D): tf.Tensor4D =>
    rep === 1 ? y : tf.reshape<tf.Rank.R4>(tf.stack(new Array<tf.Tensor4D>(rep).fill(y), 2), [batch, nHeads, t, headDim]);
  const q = tf.slice(x4, [0, 0, 0, 0], [batch, nHeads, t, headDim]);
  const k = expand(tf.slice(x4, [0, nHeads, 0, 0], [batch, nKvHeads, t, headDim]));
  const v = expand(tf.slice(x4, [0, nHeads + nKvHeads, 0, 0], [batch, nKvHeads, t, headDim]));
  const s = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim)), bias);
  return tf.reshape<tf.Rank.R3>(tf.matMul(tf.softmax(s), v), [batch * nHeads, t, headDim]);
}

/**
 * Decode-time attention against cached keys and values: `q` [batch · nHeads, Tq, hd], `kT`
 * [batch · nHeads, hd, Tk] and `v` [batch · nHeads, Tk, hd] (key/value heads already repeated for
 * grouped queries), `bias` broadcastable to [batch, nHeads, Tq, Tk]. No gradient.
 */
export function attentionCached(
  q: tf.Tensor3D,
  kT: tf.Tensor3D,
  v: tf.Tensor3D,
  bias: tf.Tensor4D,
  layout: HeadLayout,
): tf.Tensor3D {
  const { batch, nHeads, headDim } = layout;
  const [pairs, tq] = q.shape;
  const tk = v.shape[1];
  const s = tf.reshape(tf.matMul(q, kT), [batch, nHeads, tq, tk]);
  const p = tf.reshape(tf.softmax(tf.add(tf.mul(s, 1 / Math.sqrt(headDim)), bias)), [pairs, tq, tk]);
  return tf.matMul(p, v);
}
