/**
 * Where each turn's tokens sit in a flat, optionally padded, token axis.
 */

/** The token axis of a batch: turns packed back to back, then padding up to `length`. */
export interface TokenLayout {
  /** Total length N of token-aligned arrays, padding included. */
  readonly length: number;
  /** Number of real (unpadded) tokens: the sum of the token counts. */
  readonly realTokens: number;
  /** Turn t's tokens are [offsets[t], offsets[t+1]); length T + 1. */
  readonly offsets: Int32Array;
  /** The turn each position belongs to, −1 on padding. */
  readonly turnIndex: Int32Array;
  /** 1 on real tokens, 0 on padding. */
  readonly mask: Float32Array;
}

/**
 * Packs turns of the given token counts back to back and pads the axis up to a multiple of
 * `padToMultipleOf` (1 = no padding), so that tensors keep a few static shapes.
 */
export function tokenLayout(tokenCounts: ArrayLike<number>, padToMultipleOf = 1): TokenLayout {
  const turns = tokenCounts.length;
  const offsets = new Int32Array(turns + 1);
  for (let t = 0; t < turns; t++) offsets[t + 1] = (offsets[t] ?? 0) + (tokenCounts[t] ?? 0);
  const realTokens = offsets[turns] ?? 0;
  const multiple = Math.max(1, Math.floor(padToMultipleOf));
  const length = Math.ceil(realTokens / multiple) * multiple;
  const turnIndex = new Int32Array(length).fill(-1);
  const mask = new Float32Array(length);
  for (let t = 0; t < turns; t++) {
    turnIndex.fill(t, offsets[t], offsets[t + 1]);
    mask.fill(1, offsets[t], offsets[t + 1]);
  }
  return { length, realTokens, offsets, turnIndex, mask };
}
