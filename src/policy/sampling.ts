/**
 * Picking one token from a row of log-probabilities on the host: greedy, or temperature and
 * nucleus (top-p) sampling driven by a caller-supplied uniform random source.
 */

/** How to turn the model's distribution into a draw. */
export interface SamplingParams {
  /** 0 picks the most likely token (ties to the lowest id); otherwise logits are divided by it. */
  readonly temperature: number;
  /** Keep the smallest set of most likely tokens whose mass reaches topP (1 keeps all). */
  readonly topP: number;
}

/** A draw: the token and its log-probability under the distribution actually sampled from. */
export interface Draw {
  readonly token: number;
  readonly samplingLogProb: number;
}

/** Index of the largest value (the first one on ties). */
export function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if ((row[i] ?? -Infinity) > (row[best] ?? -Infinity)) best = i;
  return best;
}

/**
 * Draws one token from `logProbs` (a temperature-1 log-softmax row). `random` returns uniforms in
 * [0, 1); it is called exactly once per non-greedy draw, so streams stay aligned across runs.
 */
export function sampleToken(logProbs: Float32Array, params: SamplingParams, random: () => number): Draw {
  if (params.temperature <= 0) return { token: argmax(logProbs), samplingLogProb: 0 };
  const n = logProbs.length;
  const scaled = new Float64Array(n);
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    scaled[i] = (logProbs[i] ?? -Infinity) / params.temperature;
    if ((scaled[i] ?? -Infinity) > max) max = scaled[i] ?? max;
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    scaled[i] = Math.exp((scaled[i] ?? -Infinity) - max);
    total += scaled[i] ?? 0;
  }
  let kept: number[];
  if (params.topP < 1) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scaled[b] ?? 0) - (scaled[a] ?? 0) || a - b);
    kept = [];
    let mass = 0;
    for (const i of order) {
      kept.push(i);
      mass += (scaled[i] ?? 0) / total;
      if (mass >= params.topP) break;
    }
  } else {
    kept = Array.from({ length: n }, (_, i) => i);
  }
  let keptMass = 0;
  for (const i of kept) keptMass += scaled[i] ?? 0;
  const u = random() * keptMass;
  let acc = 0;
  let token = kept[kept.length - 1] ?? 0;
  for (const i of kept) {
    acc += scaled[i] ?? 0;
    if (u < acc) {
      token = i;
      break;
    }
  }
  return { token, samplingLogProb: Math.log((scaled[token] ?? 0) / keptMass) };
}
