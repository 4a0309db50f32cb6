/**
 * Per-token log-probabilities and entropies of given token sequences under a model (the policy,
 * or a frozen reference copy). Sequences of different lengths share a batch by right padding:
 * attention is causal, so padding after a sequence cannot change its tokens' scores.
 */
import * as tf from '@tensorflow/tfjs';
import type { ForwardBatch, LlamaModel } from './model.ts';
import { oneHot } from './ops.ts';

/** Scores of one sequence's tokens `from … length − 1` (each conditioned on all tokens before it). */
export interface TokenScores {
  readonly logProbs: Float32Array;
  readonly entropies: Float32Array;
}

/** Options for {@link score}. */
export interface ScoreOptions {
  /** Per sequence, the index of the first token to score (default 1: every token after the first). */
  readonly from?: readonly number[];
  /** Sequences per forward pass (default 16). */
  readonly batchSize?: number;
}

/** Sequences laid out for one forward pass: inputs, next-token targets and a 0/1 mask of scored targets. */
export interface ScoringBatch {
  readonly batch: ForwardBatch;
  /** [batch · length]: the token after each position (0 where none). */
  readonly targets: Int32Array;
  /** [batch · length]: 1 where position t's target (token t + 1) is scored. */
  readonly mask: Float32Array;
}

/**
 * Right-pads sequences into one batch of length max(len) − 1 (the last token is only ever a
 * target). `from[i]` is the first token of sequence i that is scored.
 */
export function scoringBatch(sequences: readonly (readonly number[])[], from?: readonly number[]): ScoringBatch {
  const rows = sequences.length;
  const length = Math.max(1, ...sequences.map((s) => s.length - 1));
  const ids = new Int32Array(rows * length);
  const targets = new Int32Array(rows * length);
  const mask = new Float32Array(rows * length);
  sequences.forEach((s, r) => {
    const first = from?.[r] ?? 1;
    if (first < 1) throw new RangeError(`sequence ${r}: the first scored token must have a prefix (from ≥ 1, got ${first})`);
    for (let t = 0; t < s.length - 1; t++) {
      ids[r * length + t] = s[t] ?? 0;
      targets[r * length + t] = s[t + 1] ?? 0;
      if (t + 1 >= first) mask[r * length + t] = 1;
    }
  });
  return { batch: { ids, batch: rows, length }, targets, mask };
}

/**
 * Log-probabilities [batch · length] of `targets` under the model's temperature-1 softmax, and
 * (computed when called, in the same scope) the entropies of those distributions. Differentiable (the target pick is a one-hot product, since
 * wasm has no gradient for gather); call inside tf.tidy or a gradient function.
 */
export function tokenLogProbs(model: LlamaModel, b: ScoringBatch): { logProbs: tf.Tensor1D; entropies: () => tf.Tensor1D } {
  const logits = model.forward(b.batch);
  const logp = tf.logSoftmax(logits);
  const vocab = logits.shape[1];
  const logProbs = tf.sum<tf.Tensor1D>(tf.mul(logp, oneHot(b.targets, vocab)), -1);
  // On demand: a training step that does not use the entropy should not pay for it.
  const entropies = (): tf.Tensor1D => tf.neg<tf.Tensor1D>(tf.sum<tf.Tensor1D>(tf.mul(tf.exp(logp), logp), -1));
  return { logProbs, entropies };
}

/** Scores `sequences` (token ids) under `model`; plain arrays in, plain arrays out. */
export async function score(
  model: LlamaModel,
  sequences: readonly (readonly number[])[],
  options: ScoreOptions = {},
): Promise<TokenScores[]> {
  const size = options.batchSize ?? 16;
  const out: TokenScores[] = [];
  for (let start = 0; start < sequences.length; start += size) {
    const chunk = sequences.slice(start, start + size);
    const b = scoringBatch(chunk, options.from?.slice(start, start + size));
    const [lp, ent] = tf.tidy(() => {
      const r = tokenLogProbs(model, b);
      return [r.logProbs, r.entropies()];
    });
    const [lpData, entData] = [(await lp.data()) as Float32Array, (await ent.data()) as Float32Array];
    tf.dispose([lp, ent]);
    chunk.forEach((s, i) => {
      const first = options.from?.[start + i] ?? 1;
      const row = i * b.batch.length;
      out.push({
        logProbs: lpData.slice(row + first - 1, row + s.length - 1),
        entropies: entData.slice(row + first - 1, row + s.length - 1),
      });
    });
  }
  return out;
}
