/**
 * Ragged per-turn token arrays concatenated onto the token axis.
 */
import type { TokenLayout } from './token-layout.ts';

/** Copies turn t's array into [offsets[t], offsets[t+1]); padded positions get `padValue`. */
export function packTokens(perTurn: readonly Float32Array[], layout: TokenLayout, padValue = 0): Float32Array {
  const out = new Float32Array(layout.length).fill(padValue, layout.realTokens);
  perTurn.forEach((values, t) => {
    const start = layout.offsets[t] ?? 0;
    const end = layout.offsets[t + 1] ?? start;
    out.set(values.subarray(0, end - start), start);
  });
  return out;
}
