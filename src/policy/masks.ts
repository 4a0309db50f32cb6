/** Additive attention masks: 0 where a query may look, −1e9 where it may not. */
import * as tf from '@tensorflow/tfjs';

/** Large enough to vanish under softmax; finite, so a row with no visible key stays finite. */
export const MASKED = -1e9;

/**
 * The bias for `tq` new queries that follow `past` cached positions, over `past + tq` keys: a key
 * is visible when it is the query's own position, or an earlier one that is not padding
 * (`keyValid`, [batch · (past + tq)], 1 or 0; default all real). Shape [1, 1, tq, tk] without `keyValid`, else
 * [batch, 1, tq, tk].
 */
export function attentionBias(batch: number, tq: number, past: number, keyValid?: Uint8Array): tf.Tensor4D {
  const tk = past + tq;
  const rows = keyValid === undefined ? 1 : batch;
  const data = new Float32Array(rows * tq * tk);
  for (let b = 0; b < rows; b++) {
    for (let i = 0; i < tq; i++) {
      const row = (b * tq + i) * tk;
      for (let j = 0; j < tk; j++) {
        // A query always sees itself, so a padding query has a well-defined (and ignored) output
        // rather than a softmax over nothing, whose float32 rounding breaks its gradient.
        const visible = j === past + i || (j < past + i && (keyValid === undefined || keyValid[b * tk + j] === 1));
        if (!visible) data[row + j] = MASKED;
      }
    }
  }
  return tf.tensor4d(data, [rows, 1, tq, tk]);
}
