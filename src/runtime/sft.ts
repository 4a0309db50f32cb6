/**
 * Supervised fine-tuning steps: token-mean cross-entropy on the trained tokens of rendered
 * dialogs (`sft-data.ts`), micro-batched within a padded-token budget (wasm has a ~4 GB heap),
 * gradients accumulated into one AdamW update per step.
 */
import * as tf from '@tensorflow/tfjs';
import type { LlamaModel } from '../policy/model.ts';
import type { AdamW } from '../policy/optimizer.ts';
import { scoringBatch, tokenLogProbs } from '../policy/score.ts';
import type { SftSequence } from './sft-data.ts';
import { seededRandom } from '../eval/seeded-random.ts';
import { shuffle } from './shuffle.ts';

/** What one SFT step did. */
export interface SftStepResult {
  /** Mean negative log-likelihood per trained token. */
  readonly loss: number;
  /** Ids in the step's dialogs (unpadded). */
  readonly tokens: number;
  readonly trainedTokens: number;
  readonly gradNorm: number;
  readonly lr: number;
}

/**
 * An endless, seeded stream of step batches: each epoch is a fresh shuffle of the sequences, and
 * a batch takes whole sequences until it holds at least `batchTokens` ids. The stream depends on
 * the seed only, so a resumed run skips the batches it already trained on and continues identically.
 */
export class SftBatcher {
  private order: SftSequence[] = [];
  private cursor = 0;
  private epoch = 0;

  constructor(
    private readonly sequences: readonly SftSequence[],
    private readonly options: { readonly batchTokens: number; readonly seed: number },
  ) {
    if (sequences.length === 0) throw new RangeError('SFT needs at least one sequence');
  }

  /** Completed passes over the data. */
  get epochs(): number {
    return this.epoch + this.cursor / Math.max(1, this.order.length);
  }

  next(): SftSequence[] {
    const batch: SftSequence[] = [];
    let tokens = 0;
    while (batch.length === 0 || tokens < this.options.batchTokens) {
      if (this.cursor >= this.order.length) {
        if (this.order.length > 0) this.epoch++;
        this.order = shuffle(this.sequences, seededRandom(this.options.seed * 7919 + this.epoch));
        this.cursor = 0;
      }
      const seq = this.order[this.cursor++]!;
      batch.push(seq);
      tokens += seq.ids.length;
      if (batch.length >= this.sequences.length) break;
    }
    return batch;
  }

  /** Drops the next `steps` batches (resuming). */
  skip(steps: number): void {
    for (let i = 0; i < steps; i++) this.next();
  }
}

/** Groups sequences of similar length so that rows × longest row stays within `microTokens`. */
export function microBatches(sequences: readonly SftSequence[], microTokens: number): SftSequence[][] {
  const sorted = [...sequences].sort((a, b) => a.ids.length - b.ids.length);
  const out: SftSequence[][] = [];
  let current: SftSequence[] = [];
  for (const seq of sorted) {
    if (current.length > 0 && (current.length + 1) * seq.ids.length > microTokens) {
      out.push(current);
      current = [];
    }
    current.push(seq);
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Sum over the micro-batch of −log π(target) at trained positions, divided by `denominator`
 * (the trained tokens of the whole step, so the micro-batch losses add up to the step's mean).
 * Differentiable; call inside a gradient function or tf.tidy.
 */
export function sftLoss(model: LlamaModel, sequences: readonly SftSequence[], denominator: number): tf.Scalar {
  const layout = scoringBatch(sequences.map((s) => Array.from(s.ids)));
  const L = layout.batch.length;
  // Position t predicts id t + 1: its weight is that id's trained flag.
  const weights = new Float32Array(layout.batch.batch * L);
  sequences.forEach((s, r) => {
    for (let t = 0; t + 1 < s.ids.length; t++) weights[r * L + t] = s.trainMask[t + 1] ?? 0;
  });
  const { logProbs } = tokenLogProbs(model, layout);
  return tf.div<tf.Scalar>(tf.neg(tf.sum(tf.mul(logProbs, tf.tensor1d(weights)))), Math.max(1, denominator));
}

/** One AdamW update on `batch`. */
export function sftStep(model: LlamaModel, optimizer: AdamW, batch: readonly SftSequence[], microTokens: number): SftStepResult {
  const trainedTokens = batch.reduce((n, s) => n + s.trainedTokens, 0);
  const tokens = batch.reduce((n, s) => n + s.ids.length, 0);
  const losses = microBatches(batch, microTokens).map((part) => () => sftLoss(model, part, trainedTokens));
  const result = optimizer.update(losses);
  return { loss: result.loss, tokens, trainedTokens, gradNorm: result.gradNorm, lr: result.lr };
}

/** Mean loss per trained token over `sequences`, without updating (a held-out check). */
export function sftEvalLoss(model: LlamaModel, sequences: readonly SftSequence[], microTokens: number): number {
  const trained = sequences.reduce((n, s) => n + s.trainedTokens, 0);
  let total = 0;
  for (const part of microBatches(sequences, microTokens)) {
    total += tf.tidy(() => sftLoss(model, part, trained).dataSync()[0] ?? NaN);
  }
  return total;
}
