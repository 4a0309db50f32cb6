/**
 * Rotary positions in Hugging Face Llama's convention: for each head,
 * x' = x · cos + rotate_half(x) · sin, where rotate_half(x) = [−x₂, x₁] (the two halves of the
 * head) and cos/sin repeat the frequencies θ^(−2i/d) over both halves. rotate_half is a signed
 * permutation, applied as one [rows, hd] × [hd, hd] product on the fused QKV; the value heads get
 * cos = 1 and sin = 0 so one elementwise pass covers all of QKV, and the query heads also carry
 * attention's 1/√hd.
 */
import * as tf from '@tensorflow/tfjs';

/** The signed permutation R with x · R = rotate_half(x) for a row x of length `headDim`. */
export function rotateHalfMatrix(headDim: number): tf.Tensor2D {
  const half = headDim / 2;
  const r = new Float32Array(headDim * headDim);
  for (let j = 0; j < half; j++) r[(j + half) * headDim + j] = -1;
  for (let j = half; j < headDim; j++) r[(j - half) * headDim + j] = 1;
  return tf.tensor2d(r, [headDim, headDim]);
}

/** Inverse frequencies in float32, as HF computes them: 1 / θ^(2i/d). */
export function inverseFrequencies(headDim: number, theta: number): Float32Array {
  const out = new Float32Array(headDim / 2);
  for (let i = 0; i < headDim / 2; i++) out[i] = 1 / Math.pow(theta, (2 * i) / headDim);
  return out;
}

/** Heads of the fused QKV, in order: queries (rotated and scaled), keys (rotated), values (as is). */
export interface RopeHeads {
  readonly queries: number;
  readonly keys: number;
  readonly values: number;
  /** Multiplies the queries: attention's 1/√hd, applied here for free instead of on [T, T] scores. */
  readonly queryScale: number;
}

/**
 * cos and sin tables for the fused QKV of `rows` tokens with the given positions: each
 * [rows, (queries + keys + values) · hd].
 */
export function ropeTables(positions: Int32Array, invFreq: Float32Array, heads: RopeHeads): { cos: Float32Array; sin: Float32Array; width: number } {
  const half = invFreq.length;
  const hd = 2 * half;
  const nRoped = heads.queries + heads.keys;
  const width = (nRoped + heads.values) * hd;
  const cq = new Float32Array(hd);
  const sq = new Float32Array(hd);
  const cos = new Float32Array(positions.length * width);
  const sin = new Float32Array(positions.length * width);
  const c = new Float32Array(hd);
  const s = new Float32Array(hd);
  for (let n = 0; n < positions.length; n++) {
    const pos = positions[n] ?? 0;
    for (let i = 0; i < half; i++) {
      // float32 angle, like torch's float32 outer product of positions and inv_freq
      const angle = Math.fround(pos * (invFreq[i] ?? 0));
      c[i] = c[i + half] = Math.cos(angle);
      s[i] = s[i + half] = Math.sin(angle);
    }
    for (let i = 0; i < hd; i++) {
      cq[i] = (c[i] ?? 0) * heads.queryScale;
      sq[i] = (s[i] ?? 0) * heads.queryScale;
    }
    const row = n * width;
    for (let h = 0; h < nRoped; h++) {
      const query = h < heads.queries;
      cos.set(query ? cq : c, row + h * hd);
      sin.set(query ? sq : s, row + h * hd);
    }
    cos.fill(1, row + nRoped * hd, row + width);
  }
  return { cos, sin, width };
}
