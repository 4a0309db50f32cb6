/**
 * Turn-level values spread over the token axis.
 */
import type { TokenLayout } from './token-layout.ts';

/** Gives every token of turn t the value `perTurn[t]`; padded positions get 0. */
export function broadcastToTokens(perTurn: ArrayLike<number>, layout: TokenLayout): Float32Array {
  const out = new Float32Array(layout.length);
  for (let t = 0; t + 1 < layout.offsets.length; t++) out.fill(perTurn[t] ?? 0, layout.offsets[t], layout.offsets[t + 1]);
  return out;
}
