/**
 * The clipped value loss of the turn-level critic (RLEF.md §3).
 */
import * as tf from '@tensorflow/tfjs';
import { maskPadding, maskedMean } from './masked-mean.ts';

/** Turn-aligned inputs of the value loss; every tensor has shape [T]. */
export interface ValueLossInputs {
  /** V(c_t) from the critic being trained (the gradient flows through this). */
  readonly values: tf.Tensor1D;
  /** V_old(c_t), recorded at rollout time. */
  readonly oldValues: tf.Tensor1D;
  /** The targets G_t. */
  readonly returns: tf.Tensor1D;
  /** 1 on real turns, 0 on padding. */
  readonly mask: tf.Tensor1D;
}

/** Options of the value loss. */
export interface ValueLossOptions {
  /** V is clipped to [V_old − δ, V_old + δ]. Paper: 0.2. */
  readonly clipRange: number;
}

/** The paper's value clip range. */
export const DEFAULT_VALUE_LOSS_OPTIONS: ValueLossOptions = { clipRange: 0.2 };

/**
 * Mean over real turns of ½·max((V − G)², (clip(V, V_old ± δ) − G)²). Taking the larger error
 * means the loss is never below the plain ½(V − G)², and moving V far from V_old earns no credit.
 */
export function clippedValueLoss(
  inputs: ValueLossInputs,
  options: ValueLossOptions = DEFAULT_VALUE_LOSS_OPTIONS,
): tf.Scalar {
  return tf.tidy(() => {
    const v = maskPadding(inputs.values, inputs.mask);
    const old = maskPadding(inputs.oldValues, inputs.mask);
    const g = maskPadding(inputs.returns, inputs.mask);
    const clipped = tf.minimum(tf.maximum(v, tf.sub(old, options.clipRange)), tf.add(old, options.clipRange));
    const error = tf.maximum(tf.square(tf.sub(v, g)), tf.square(tf.sub(clipped, g)));
    return maskedMean(tf.mul(error, 0.5), inputs.mask);
  });
}
