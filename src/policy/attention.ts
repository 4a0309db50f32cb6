/**
 * Causal self-attention over a fused, head-major QKV tensor. On wasm a 3-D batched matMul runs
 * at ≈ 1.5 GFLOP/s while a plain 2-D one runs at 10–20, so the training path loops over
 * (sequence, head) pairs with 2-D products — forward and a hand-written backward — and does the
 * softmax on the stacked scores in one kernel. The decode path (one new token against a KV
 * cache) is too small for that to pay and uses batched products; reading a prompt slice into the
 * cache uses the 2-D products again.
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
 * Attention for `x` = [batch · (nHeads + 2·nKvHeads), T, headDim] (queries — already roped and
 * scaled by 1/√headDim — then roped keys, then values, per sequence) with an additive `bias`
 * broadcastable to [batch, nHeads, T, T] (0 where a query may attend, −1e9 where not).
 * Returns [batch · nHeads, T, headDim].
 *
 * The backward pass never transposes a [T, T] matrix (on wasm a transpose moves ≈ 100 M floats/s):
 * dQ = dS·K, dKᵀ = Qᵀ·dS, dVᵀ = dOᵀ·P and dP = dO·Vᵀ are all plain products of tensors at hand,
 * and only the [hd, T] results for keys and values are transposed back, in one batch.
 */
export function attention(x: tf.Tensor3D, bias: tf.Tensor4D, layout: HeadLayout): tf.Tensor3D {
  const { batch, nHeads, nKvHeads } = layout;
  const [rows, t, hd] = x.shape;
  const idx = indices(layout);
  const pairs = batch * nHeads;
  const nh = nHeads + 2 * nKvHeads;
  const op = customOp<tf.Tensor3D>(([xi, bi], save) => {
    if (xi === undefined || bi === undefined) throw new Error('attention needs two inputs');
    const xT = tf.transpose(xi, [0, 2, 1]);
    const parts = tf.unstack(xi) as tf.Tensor2D[];
    const partsT = tf.unstack(xT) as tf.Tensor2D[];
    const scores: tf.Tensor2D[] = [];
    for (let p = 0; p < pairs; p++) scores.push(tf.matMul(at(parts, at(idx.q, p)), at(partsT, at(idx.k, p))));
    const s = tf.reshape(tf.stack(scores), [batch, nHeads, t, t]);
    const probs = tf.reshape(tf.softmax(tf.add(s, bi)), [pairs, t, t]);
    save([xi, xT, probs]);
    const pl = tf.unstack(probs) as tf.Tensor2D[];
    const outs: tf.Tensor2D[] = [];
    for (let p = 0; p < pairs; p++) outs.push(tf.matMul(at(pl, p), at(parts, at(idx.v, p))));
    return {
      value: tf.stack<tf.Tensor2D>(outs) as tf.Tensor3D,
      gradFunc: (dy, saved) => {
        const [sx, sxT, sp] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
        const dyl = tf.unstack(dy) as tf.Tensor2D[];
        const dyT = tf.unstack(tf.transpose(dy, [0, 2, 1])) as tf.Tensor2D[];
        const xs = tf.unstack(sx) as tf.Tensor2D[];
        const xsT = tf.unstack(sxT) as tf.Tensor2D[];
        const pl = tf.unstack(sp) as tf.Tensor2D[];
        // Gradients per fused head: queries as [T, hd], keys and values transposed, [hd, T].
        const grads = new Map<number, tf.Tensor2D[]>();
        const addGrad = (i: number, g: tf.Tensor2D): void => {
          const list = grads.get(i);
          if (list) list.push(g);
          else grads.set(i, [g]);
        };
        const dps: tf.Tensor2D[] = [];
        for (let p = 0; p < pairs; p++) {
          dps.push(tf.matMul(at(dyl, p), at(xsT, at(idx.v, p))));
          addGrad(at(idx.v, p), tf.matMul(at(dyT, p), at(pl, p)));
        }
        const dp = tf.stack(dps);
        // softmax backward: dS = P ⊙ (dP − rowsum(dP ⊙ P))
        const dsl = tf.unstack(tf.mul(sp, tf.sub(dp, tf.sum(tf.mul(dp, sp), -1, true)))) as tf.Tensor2D[];
        for (let p = 0; p < pairs; p++) {
          addGrad(at(idx.q, p), tf.matMul(at(dsl, p), at(xs, at(idx.k, p))));
          addGrad(at(idx.k, p), tf.matMul(at(xsT, at(idx.q, p)), at(dsl, p)));
        }
        const total = (i: number): tf.Tensor2D => {
          const list = grads.get(i) ?? [];
          return list.length === 1 ? at(list, 0) : tf.addN<tf.Tensor2D>(list);
        };
        const kvIds: number[] = [];
        for (let i = 0; i < rows; i++) if (i % nh >= nHeads) kvIds.push(i);
        const kv = tf.unstack(tf.transpose(tf.stack(kvIds.map(total)), [0, 2, 1])) as tf.Tensor2D[];
        const dx: tf.Tensor2D[] = [];
        let k = 0;
        for (let i = 0; i < rows; i++) dx.push(i % nh < nHeads ? total(i) : at(kv, k++));
        return [tf.reshape(tf.stack(dx), [rows, t, hd]), tf.zerosLike(bi)];
      },
    };
  });
  return op(x, bias);
}

/**
 * The same attention written the obvious way (batched products with transpose flags, built-in
 * gradients), kept as the benchmark's naive baseline and as a reference for the tests.
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
  const s = tf.add(tf.matMul(q, k, false, true), bias);
  return tf.reshape<tf.Rank.R3>(tf.matMul(tf.softmax(s), v), [batch * nHeads, t, headDim]);
}

/**
 * Decode-time attention against cached keys and values: `q` [batch · nHeads, Tq, hd] (scaled), the
 * cache's blocks along the keys, `kT[j]` [batch · nHeads, hd, Tj] and `v[j]` [batch · nHeads, Tj, hd]
 * (key/value heads already repeated for grouped queries), `bias` broadcastable to
 * [batch, nHeads, Tq, ΣTj]. The scores of all blocks share one softmax. No gradient.
 */
export function attentionCached(
  q: tf.Tensor3D,
  kT: readonly tf.Tensor3D[],
  v: readonly tf.Tensor3D[],
  bias: tf.Tensor4D,
  layout: HeadLayout,
): tf.Tensor3D {
  const { batch, nHeads } = layout;
  const [pairs, tq] = q.shape;
  const widths = v.map((block) => block.shape[1]);
  const tk = widths.reduce((a, w) => a + w, 0);
  // Scores of all blocks side by side; probabilities cut back into the blocks' widths; the blocks'
  // weighted values summed. One block (the common case until 64 positions) skips all three.
  const joined = <T extends tf.Tensor>(parts: T[]): T => (parts.length === 1 ? parts[0]! : tf.concat(parts, -1));
  const pieces = <T extends tf.Tensor>(t: T): T[] => (widths.length === 1 ? [t] : tf.split<T>(t, widths, -1));
  const sum = <T extends tf.Tensor>(parts: T[]): T => (parts.length === 1 ? parts[0]! : tf.addN(parts));
  if (tq < cachedAttention.pairwiseFrom) {
    const s = tf.reshape(joined(kT.map((k) => tf.matMul(q, k))), [batch, nHeads, tq, tk]);
    const p = tf.reshape<tf.Rank.R3>(tf.softmax(tf.add(s, bias)), [pairs, tq, tk]);
    return sum(pieces(p).map((pj, j) => tf.matMul(pj, at(v, j))));
  }
  // Reading a prompt slice: 2-D products per (sequence, head) pair, as in the training path
  // (16 prompts of 700 tokens: 4.2 s instead of 10.3 s on wasm, session 10).
  const qs = tf.unstack(q) as tf.Tensor2D[];
  const ks = kT.map((k) => tf.unstack(k) as tf.Tensor2D[]);
  const vs = v.map((block) => tf.unstack(block) as tf.Tensor2D[]);
  const s = tf.reshape(tf.stack(qs.map((qi, i) => joined(ks.map((k) => tf.matMul(qi, at(k, i)))))), [batch, nHeads, tq, tk]);
  const p = tf.unstack(tf.reshape(tf.softmax(tf.add(s, bias)), [pairs, tq, tk])) as tf.Tensor2D[];
  return tf.stack(p.map((pi, i) => sum(pieces(pi).map((pij, j) => tf.matMul(pij, at(at(vs, j), i)))))) as tf.Tensor3D;
}

/**
 * Query slices at least `pairwiseFrom` long (prompt slices) take the per-pair 2-D path in
 * {@link attentionCached}; single-token decode steps stay batched, where 2-D products per pair
 * were slower (their per-call overhead outweighs the work). Mutable for the benchmark's baseline.
 */
export const cachedAttention = { pairwiseFrom: 2 };
